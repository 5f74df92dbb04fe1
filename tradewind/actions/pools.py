"""Pools: create or resize one, delete one, import a file of them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tradewind.actions import audit, checked_key
from tradewind.exceptions import UsageError

if TYPE_CHECKING:
    from tradewind.store.records import PoolRecord

MAX_SLOTS = 2**31 - 1  # fits the database's 32-bit column


def save_pool(
    name: str, slots: int | str, description: str | None = None, *, include_deferred: bool = False
) -> PoolRecord:
    """Create or resize a pool: a trimmed name of 1 to 250 characters, -1 (unlimited) to MAX_SLOTS slots."""
    from tradewind.store.pools import set_pool

    record = set_pool(*_checked(name, slots), description, include_deferred=include_deferred)
    audit.record("pool.set", pool=record.pool, slots=record.slots, include_deferred=record.include_deferred)
    return record


def _checked(name: str, slots: int | str) -> tuple[str, int]:
    name = checked_key(name, "a pool name")
    text = str(slots).strip()
    if isinstance(slots, bool) or not re.fullmatch(r"-?[0-9]{1,10}", text) or not -1 <= int(text) <= MAX_SLOTS:
        raise UsageError(
            f"pool '{name}': slots must be an integer from -1 (unlimited) to {MAX_SLOTS}, got {text[:20]!r}"
        )
    return name, int(text)


def delete_pool(name: str) -> PoolRecord:
    """Delete a pool (not `default_pool`) and return what it was."""
    from tradewind.store.pools import delete_pool as delete

    record = delete(name)
    audit.record("pool.delete", pool=record.pool)
    return record


def import_pools(data: Mapping[str, Any]) -> int:
    """Airflow's file format, `{name: {"slots": N, "description": "…", "include_deferred": false}}`: every pool
    is checked before any is written, so a bad file imports nothing. Returns how many were written."""
    from tradewind.store.pools import set_pool

    checked = []
    for name, spec in data.items():
        if not isinstance(spec, dict) or "slots" not in spec:
            raise UsageError(f'pool \'{name}\' needs an object with "slots" (and, if any, a "description")')
        description, deferred = spec.get("description"), spec.get("include_deferred", False)
        if not isinstance(description, str | None) or not isinstance(deferred, bool):
            raise UsageError(f'pool \'{name}\': "description" must be a string and "include_deferred" true or false')
        checked.append((*_checked(name, spec["slots"]), description, deferred))
    for name, slots, description, deferred in checked:
        set_pool(name, slots, description, include_deferred=deferred)
    audit.record("pool.import", pools=sorted(c[0] for c in checked))
    return len(checked)
