"""The audit log (`log` table): append an event, read them back filtered and paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import log
from tradewind.store.records import EventLogRecord
from tradewind.store.sql import utcnow

ORDER_COLUMNS = ("id", "dttm", "dag_id", "task_id", "run_id", "event", "owner", "map_index", "try_number")


@dataclass(frozen=True)
class EventFilter:
    """What `list_events` keeps; every field left None keeps everything."""

    dag_id: str | None = None
    task_id: str | None = None
    run_id: str | None = None
    map_index: int | None = None
    try_number: int | None = None
    event: str | None = None
    owner: str | None = None
    before: datetime | None = None
    after: datetime | None = None
    included_events: tuple[str, ...] = ()
    excluded_events: tuple[str, ...] = ()


def add_event(**values: Any) -> int:
    """Append one event (`dttm` defaults to now); its id."""
    values.setdefault("dttm", utcnow())
    with transaction() as conn:
        key = conn.execute(sa.insert(log).values(**values)).inserted_primary_key
        return int(key[0]) if key is not None else 0


def _where(f: EventFilter) -> list[sa.ColumnElement[bool]]:
    conds: list[sa.ColumnElement[bool]] = []
    for name in ("dag_id", "task_id", "run_id", "map_index", "try_number", "event", "owner"):
        value = getattr(f, name)
        if value is not None:
            conds.append(log.c[name] == value)
    if f.before is not None:
        conds.append(log.c.dttm < f.before)
    if f.after is not None:
        conds.append(log.c.dttm > f.after)
    if f.included_events:
        conds.append(log.c.event.in_(f.included_events))
    if f.excluded_events:
        conds.append(log.c.event.not_in(f.excluded_events))
    return conds


def list_events(
    f: EventFilter, *, order_by: str = "-id", limit: int = 100, offset: int = 0
) -> tuple[list[EventLogRecord], int]:
    """One page of events and how many match in all; `order_by` is a column, `-column` for descending."""
    name = order_by.lstrip("-")
    column = log.c[name] if name in ORDER_COLUMNS else log.c.id
    order = column.desc() if order_by.startswith("-") else column.asc()
    conds = _where(f)
    with session() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(log).where(*conds)).scalar_one()
        rows = conn.execute(sa.select(log).where(*conds).order_by(order, log.c.id).limit(limit).offset(offset))
        return [EventLogRecord.from_row(r) for r in rows], int(total)


def get_event(event_id: int) -> EventLogRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(log).where(log.c.id == event_id)).first()
    return EventLogRecord.from_row(row) if row is not None else None
