"""Pools: named slot budgets that cap how many task instances run at once (`default_pool` always exists)."""

from __future__ import annotations

import sqlalchemy as sa

from tradewind.exceptions import NotFound, UsageError
from tradewind.store.engine import session, transaction
from tradewind.store.models import DEFAULT_POOL, slot_pool
from tradewind.store.records import PoolRecord
from tradewind.store.sql import upsert


def get_pool(name: str) -> PoolRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(slot_pool).where(slot_pool.c.pool == name)).first()
    return PoolRecord.from_row(row) if row is not None else None


def list_pools() -> list[PoolRecord]:
    with session() as conn:
        return [PoolRecord.from_row(r) for r in conn.execute(sa.select(slot_pool).order_by(slot_pool.c.pool))]


def set_pool(name: str, slots: int, description: str | None = None, *, include_deferred: bool = False) -> PoolRecord:
    """Create or update a pool; -1 slots means unlimited (Airflow's convention)."""
    if not isinstance(name, str) or not name.strip():
        raise UsageError("pool name must not be empty")
    if isinstance(slots, bool) or not isinstance(slots, int) or slots < -1:
        raise UsageError(f"pool slots must be an integer >= 0 (or -1 for unlimited), got {slots!r}")
    values = {"pool": name, "slots": slots, "description": description, "include_deferred": include_deferred}
    with transaction() as conn:
        row = upsert(conn, slot_pool, values, ("pool",), ("slots", "description", "include_deferred"))
    return PoolRecord.from_row(row)


def delete_pool(name: str) -> PoolRecord:
    """Delete a pool and return what it was; `default_pool` cannot be deleted."""
    if name == DEFAULT_POOL:
        raise UsageError(f"{DEFAULT_POOL} cannot be deleted")
    with transaction() as conn:
        row = conn.execute(sa.delete(slot_pool).where(slot_pool.c.pool == name).returning(*slot_pool.c)).first()
    if row is None:
        raise NotFound(f"pool '{name}' does not exist")
    return PoolRecord.from_row(row)
