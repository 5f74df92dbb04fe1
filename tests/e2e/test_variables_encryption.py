"""Variable values are Fernet-encrypted in the database (as connection passwords) and every reader gets them back."""

from __future__ import annotations

import json
from pathlib import Path

VALUE = "s3cret-region-value-42"
JSON_VALUE = {"bucket": "drops-7731", "retries": 3}


def _db_bytes() -> bytes:
    """The SQLite database as it is on disk: the file and its WAL (a committed value may still be only there)."""
    from tradewind.config import conf

    path = Path(str(conf.get("database", "sql_alchemy_conn")).removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _raw(key: str):
    import sqlalchemy as sa

    from tradewind.store.engine import session
    from tradewind.store.models import variable

    with session() as conn:
        return conn.execute(sa.select(variable.c.val, variable.c.is_encrypted).where(variable.c.key == key)).one()


def test_values_are_not_in_clear_on_disk_and_every_reader_gets_them(cli, write_dag, tradewind_home) -> None:
    assert cli("variables", "set", "region", VALUE).code == 0
    (tradewind_home / "in.json").write_text(json.dumps({"bucket_conf": JSON_VALUE}))
    assert cli("variables", "import", str(tradewind_home / "in.json")).code == 0
    on_disk = _db_bytes()
    assert on_disk and VALUE.encode() not in on_disk and b"drops-7731" not in on_disk
    assert _raw("region").is_encrypted and _raw("bucket_conf").is_encrypted

    assert cli("variables", "get", "region").out.strip() == VALUE
    assert json.loads(cli("variables", "get", "bucket_conf", "-j").out) == JSON_VALUE
    r = cli("variables", "export", "-")
    assert json.loads(r.out) == {"bucket_conf": JSON_VALUE, "region": VALUE}
    from tradewind.models import Variable

    assert Variable.get("region") == VALUE and Variable.get("bucket_conf", deserialize_json=True) == JSON_VALUE
    write_dag(
        "reads_vars.py",
        """
        from datetime import datetime
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("reads_vars", schedule=None, start_date=datetime(2024, 1, 1)):
            BashOperator(task_id="echo", bash_command="echo v={{ var.value.region }} b={{ var.json.bucket_conf.bucket }}")
    """,
    )
    r = cli("tasks", "test", "reads_vars", "echo", "2024-01-01")
    assert r.code == 0 and f"v={VALUE} b=drops-7731" in r.out, r.out + r.err


def test_rotate_fernet_key_re_encrypts_variables(cli, monkeypatch) -> None:
    from tradewind.config import conf
    from tradewind.models import Variable
    from tradewind.secrets.fernet import generate_key

    assert cli("variables", "set", "region", VALUE).code == 0
    before, old = _raw("region").val, conf.get("core", "fernet_key")
    new = generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", f"{new},{old}")
    r = cli("rotate-fernet-key")
    assert r.code == 0 and "0 connection(s) and 1 variable(s)" in r.out, r.out + r.err
    after = _raw("region")
    assert after.is_encrypted and after.val != before and VALUE not in after.val
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", new)  # the old key can now be dropped
    assert Variable.get("region") == VALUE and cli("variables", "get", "region").out.strip() == VALUE

    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", old)  # a key it was not encrypted with: one clear line
    r = cli("variables", "get", "region")
    assert r.code == 1 and "Traceback" not in r.err
    assert r.err.strip() == (
        "tradewind: error: cannot decrypt the value of variable 'region': "
        "[core] fernet_key is not the key it was encrypted with"
    )
