"""Connections: where external systems are and how to log in (`connections add`, `Connection.get`).

Passwords and extras are encrypted with `[core] fernet_key` on the way in and decrypted on the
way out, so records always carry clear text and the database never does (when a key exists).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from tradewind.store.encrypted import EncryptedColumn, reencrypt
from tradewind.store.engine import session, transaction
from tradewind.store.models import connection
from tradewind.store.records import ConnectionRecord
from tradewind.store.sql import upsert

_FIELDS = ("conn_type", "description", "host", "schema", "login", "password", "port", "extra")
_PASSWORD = EncryptedColumn("password", "is_encrypted", "password of connection", "conn_id")
_EXTRA = EncryptedColumn("extra", "is_extra_encrypted", "extra of connection", "conn_id")


def _decrypted(row: Any) -> ConnectionRecord:
    record = ConnectionRecord.from_row(row)
    return replace(record, password=_PASSWORD.read(record), extra=_EXTRA.read(record))


def _encrypted_values(conn_id: str, values: dict[str, Any]) -> dict[str, Any]:
    out = {"conn_id": conn_id, **{name: values.get(name) for name in _FIELDS}}
    return {**out, **_PASSWORD.write(out["password"]), **_EXTRA.write(out["extra"])}


def get_connection(conn_id: str) -> ConnectionRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(connection).where(connection.c.conn_id == conn_id)).first()
    return _decrypted(row) if row is not None else None


def list_connections(conn_id: str | None = None) -> list[ConnectionRecord]:
    stmt = sa.select(connection).order_by(connection.c.conn_id)
    if conn_id is not None:
        stmt = stmt.where(connection.c.conn_id == conn_id)
    with session() as conn:
        rows = conn.execute(stmt).all()
    return [_decrypted(row) for row in rows]


def set_connection(conn_id: str, *, replace_existing: bool = True, **values: Any) -> ConnectionRecord | None:
    """Create (or replace) a connection; with `replace_existing=False`, None if it already exists.

    `values` are the connection's fields (`conn_type`, `host`, `login`, `password`, `port`,
    `schema`, `extra` as a JSON string, `description`); fields not given are stored as NULL.
    """
    unknown = set(values) - set(_FIELDS)
    if unknown:
        raise TypeError(f"unknown connection fields: {', '.join(sorted(unknown))}")
    if not isinstance(conn_id, str) or not conn_id.strip():
        raise ValueError("conn_id must be a non-empty string")
    if not values.get("conn_type"):
        raise ValueError("conn_type is required")
    row_values = _encrypted_values(conn_id, values)
    with transaction() as conn:
        if replace_existing:
            row = upsert(conn, connection, row_values, ("conn_id",), [c for c in row_values if c != "conn_id"])
        else:
            exists = conn.execute(sa.select(connection.c.id).where(connection.c.conn_id == conn_id)).first()
            if exists is not None:
                return None
            row = conn.execute(sa.insert(connection).values(**row_values).returning(*connection.c)).first()
    return _decrypted(row)


def delete_connection(conn_id: str) -> bool:
    with transaction() as conn:
        return conn.execute(sa.delete(connection).where(connection.c.conn_id == conn_id)).rowcount > 0


def rotate_connection_keys() -> int:
    """Re-encrypt every password/extra with the first `fernet_key` (encrypting clear ones); how many rows changed."""
    with transaction() as conn:
        return reencrypt(conn, connection, (_PASSWORD, _EXTRA))
