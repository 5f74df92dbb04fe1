"""Variables: global key → string settings that DAGs read (`Variable.get`, `{{ var.value.x }}`)."""

from __future__ import annotations

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import variable
from tradewind.store.records import VariableRecord
from tradewind.store.sql import upsert


def get_variable(key: str) -> str | None:
    with session() as conn:
        return conn.execute(sa.select(variable.c.val).where(variable.c.key == key)).scalar()


def get_variable_record(key: str) -> VariableRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(variable).where(variable.c.key == key)).first()
    return VariableRecord.from_row(row) if row is not None else None


def set_variable(key: str, value: str, description: str | None = None) -> VariableRecord:
    """Create or replace; as Airflow's `Variable.set`, the description is replaced too."""
    if not isinstance(key, str) or not key.strip():
        raise ValueError("variable key must be a non-empty string")
    if not isinstance(value, str):
        raise TypeError(f"variable value must be a string (serialize a {type(value).__name__} to JSON first)")
    values = {"key": key, "val": value, "description": description, "is_encrypted": False}
    with transaction() as conn:
        row = upsert(conn, variable, values, ("key",), ("val", "description", "is_encrypted"))
    return VariableRecord.from_row(row)


def delete_variable(key: str) -> bool:
    with transaction() as conn:
        return conn.execute(sa.delete(variable).where(variable.c.key == key)).rowcount > 0


def list_variables() -> list[VariableRecord]:
    with session() as conn:
        return [VariableRecord.from_row(r) for r in conn.execute(sa.select(variable).order_by(variable.c.key))]
