"""Sensor reschedules: one `task_reschedule` row per poke that asked to run again later.

A sensor in reschedule mode gives its slot back between pokes, so nothing in its process remembers
when it started waiting: the first row of the current try (or of the first try since a clear)
holds that start, and the sensor's `timeout` is measured from it, as in Airflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tradewind.store.engine import session
from tradewind.store.models import task_reschedule
from tradewind.store.records import _Record

tr = task_reschedule


@dataclass(frozen=True, slots=True)
class TaskRescheduleRecord(_Record):
    id: int
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    try_number: int
    start_date: datetime
    end_date: datetime
    duration: float | None
    reschedule_date: datetime


def _key(dag_id: str, run_id: str, task_id: str, map_index: int) -> sa.ColumnElement[bool]:
    return sa.and_(tr.c.dag_id == dag_id, tr.c.run_id == run_id, tr.c.task_id == task_id, tr.c.map_index == map_index)


def add_reschedule(
    conn: sa.Connection,
    *,
    dag_id: str,
    run_id: str,
    task_id: str,
    map_index: int,
    try_number: int,
    start_date: datetime,
    end_date: datetime,
    reschedule_date: datetime,
) -> None:
    """Record one poke that ended in a reschedule, inside the caller's transaction (with the state change)."""
    conn.execute(
        sa.insert(tr).values(
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            map_index=map_index,
            try_number=try_number,
            start_date=start_date,
            end_date=end_date,
            duration=(end_date - start_date).total_seconds(),
            reschedule_date=reschedule_date,
        )
    )


def list_reschedules(
    dag_id: str, run_id: str, task_id: str, map_index: int = -1, *, min_try_number: int = 1
) -> list[TaskRescheduleRecord]:
    """Rows of this task instance from try `min_try_number` on, oldest first."""
    query = (
        sa.select(tr)
        .where(_key(dag_id, run_id, task_id, map_index), tr.c.try_number >= min_try_number)
        .order_by(tr.c.id)
    )
    with session() as conn:
        return [TaskRescheduleRecord.from_row(r) for r in conn.execute(query)]


def first_poke(
    dag_id: str, run_id: str, task_id: str, map_index: int = -1, *, min_try_number: int = 1
) -> tuple[datetime | None, int]:
    """(start of the first rescheduled poke since try `min_try_number`, number of such pokes): one query."""
    query = sa.select(sa.func.min(tr.c.start_date), sa.func.count()).where(
        _key(dag_id, run_id, task_id, map_index), tr.c.try_number >= min_try_number
    )
    with session() as conn:
        first, count = conn.execute(query).one()
    return first, int(count)
