"""`tradewind connections ...` end to end: storage encrypted at rest, CLI output masked, tasks see connections."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml

from tradewind.secrets import masker

PASSWORD = "p@ss/w:rd#42"
URI = "ftp://us%40er:p%40ss%2Fw%3Ard%2342@127.0.0.1:2121/drops?passive=true&api_key=key-abcdef"


@pytest.fixture(autouse=True)
def _clean_masker():
    masker.reset_masker()
    yield
    masker.reset_masker()


def _raw_row(conn_id: str):
    import sqlalchemy as sa

    from tradewind.store.engine import session
    from tradewind.store.models import connection

    with session() as conn:
        return conn.execute(sa.select(connection).where(connection.c.conn_id == conn_id)).first()


def test_db_migrate_creates_a_fernet_key_once(cli, tradewind_home) -> None:
    r = cli("db", "migrate")
    assert r.code == 0 and "Created a new [core] fernet_key" in r.out
    key = tomllib.loads((tradewind_home / "tradewind.toml").read_text())["core"]["fernet_key"]
    r = cli("db", "migrate")
    assert r.code == 0 and "fernet_key" not in r.out
    assert tomllib.loads((tradewind_home / "tradewind.toml").read_text())["core"]["fernet_key"] == key


def test_add_get_list_delete_round_trip(cli, tradewind_home) -> None:
    r = cli("connections", "add", "ftp_default", "--conn-uri", URI, "--conn-description", "drops server")
    assert r.code == 0, r.err
    assert "Successfully added `conn_id`=ftp_default" in r.out and PASSWORD not in r.out and "key-abcdef" not in r.out

    r = cli("connections", "get", "ftp_default", "-o", "json")
    assert r.code == 0, r.err
    shown = json.loads(r.out)[0]
    assert shown["host"] == "127.0.0.1" and shown["port"] == 2121 and shown["login"] == "us@er"
    assert shown["schema"] == "drops" and shown["description"] == "drops server"
    assert shown["password"] == "***" and json.loads(shown["extra"]) == {"passive": "true", "api_key": "***"}
    assert PASSWORD not in r.out and "key-abcdef" not in r.out

    for output in ("table", "plain", "yaml"):
        r = cli("connections", "list", "-o", output)
        assert r.code == 0 and "***" in r.out and PASSWORD not in r.out, output
    r = cli("connections", "get", "ftp_default")
    assert r.code == 0 and "***" in r.out and PASSWORD not in r.out

    # stored encrypted, decrypted on the way out
    row = _raw_row("ftp_default")
    assert row.is_encrypted and row.is_extra_encrypted
    assert PASSWORD not in row.password and "key-abcdef" not in row.extra
    from tradewind.models import Connection

    assert Connection.get("ftp_default").password == PASSWORD

    r = cli("connections", "add", "ftp_default", "--conn-type", "ftp")
    assert r.code == 1 and "already exists" in r.err
    r = cli("connections", "delete", "ftp_default")
    assert r.code == 0 and "Successfully deleted" in r.out
    r = cli("connections", "delete", "ftp_default")
    assert r.code == 1 and "Did not find a connection" in r.err
    r = cli("connections", "get", "ftp_default")
    assert r.code == 1 and "isn't defined" in r.err


def test_add_from_parts_and_bad_input(cli) -> None:
    r = cli(
        "connections",
        "add",
        "api",
        "--conn-type",
        "http",
        "--conn-host",
        "api.local",
        "--conn-port",
        "8443",
        "--conn-login",
        "bot",
        "--conn-password",
        "tok3n-value",
        "--conn-extra",
        '{"verify": false}',
    )
    assert r.code == 0, r.err
    from tradewind.models import Connection

    api = Connection.get("api")
    assert (api.host, api.port, api.login, api.password, api.extra_dejson) == (
        "api.local",
        8443,
        "bot",
        "tok3n-value",
        {"verify": False},
    )

    bad = [
        (("--conn-uri", "ftp://h:notaport/"), "port"),
        (("--conn-uri", "no-scheme"), "invalid URI"),
        (("--conn-type", "http", "--conn-extra", "{bad json"), "not valid JSON"),
        (("--conn-type", "http", "--conn-extra", "[1, 2]"), "must be a JSON object"),
        (("--conn-type", "http", "--conn-port", "eighty"), "must be a number"),
        (("--conn-uri", "ftp://h", "--conn-host", "x"), "cannot be combined"),
        (("--conn-host", "x"), "must supply either --conn-uri"),
        (("--conn-json", "{nope"), "invalid JSON"),
    ]
    for args, message in bad:
        r = cli("connections", "add", "bad", *args)
        assert r.code == 1, args
        assert message in r.err and "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, (args, r.err)


@pytest.mark.parametrize("ext", ["json", "yaml", "env"])
def test_export_import_round_trip(cli, tradewind_home, ext) -> None:
    assert cli("connections", "add", "ftp_default", "--conn-uri", URI).code == 0
    assert (
        cli(
            "connections",
            "add",
            "db",
            "--conn-json",
            json.dumps(
                {
                    "conn_type": "postgres",
                    "host": "db.local",
                    "login": "me",
                    "password": "pg-pass-1",
                    "schema": "wh",
                    "port": 5432,
                    "extra": {"sslmode": "require", "nested": {"a": 1}},
                }
            ),
        ).code
        == 0
    )
    target = tradewind_home / f"conns.{ext}"
    r = cli("connections", "export", str(target))
    assert r.code == 0, r.err
    text = target.read_text()
    assert target.stat().st_mode & 0o777 == 0o600  # passwords in clear: owner only
    if ext == "json":
        assert json.loads(text)["db"]["password"] == "pg-pass-1"
    elif ext == "yaml":
        assert yaml.safe_load(text)["ftp_default"]["password"] == PASSWORD
    else:
        assert "ftp_default=" + URI.split("?")[0] in text

    from tradewind.models import Connection

    before = {c: Connection.get(c) for c in ("ftp_default", "db")}
    for conn_id in before:
        assert cli("connections", "delete", conn_id).code == 0
    r = cli("connections", "import", str(target))
    assert r.code == 0 and r.out.count("Imported connection") == 2, r.out
    for conn_id, original in before.items():
        again = Connection.get(conn_id)
        for field in ("conn_type", "host", "port", "login", "password", "schema"):
            assert getattr(again, field) == getattr(original, field), (conn_id, field)
        assert again.extra_dejson == original.extra_dejson
    r = cli("connections", "import", str(target))
    assert "Could not import connection db: connection already exists." in r.out
    r = cli("connections", "import", str(target), "--overwrite")
    assert r.out.count("Imported connection") == 2


def test_export_to_stdout_and_bad_import_files(cli, tradewind_home) -> None:
    assert cli("connections", "add", "c1", "--conn-uri", "http://u:pw12345@h:1/s").code == 0
    r = cli("connections", "export", "-", "--format", "env")
    assert r.code == 0 and r.out.strip() == "c1=http://u:pw12345@h:1/s"
    cases = {
        "broken.json": ("{not json", "not valid JSON"),
        "list.json": ("[1, 2]", "must hold an object"),
        "bad.env": ("c2=ftp://h:notaport/\n", "port"),
        "noeq.env": ("justtext\n", "expected CONN_ID=URI"),
        "x.txt": ("{}", "cannot tell the format"),
    }
    for name, (content, message) in cases.items():
        path = tradewind_home / name
        path.write_text(content)
        r = cli("connections", "import", str(path))
        assert r.code == 1 and message in r.err and "Traceback" not in r.err, (name, r.err)
    r = cli("connections", "import", str(tradewind_home / "missing.json"))
    assert r.code == 1 and "no such file" in r.err


def test_wrong_or_missing_key_is_a_clear_error(cli_process, tradewind_home, monkeypatch) -> None:
    from tradewind.secrets.fernet import generate_key

    assert cli_process("connections", "add", "c", "--conn-uri", "ftp://u:secretpw@h").code == 0
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", generate_key())
    r = cli_process("connections", "get", "c")
    assert r.code == 1 and "Traceback" not in r.err
    assert r.err.strip() == (
        "tradewind: error: cannot decrypt the password of connection 'c': "
        "[core] fernet_key is not the key it was encrypted with"
    )
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", "")
    r = cli_process("connections", "list")
    assert r.code == 1 and "fernet_key is not set" in r.err and "Traceback" not in r.err


def test_rotate_fernet_key(cli, tradewind_home, monkeypatch) -> None:
    from tradewind.config import conf
    from tradewind.secrets.fernet import generate_key

    assert cli("connections", "add", "c", "--conn-uri", "ftp://u:secretpw@h?token=tok-12345").code == 0
    old = conf.get("core", "fernet_key")
    new = generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", f"{new},{old}")
    r = cli("rotate-fernet-key")
    assert r.code == 0 and "Re-encrypted 1" in r.out
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", new)  # the old key can now be dropped
    from tradewind.models import Connection

    c = Connection.get("c")
    assert c.password == "secretpw" and c.extra_dejson == {"token": "tok-12345"}


DAG_SOURCE = """
from datetime import datetime
from tradewind import DAG
from tradewind.models import Connection, Variable
from tradewind.operators.bash import BashOperator
from tradewind.operators.python import PythonOperator

def use_connection():
    c = Connection.get("ftp_default")
    print("python sees", c.login, c.password, Variable.get("service_api_key"), Variable.get("region"))
    return c.host

with DAG("uses_conn", schedule=None, start_date=datetime(2024, 1, 1)) as dag:
    BashOperator(task_id="bash", bash_command=(
        "echo host={{ conn.ftp_default.host }} port={{ conn.ftp_default.port }}; "
        'echo "pw={{ conn.ftp_default.password }}"; echo "env=$FTP_PW"'),
        env={"FTP_PW": "{{ conn.ftp_default.password }}"}, append_env=True)
    PythonOperator(task_id="py", python_callable=use_connection)
"""


@pytest.mark.parametrize("source", ["database", "environment"])
def test_tasks_use_connections_and_logs_mask_secrets(cli, write_dag, monkeypatch, source) -> None:
    password = "Tr0ub4dor&3"
    if source == "database":
        r = cli(
            "connections",
            "add",
            "ftp_default",
            "--conn-type",
            "ftp",
            "--conn-host",
            "ftp.local",
            "--conn-port",
            "2121",
            "--conn-login",
            "alice",
            "--conn-password",
            password,
        )
        assert r.code == 0, r.err
    else:
        monkeypatch.setenv("TRADEWIND_CONN_FTP_DEFAULT", "ftp://alice:Tr0ub4dor%263@ftp.local:2121")
    monkeypatch.setenv("TRADEWIND_VAR_SERVICE_API_KEY", "api-key-777")
    monkeypatch.setenv("TRADEWIND_VAR_REGION", "eu-west-1")
    write_dag("uses_conn.py", DAG_SOURCE)
    r = cli("dags", "test", "uses_conn", "-o", "json")
    assert r.code == 0, r.out + r.err
    report = json.loads(r.out)
    logs = {ti["task_id"]: Path(ti["log_path"]).read_text() for ti in report["task_instances"]}
    bash, py = logs["bash"], logs["py"]
    assert "host=ftp.local port=2121" in bash
    assert "pw=***" in bash and "env=***" in bash and password not in bash
    assert "python sees alice *** *** eu-west-1" in py and password not in py and "api-key-777" not in py
    from tradewind.store import task_instances

    ti = task_instances.get_task_instance("uses_conn", report["run_id"], "bash", -1)
    assert password not in json.dumps(ti.rendered_fields) and "***" in ti.rendered_fields["bash_command"]
