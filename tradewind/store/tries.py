"""A try of a task instance: claimed by its runner (`start_try`), kept alive (`heartbeat_task`),
ended with its result (`finish_try`), and remembered once finished (`task_try`, `list_tries`).

Each is one transaction that checks the state and try number it expects, so a try that was
cleared, marked or claimed elsewhere meanwhile is never overwritten: the loser gets None/False.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.states import TaskState
from tradewind.store import reschedules
from tradewind.store.engine import session, transaction
from tradewind.store.models import task_try, xcom
from tradewind.store.records import Deferral, TaskInstanceRecord, TaskTryRecord
from tradewind.store.sql import constant, dialect_insert_for, param, prepared, state_str, utcnow
from tradewind.store.task_instances import TI_KEY, _by_key, _key, _key_args, ti
from tradewind.store.transitions import check_task_instance
from tradewind.store.triggers import DEFERRAL_COLUMNS, add_trigger


def list_tries(dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> list[TaskTryRecord]:
    """Finished tries of one task instance, first try first."""
    query = (
        sa.select(task_try).where(_key(dag_id, run_id, task_id, map_index, task_try)).order_by(task_try.c.try_number)
    )
    with session() as conn:
        return [TaskTryRecord.from_row(r) for r in conn.execute(query)]


def start_try(
    dag_id: str,
    run_id: str,
    task_id: str,
    map_index: int = -1,
    *,
    expected: Iterable[str],
    hostname: str,
    pid: int,
    log_path: str | tuple[str, str],
    start_date: datetime,
) -> TaskInstanceRecord | None:
    """Claim the instance for a new try (CAS to running, try_number + 1); None if someone else has it.

    A sensor coming back from up_for_reschedule, and a task resuming after a deferral (`next_method`
    set), continue their try: the try number stays (Airflow's rule: neither is a retry). As in Airflow,
    a new try starts without the XComs it pushed before; a resumed one keeps them.
    `log_path` may be (before, after): the path with the try's number between them, for a log file
    named after the try (the number is decided in the claim's statement itself).
    """
    expected = frozenset(map(state_str, expected))
    check_task_instance(expected, TaskState.RUNNING, what=(dag_id, run_id, task_id, map_index))
    key = _key_args(dag_id, run_id, task_id, map_index)
    values = {**key, "p_hostname": hostname, "p_pid": pid, "p_start_date": start_date, "p_updated_at": utcnow()}
    if isinstance(log_path, str):
        values["p_log_path"] = log_path
    else:
        values["log_before"], values["log_after"] = log_path
    with transaction() as conn:
        row = conn.execute(_claim_update(expected, isinstance(log_path, str)), values).first()
        if row is None:  # not in an expected state (PostgreSQL: another claimer committed first)
            return None
        if row.has_xcoms and row.next_method is None:  # a new try, not a resumed one (the claim keeps next_method)
            conn.execute(_delete_xcoms(), key)
    return TaskInstanceRecord.from_row(row)


@functools.cache
def _claim_update(expected: frozenset[str], fixed_log_path: bool) -> sa.Update:
    """The claim in one statement: the SET expressions read the row as it was (its reschedule_at, next_method).

    It returns the claimed row and whether the instance has XComs (a new try drops them: most have none).
    """
    continues = sa.or_(ti.c.reschedule_at.is_not(None), ti.c.next_method.is_not(None))
    try_number = ti.c.try_number + sa.case((continues, constant(0)), else_=constant(1))
    if fixed_log_path:
        log_path: Any = param(ti.c.log_path)
    else:
        number = sa.cast(try_number, sa.String)
        log_path = sa.bindparam("log_before", type_=sa.String) + number + sa.bindparam("log_after", type_=sa.String)
    # spelled out: SQLite's RETURNING renders columns without their table, so ti.c[name] would name xcom's own
    owner = (sa.literal_column(f"{ti.name}.{name}", ti.c[name].type) for name in TI_KEY)
    has_xcoms = sa.exists().where(*(xcom.c[name] == column for name, column in zip(TI_KEY, owner)))
    return (
        sa.update(ti)
        .where(_by_key(), ti.c.state.in_([constant(state) for state in sorted(expected)]))
        .values(
            state=constant(TaskState.RUNNING),
            try_number=try_number,
            hostname=param(ti.c.hostname),
            pid=param(ti.c.pid),
            log_path=log_path,
            start_date=param(ti.c.start_date),
            end_date=sa.null(),
            duration=sa.null(),
            next_retry_at=sa.null(),
            reschedule_at=sa.null(),
            updated_at=param(ti.c.updated_at),
        )
        .returning(*ti.c, has_xcoms.label("has_xcoms"))
    )


@prepared
def _delete_xcoms() -> sa.Delete:
    return sa.delete(xcom).where(*(xcom.c[name] == param(xcom.c[name]) for name in TI_KEY))


def finish_try(
    dag_id: str,
    run_id: str,
    task_id: str,
    map_index: int = -1,
    *,
    state: TaskState | str,
    end_date: datetime,
    next_retry_at: datetime | None = None,
    rendered_fields: dict[str, Any] | None = None,
    reschedule_at: datetime | None = None,
    try_number: int | None = None,
    start_date: datetime | None = None,
    deferral: Deferral | None = None,
) -> TaskInstanceRecord | None:
    """End the running try (CAS from running, same try number) and record it in task_try.

    A try that deferred (state deferred, with its `deferral`) is not over: its trigger is stored
    and the instance waits on it; the try's history row comes when it ends. Any other result
    forgets a previous deferral's resumption point, so a retry starts again at `execute`.

    None if the instance is no longer running that try (cleared or failed by someone else
    meanwhile, or cleared and claimed again for a later try when `try_number` names the try
    this result belongs to): the late result is dropped, never written over the newer state.
    The claimer knows its try's number and start: given both, the row is not read first.
    """
    check_task_instance({TaskState.RUNNING}, state, what=(dag_id, run_id, task_id, map_index))
    if (state_str(state) == TaskState.DEFERRED) != (deferral is not None):
        raise ValueError("a deferral is stored with state deferred, and only then")
    key = _key_args(dag_id, run_id, task_id, map_index)
    with transaction() as conn:
        if try_number is None or start_date is None:
            current = conn.execute(_finish_read(), key).first()
            if current is None or (try_number is not None and current.try_number != try_number):
                return None
            try_number, start_date = current.try_number, current.start_date
        start = start_date
        values: dict[str, Any] = {  # column → value (None: NULL)
            "state": state_str(state),
            "end_date": end_date,
            "next_retry_at": next_retry_at,
            "reschedule_at": reschedule_at,
            "updated_at": utcnow(),
            "duration": (end_date - start).total_seconds() if start is not None else None,
            "trigger_id": None if deferral is None else add_trigger(conn, deferral.classpath, deferral.trigger_kwargs),
            "next_method": None if deferral is None else deferral.next_method,
            "next_kwargs": None if deferral is None else deferral.next_kwargs,
            "trigger_timeout": None if deferral is None else deferral.timeout_at,
        }
        given = tuple(name for name, value in values.items() if value is not None)
        params = {**key, "cur_try_number": try_number, **{f"p_{name}": values[name] for name in given}}
        if rendered_fields is not None:  # (None: the stored ones stay)
            params["p_rendered_fields"] = rendered_fields
        row = conn.execute(_finish_update(given, rendered_fields is not None), params).first()
        if row is None:
            return None
        record = TaskInstanceRecord.from_row(row)
        if record.state == TaskState.DEFERRED:
            return record  # the try goes on when its trigger fires: its history row comes when it ends
        if record.state == TaskState.UP_FOR_RESCHEDULE and reschedule_at is not None:
            # the try goes on at reschedule_at: log this poke, the try's history row comes when it ends
            reschedules.add_reschedule(
                conn,
                dag_id=dag_id,
                run_id=run_id,
                task_id=task_id,
                map_index=map_index,
                try_number=record.try_number,
                start_date=start or end_date,
                end_date=end_date,
                reschedule_date=reschedule_at,
            )
        else:
            conn.execute(_history_insert(conn.dialect.name), {"p_id": record.id})
    return record


_HISTORY = ("try_number", "state", "start_date", "end_date", "duration", "hostname", "pid", "log_path")


@functools.cache
def _history_insert(dialect: str) -> Any:
    """The finished try's history row, copied from the instance's row just updated (found by its id, one
    bound parameter where the key is four): no values pass through Python."""
    columns = [*TI_KEY, *_HISTORY]
    rows = sa.select(*(ti.c[name] for name in columns)).where(ti.c.id == param(ti.c.id))
    return (
        dialect_insert_for(dialect, task_try)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=[*TI_KEY, "try_number"])
    )


@prepared
def _finish_read() -> sa.Select[Any]:
    return sa.select(ti.c.try_number, ti.c.start_date).where(_by_key(), ti.c.state == constant(TaskState.RUNNING))


_FINISHED = ("state", "end_date", "next_retry_at", "reschedule_at", "updated_at", "duration", *DEFERRAL_COLUMNS)


@functools.cache
def _finish_update(given: tuple[str, ...], with_rendered_fields: bool) -> sa.Update:
    """The columns of `given` bound, the other ones of `_FINISHED` set to NULL in the SQL (most are, most times:
    one statement per combination, each bound None would cost its processing on every execution)."""
    values: dict[str, Any] = {name: param(ti.c[name]) if name in given else sa.null() for name in _FINISHED}
    if with_rendered_fields:
        values["rendered_fields"] = param(ti.c.rendered_fields)
    running = ti.c.state == constant(TaskState.RUNNING)
    return (
        sa.update(ti)
        .where(_by_key(), running, ti.c.try_number == param(ti.c.try_number, "cur_"))
        .values(values)
        .returning(*ti.c)
    )


def heartbeat_task(dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int) -> bool:
    """Touch the running try's `updated_at`; False once it is no longer running (cleared, marked).

    The task process calls this periodically: False tells it to stop, as Airflow's heartbeat does
    when a task's state was changed from outside.
    """
    stmt = (
        sa.update(ti)
        .where(_key(dag_id, run_id, task_id, map_index), ti.c.state == TaskState.RUNNING, ti.c.try_number == try_number)
        .values(updated_at=utcnow())
    )
    with transaction() as conn:
        return conn.execute(stmt).rowcount > 0
