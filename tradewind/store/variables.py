"""Variables: global key → string settings that DAGs read (`Variable.get`, `{{ var.value.x }}`).

Values are encrypted with `[core] fernet_key` on the way in and decrypted on the way out, as
connection passwords are (Airflow's `is_encrypted`): records carry clear text, the database does not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from tradewind.store.encrypted import EncryptedColumn, reencrypt
from tradewind.store.engine import session, transaction
from tradewind.store.models import variable
from tradewind.store.records import VariableRecord
from tradewind.store.sql import upsert

VALUE = EncryptedColumn("val", "is_encrypted", "value of variable", "key")


def _decrypted(row: Any) -> VariableRecord:
    record = VariableRecord.from_row(row)
    return replace(record, val=VALUE.read(record))


def get_variable(key: str) -> str | None:
    with session() as conn:
        row = conn.execute(
            sa.select(variable.c.key, variable.c.val, variable.c.is_encrypted).where(variable.c.key == key)
        ).first()
    return VALUE.read(row) if row is not None else None


def get_variable_record(key: str) -> VariableRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(variable).where(variable.c.key == key)).first()
    return _decrypted(row) if row is not None else None


def set_variable(key: str, value: str, description: str | None = None) -> VariableRecord:
    """Create or replace; as Airflow's `Variable.set`, the description is replaced too."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError("variable key must be a non-empty string")
    if not isinstance(value, str):
        raise TypeError(f"variable value must be a string (serialize a {type(value).__name__} to JSON first)")
    values = {"key": key, "description": description, **VALUE.write(value)}
    with transaction() as conn:
        row = upsert(conn, variable, values, ("key",), ("val", "description", "is_encrypted"))
    return _decrypted(row)


def delete_variable(key: str) -> bool:
    with transaction() as conn:
        return conn.execute(sa.delete(variable).where(variable.c.key == key)).rowcount > 0


def list_variables() -> list[VariableRecord]:
    with session() as conn:
        return [_decrypted(r) for r in conn.execute(sa.select(variable).order_by(variable.c.key))]


def rotate_variable_keys() -> int:
    """Re-encrypt every value with the first `fernet_key` (encrypting clear ones); how many rows changed."""
    with transaction() as conn:
        return reencrypt(conn, variable, (VALUE,))
