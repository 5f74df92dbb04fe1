"""The connection store on SQLite and PostgreSQL: create, replace, refuse duplicates, encrypt, rotate."""

from __future__ import annotations

import json


def test_connection_store_round_trip_and_rotation(migrated_db, monkeypatch) -> None:
    import sqlalchemy as sa

    from tradewind.secrets.fernet import generate_key
    from tradewind.store import connections
    from tradewind.store.engine import session
    from tradewind.store.models import connection

    key = generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", key)
    extra = json.dumps({"token": "tok-123456", "timeout": 5})
    rec = connections.set_connection(
        "c1", conn_type="ftp", host="h", port=21, login="u", password="pw-123456", extra=extra, description="d"
    )
    assert rec is not None and rec.password == "pw-123456" and rec.extra == extra and rec.is_encrypted
    assert connections.set_connection("c1", replace_existing=False, conn_type="http") is None
    assert connections.get_connection("c1").conn_type == "ftp"
    connections.set_connection("c2", conn_type="http", host="api")
    assert [c.conn_id for c in connections.list_connections()] == ["c1", "c2"]
    assert [c.conn_id for c in connections.list_connections("c2")] == ["c2"]

    with session() as conn:
        raw = conn.execute(
            sa.select(connection.c.password, connection.c.extra).where(connection.c.conn_id == "c1")
        ).one()
    assert "pw-123456" not in raw.password and "tok-123456" not in raw.extra

    new = generate_key()
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", f"{new},{key}")
    assert connections.rotate_connection_keys() == 1
    monkeypatch.setenv("TRADEWIND__CORE__FERNET_KEY", new)
    again = connections.get_connection("c1")
    assert again.password == "pw-123456" and again.extra == extra

    replaced = connections.set_connection("c1", conn_type="sftp", host="h2")
    assert replaced.conn_type == "sftp" and replaced.password is None and not replaced.is_encrypted
    assert connections.delete_connection("c1") and not connections.delete_connection("c1")
    assert connections.get_connection("c1") is None
