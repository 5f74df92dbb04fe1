"""Triggers that deferred task instances wait on: stored with the deferral (`tries.finish_try`), run by the
triggerer, fired (`fire_trigger`: the instance is scheduled to resume with the event) or timed out.

Each operation is one transaction that moves only instances still `deferred` on that trigger, so a
cleared or marked instance is never resumed by a late event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.states import TaskState
from tradewind.store.engine import session, transaction
from tradewind.store.models import task_instance as ti
from tradewind.store.models import trigger
from tradewind.store.records import TriggerRecord
from tradewind.store.sql import utcnow
from tradewind.store.transitions import check_task_instance
from tradewind.triggers.base import FAIL_METHOD, TIMEOUT_ERROR

#: The task-instance columns a deferral sets; every other end of a try (and a clear) empties them.
DEFERRAL_COLUMNS = ("trigger_id", "next_method", "next_kwargs", "trigger_timeout")


def add_trigger(conn: sa.Connection, classpath: str, kwargs: dict[str, Any]) -> int:
    """Store a trigger (inside the caller's transaction); its id."""
    row = conn.execute(
        sa.insert(trigger).values(classpath=classpath, kwargs=kwargs, created_date=utcnow()).returning(trigger.c.id)
    ).one()
    return int(row.id)


def waiting_triggers() -> list[TriggerRecord]:
    """Triggers some instance is deferred on, oldest first."""
    waited_on = sa.select(ti.c.trigger_id).where(ti.c.state == TaskState.DEFERRED)
    query = sa.select(trigger).where(trigger.c.id.in_(waited_on)).order_by(trigger.c.id)
    with session() as conn:
        return [TriggerRecord.from_row(r) for r in conn.execute(query)]


def fire_trigger(trigger_id: int, payload: Any) -> int:
    """The trigger fired: its deferred instances are scheduled to resume with `event=payload`; the trigger goes."""
    check_task_instance({TaskState.DEFERRED}, TaskState.SCHEDULED)
    with transaction() as conn:
        waiting = conn.execute(
            sa.select(ti.c.id, ti.c.next_kwargs).where(ti.c.trigger_id == trigger_id, ti.c.state == TaskState.DEFERRED)
        ).all()
        moved = sum(
            _resume(conn, row.id, {"trigger_id": trigger_id}, next_kwargs={**(row.next_kwargs or {}), "event": payload})
            for row in waiting
        )
        conn.execute(sa.delete(trigger).where(trigger.c.id == trigger_id))
    return moved


def time_out_deferrals(now: datetime) -> int:
    """Deferrals past their timeout: scheduled to resume in FAIL_METHOD, which fails the try (retries apply)."""
    check_task_instance({TaskState.DEFERRED}, TaskState.SCHEDULED)
    with transaction() as conn:
        late = conn.execute(
            sa.select(ti.c.id).where(ti.c.state == TaskState.DEFERRED, ti.c.trigger_timeout < now)
        ).all()
        return sum(
            _resume(conn, row.id, {}, next_method=FAIL_METHOD, next_kwargs={"error": TIMEOUT_ERROR}) for row in late
        )


def fail_trigger(trigger_id: int, error: str) -> int:
    """The trigger raised: its deferred instances resume in FAIL_METHOD with the error (the try fails)."""
    check_task_instance({TaskState.DEFERRED}, TaskState.SCHEDULED)
    with transaction() as conn:
        waiting = conn.execute(
            sa.select(ti.c.id).where(ti.c.trigger_id == trigger_id, ti.c.state == TaskState.DEFERRED)
        ).all()
        moved = sum(
            _resume(conn, row.id, {"trigger_id": trigger_id}, next_method=FAIL_METHOD, next_kwargs={"error": error})
            for row in waiting
        )
        conn.execute(sa.delete(trigger).where(trigger.c.id == trigger_id))
    return moved


def delete_unused_triggers() -> int:
    """Triggers no deferred instance waits on any more (cleared, marked, timed out, run timed out)."""
    waited_on = sa.select(ti.c.trigger_id).where(ti.c.state == TaskState.DEFERRED, ti.c.trigger_id.is_not(None))
    with transaction() as conn:
        return conn.execute(sa.delete(trigger).where(trigger.c.id.not_in(waited_on))).rowcount


def _resume(conn: sa.Connection, ti_id: int, where: dict[str, Any], **values: Any) -> bool:
    """Move one instance from deferred to scheduled (still deferred, and on the same trigger when given)."""
    stmt = (
        sa.update(ti)
        .where(ti.c.id == ti_id, ti.c.state == TaskState.DEFERRED, *(ti.c[k] == v for k, v in where.items()))
        .values(state=TaskState.SCHEDULED, trigger_id=None, trigger_timeout=None, updated_at=utcnow(), **values)
    )
    return conn.execute(stmt).rowcount > 0
