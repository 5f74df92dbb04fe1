"""Variable values encrypted at rest on SQLite and PostgreSQL: the store, key rotation, and migration 0005."""

from __future__ import annotations

import tomllib

import sqlalchemy as sa

from tradewind.store.models import variable


def _raw() -> dict[str, tuple[str, bool]]:
    from tradewind.store.engine import session

    with session() as conn:
        return {r.key: (r.val, r.is_encrypted) for r in conn.execute(sa.select(variable))}


def test_store_encrypts_decrypts_and_rotates(migrated_db, monkeypatch) -> None:
    from tradewind.secrets.fernet import generate_key
    from tradewind.store import variables

    key = generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", key)
    record = variables.set_variable("k", "value-one", "desc")
    assert (record.val, record.description, record.is_encrypted) == ("value-one", "desc", True)
    stored, encrypted = _raw()["k"]
    assert encrypted and "value-one" not in stored
    assert variables.get_variable("k") == "value-one" and variables.get_variable_record("k").val == "value-one"
    assert [(v.key, v.val) for v in variables.list_variables()] == [("k", "value-one")]

    new = generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", f"{new},{key}")
    assert variables.rotate_variable_keys() == 1
    assert _raw()["k"][0] != stored
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", new)
    assert variables.get_variable("k") == "value-one"


def test_migration_0005_encrypts_existing_values_and_downgrade_decrypts(db_url, tradewind_home) -> None:
    from alembic import command

    from tradewind.config import conf
    from tradewind.store import migrate, variables
    from tradewind.store.engine import transaction

    with transaction() as conn:
        command.upgrade(migrate.alembic_config(conn), "0004")
        conn.execute(
            sa.insert(variable),
            [
                {"key": "plain", "val": "clear-text-1", "is_encrypted": False},
                {"key": "empty", "val": None, "is_encrypted": False},
            ],
        )
    assert not str(conf.get("core", "fernet_key", fallback="") or "")  # no key yet: the migration makes one

    from tradewind.store.schema_version import HEAD_REVISION

    assert migrate.migrate() == ("0004", HEAD_REVISION)  # through 0005
    raw = _raw()
    assert raw["plain"][1] and "clear-text-1" not in raw["plain"][0]
    assert raw["empty"] == (None, False)
    assert tomllib.loads((tradewind_home / "tradewind.toml").read_text())["core"]["fernet_key"]
    assert variables.get_variable("plain") == "clear-text-1" and variables.get_variable("empty") is None

    with transaction() as conn:
        command.downgrade(migrate.alembic_config(conn), "0004")
    assert _raw()["plain"] == ("clear-text-1", False)
