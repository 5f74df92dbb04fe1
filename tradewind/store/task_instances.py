"""Task instances: every state change is one UPDATE … WHERE state IN (expected), so races are lost safely.

One named operation per move, each one transaction with its expected states (procrastinate's
job manager is the model): a runner claims a try with `start_try` (CAS to running) and reports
with `finish_try` (CAS from running, same try); the scheduler queues with `queue_ready`, settles
waiting instances with `settle_waiting`, expands with `expand_mapped`, requeues with `unqueue`;
a user's marks go through `set_states`, clears through `clear_task_instances`. Whoever loses a
race gets False/None back and must re-read, never overwrite; a move `tradewind/states.py`
forbids raises `IllegalTransition` before anything is written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.states import EXECUTING, UNFINISHED, WAITING, TaskState
from tradewind.store.engine import session, transaction, writes_one_at_a_time
from tradewind.store.models import DEFAULT_POOL, task_instance
from tradewind.store.records import TaskInstanceRecord
from tradewind.store.sql import CHUNK, chunked, in_list, insert_ignore, param, prepared, state_str, utcnow
from tradewind.store.transitions import check_task_instance
from tradewind.store.triggers import DEFERRAL_COLUMNS

ti = task_instance
TI_KEY = ("dag_id", "run_id", "task_id", "map_index")
Key = tuple[str, str, str, int]  # dag_id, run_id, task_id, map_index

#: Columns `StateChange.fields` may set (identity and state are not among them: `expand_mapped` renumbers).
SETTABLE = frozenset(c.name for c in ti.c) - {"id", *TI_KEY, "state"}

_ROW_DEFAULTS: dict[str, Any] = {
    "map_index": -1,
    "state": TaskState.NONE,
    "try_number": 0,
    "max_tries": 0,
    "operator": None,
    "pool": DEFAULT_POOL,
    "pool_slots": 1,
    "queue": "default",
    "priority_weight": 1,
}


@dataclass(frozen=True, slots=True)
class StateChange:
    """Move one task instance to `new_state` if (and only if) it is in one of `expected`."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    expected: frozenset[TaskState] | frozenset[str]
    new_state: TaskState | str
    fields: Mapping[str, Any] = field(default_factory=dict, hash=False)


def normalize_ti_rows(
    dag_id: str, run_id: str, rows: Iterable[Mapping[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Complete task-instance dicts with defaults so one executemany can insert them all."""
    out = []
    for row in rows:
        values = {**_ROW_DEFAULTS, **{k: v for k, v in row.items() if k in _ROW_DEFAULTS or k == "task_id"}}
        values["state"] = state_str(values["state"])
        queued = values["state"] == TaskState.QUEUED
        values.update(dag_id=dag_id, run_id=run_id, updated_at=now, queued_dttm=now if queued else None)
        out.append(values)
    return out


def _key(dag_id: str, run_id: str, task_id: str, map_index: int, table: sa.Table = ti) -> sa.ColumnElement[bool]:
    return sa.and_(
        table.c.dag_id == dag_id, table.c.run_id == run_id, table.c.task_id == task_id, table.c.map_index == map_index
    )


@prepared
def _by_key() -> sa.ColumnElement[bool]:
    """The key as bound parameters (see `_key_args`), for the statements built once below."""
    return sa.and_(*(ti.c[name] == param(ti.c[name]) for name in TI_KEY))


def _key_args(dag_id: str, run_id: str, task_id: str, map_index: int) -> dict[str, Any]:
    return {"p_dag_id": dag_id, "p_run_id": run_id, "p_task_id": task_id, "p_map_index": map_index}


def _state_values(new_state: str, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"state": new_state, "updated_at": now}
    if new_state == TaskState.QUEUED:
        values["queued_dttm"] = now
    return values


# --- reads -------------------------------------------------------------------------------
@prepared
def _select_one() -> sa.Select[Any]:
    return sa.select(ti).where(_by_key())


def get_task_instance(dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> TaskInstanceRecord | None:
    with session() as conn:
        row = conn.execute(_select_one(), _key_args(dag_id, run_id, task_id, map_index)).first()
    return TaskInstanceRecord.from_row(row) if row is not None else None


def list_task_instances(dag_id: str, run_id: str, *, states: Iterable[str] | None = None) -> list[TaskInstanceRecord]:
    query = sa.select(ti).where(ti.c.dag_id == dag_id, ti.c.run_id == run_id)
    if states is not None:
        query = query.where(in_list(ti.c.state, map(state_str, states)))
    with session() as conn:
        return [TaskInstanceRecord.from_row(r) for r in conn.execute(query.order_by(ti.c.task_id, ti.c.map_index))]


def find_task_instances(states: Iterable[str], *, dag_id: str | None = None) -> list[TaskInstanceRecord]:
    """Task instances in some states across all runs (e.g. what was running when a scheduler died)."""
    query = sa.select(ti).where(in_list(ti.c.state, map(state_str, states)))
    if dag_id is not None:
        query = query.where(ti.c.dag_id == dag_id)
    with session() as conn:
        return [TaskInstanceRecord.from_row(r) for r in conn.execute(query.order_by(ti.c.id))]


def count_active(
    by: str, *, states: Iterable[str] = EXECUTING, dag_id: str | None = None, slots: bool = False
) -> dict[str, int]:
    """Task instances in `states` grouped by `by` ("pool", "dag_id", "task_id", "run_id", "queue").

    `slots=True` sums pool_slots instead of counting rows (pool occupancy). One grouped query:
    the scheduler asks this once per pass, not once per task.
    """
    if by not in ("pool", "dag_id", "task_id", "run_id", "queue"):
        raise ValueError(f"cannot group task instances by {by!r}")
    column = ti.c[by]
    measure = sa.func.coalesce(sa.func.sum(ti.c.pool_slots), 0) if slots else sa.func.count()
    query = sa.select(column, measure).where(in_list(ti.c.state, map(state_str, states))).group_by(column)
    if dag_id is not None:
        query = query.where(ti.c.dag_id == dag_id)
    with session() as conn:
        return {name: int(n) for name, n in conn.execute(query)}


def count_active_per_task() -> dict[tuple[str, str, str], int]:
    """Queued and running instances per (dag_id, run_id, task_id): the DAG, task and task-in-run limits."""
    cols = (ti.c.dag_id, ti.c.run_id, ti.c.task_id)
    query = sa.select(*cols, sa.func.count()).where(in_list(ti.c.state, EXECUTING)).group_by(*cols)
    with session() as conn:
        return {(d, r, t): int(n) for d, r, t, n in conn.execute(query)}


# --- state changes -----------------------------------------------------------------------
def set_states(changes: Sequence[StateChange], *, conn: sa.Connection | None = None) -> list[bool]:
    """A user's marks (UI, API, CLI), each a CAS, in ONE transaction; returns which ones took effect.

    A user may make any move the machine makes, and mark any instance success, failed or
    skipped (`states.USER_TARGETS`); anything else raises IllegalTransition, writing nothing.
    Given `conn`, the changes join that transaction (the run's state moving with them).
    """
    return _apply(changes, by_user=True, conn=conn)


def queue_ready(
    ready: Sequence[tuple[Key, TaskState | str]],
    *,
    job_id: int | None = None,
    before_write: Callable[[], None] | None = None,
) -> list[bool]:
    """The scheduler queues ready instances, each from the state it was planned in; which ones it got.

    `job_id` (the scheduler's job) is stamped as `queued_by_job_id`: if that scheduler dies, another
    one adopts what it queued. On PostgreSQL the rows are taken `FOR UPDATE SKIP LOCKED`: an instance
    another scheduler is queueing at this moment is left to it, without waiting for its commit.

    `before_write()` runs inside the transaction, before its write, where writers take turns from
    their BEGIN (SQLite), and not at all elsewhere: the scheduler hands the workloads over there,
    so a worker starts its task's process while the `queued` is written; the worker's claim, a
    write too, waits for this commit and finds the instance queued.
    """
    changes = [StateChange(*key, frozenset({state}), TaskState.QUEUED) for key, state in ready]
    if before_write is None or not writes_one_at_a_time():
        return _apply(changes, queued_by=job_id)
    with transaction() as conn:
        before_write()
        return _apply(changes, queued_by=job_id, conn=conn)


def settle_waiting(dag_id: str, run_id: str, decisions: Mapping[tuple[str, int], TaskState]) -> list[bool]:
    """End waiting (none/scheduled) instances without running them, as decided; which ones moved.

    The planner's trigger rules (skipped, upstream_failed), a branch's skips, a mapped task with
    nothing to map (skipped) or whose input cannot be mapped (failed): one transaction.
    """
    return _apply(
        [
            StateChange(dag_id, run_id, task_id, map_index, WAITING, state)
            for (task_id, map_index), state in decisions.items()
        ]
    )


def unqueue(keys: Iterable[Key]) -> int:
    """Queued instances that no executor holds (their scheduler restarted or died) go back to scheduled; how many."""
    return sum(_apply([StateChange(*key, frozenset({TaskState.QUEUED}), TaskState.SCHEDULED) for key in keys]))


def fail_unstarted(key: Key, end_date: datetime) -> bool:
    """A queued instance its worker cannot start (its DAG cannot be read) fails without a try."""
    return _apply(
        [
            StateChange(
                *key, frozenset({TaskState.QUEUED, TaskState.SCHEDULED}), TaskState.FAILED, {"end_date": end_date}
            )
        ]
    )[0]


def skip_unfinished(conn: sa.Connection, dag_id: str, run_id: str) -> int:
    """In the caller's transaction (`runs.time_out_run`): the run's unfinished instances to skipped; how many.

    Running tries see it at their next heartbeat and stop; their late results are dropped.
    """
    check_task_instance(UNFINISHED, TaskState.SKIPPED)
    stmt = (
        sa.update(ti)
        .where(ti.c.dag_id == dag_id, ti.c.run_id == run_id, in_list(ti.c.state, UNFINISHED))
        .values(state=TaskState.SKIPPED, updated_at=utcnow())
    )
    return conn.execute(stmt).rowcount


def _apply(
    changes: Sequence[StateChange],
    *,
    by_user: bool = False,
    conn: sa.Connection | None = None,
    queued_by: int | None = None,
) -> list[bool]:
    """Apply each change as a CAS, in order, in ONE transaction; returns which ones took effect.

    Every change is checked first (fields settable, move legal), so a bad one writes nothing.
    Consecutive changes of the same run with the same expected/new state and no extra fields are
    sent as one `UPDATE … WHERE (task_id, map_index) IN (…) RETURNING`, so a planner deciding
    a thousand instances costs a few statements, not a thousand. Given `conn`, the changes join
    that transaction (the run's state moving with them).
    """
    checked: set[tuple[Any, Any]] = set()
    for change in changes:
        bad = set(change.fields) - SETTABLE
        if bad:
            raise ValueError(f"StateChange cannot set {', '.join(sorted(bad))}")
        move = (frozenset(change.expected), change.new_state)
        if move not in checked:  # a planner's thousand decisions are a few moves
            check_task_instance(
                *move, by_user=by_user, what=(change.dag_id, change.run_id, change.task_id, change.map_index)
            )
            checked.add(move)
    results = [False] * len(changes)
    now = utcnow()
    with transaction() if conn is None else nullcontext(conn) as conn:
        batch: list[int] = []
        batch_sig: tuple[Any, ...] | None = None
        seen: set[tuple[str, int]] = set()
        for i, change in enumerate(changes):
            expected = frozenset(map(state_str, change.expected))
            if change.fields:
                _flush(conn, changes, batch, results, now, queued_by)
                batch, batch_sig, seen = [], None, set()
                results[i] = _apply_one(conn, change, expected, now)
                continue
            sig = (change.dag_id, change.run_id, expected, state_str(change.new_state))
            key = (change.task_id, change.map_index)
            if sig != batch_sig or key in seen or len(batch) >= CHUNK:
                _flush(conn, changes, batch, results, now, queued_by)
                batch, batch_sig, seen = [], sig, set()
            batch.append(i)
            seen.add(key)
        _flush(conn, changes, batch, results, now, queued_by)
    return results


def _apply_one(conn: sa.Connection, change: StateChange, expected: frozenset[str], now: datetime) -> bool:
    values = {**_state_values(state_str(change.new_state), now), **change.fields}
    stmt = (
        sa.update(ti)
        .where(_key(change.dag_id, change.run_id, change.task_id, change.map_index), in_list(ti.c.state, expected))
        .values(values)
    )
    return conn.execute(stmt).rowcount > 0


def _flush(
    conn: sa.Connection,
    changes: Sequence[StateChange],
    batch: list[int],
    results: list[bool],
    now: datetime,
    queued_by: int | None = None,
) -> None:
    if not batch:
        return
    first = changes[batch[0]]
    keys = [(changes[i].task_id, changes[i].map_index) for i in batch]
    new_state = state_str(first.new_state)
    expected = sorted(map(state_str, first.expected))
    args: dict[str, Any] = {
        "p_dag_id": first.dag_id,
        "p_run_id": first.run_id,
        "p_state": new_state,
        "p_updated_at": now,
    }
    single = len(keys) == 1
    if single:  # one instance (a task's end frees one slot): plain parameters, no IN lists to expand per call
        args["p_task_id"], args["p_map_index"] = keys[0]
        args.update({f"p_expected_{n}": state for n, state in enumerate(expected)})
    else:
        args["p_expected"] = expected
        args["p_keys"] = keys
        args["p_task_ids"] = sorted({k[0] for k in keys})
        args["p_map_indexes"] = sorted({k[1] for k in keys})
    queues = new_state == TaskState.QUEUED
    if queues:
        args["p_queued_dttm"] = now
        args["p_queued_by_job_id"] = queued_by
    skip_locked = queues and conn.dialect.name == "postgresql"
    stmt = _single_update(queues, skip_locked, len(expected)) if single else _batch_update(queues, skip_locked)
    done = {(r.task_id, r.map_index) for r in conn.execute(stmt, args)}
    for i, key in zip(batch, keys):
        results[i] = key in done


@functools.cache
def _single_update(stamps_queued: bool, skip_locked: bool, n_expected: int) -> sa.Update:
    """`_batch_update` for one instance, from one of `n_expected` states (`p_expected_0`, …)."""
    where = (
        _by_key(),
        ti.c.state.in_([sa.bindparam(f"p_expected_{n}", type_=ti.c.state.type) for n in range(n_expected)]),
    )
    return _update_where(where, stamps_queued, skip_locked)


def _update_where(where: tuple[sa.ColumnElement[bool], ...], stamps_queued: bool, skip_locked: bool) -> sa.Update:
    values = {"state": param(ti.c.state), "updated_at": param(ti.c.updated_at)}
    if stamps_queued:
        values["queued_dttm"] = param(ti.c.queued_dttm)
        values["queued_by_job_id"] = param(ti.c.queued_by_job_id)
    if skip_locked:
        free = sa.select(ti.c.id).where(*where).with_for_update(skip_locked=True)
        stmt = sa.update(ti).where(ti.c.id.in_(free.scalar_subquery()))
    else:
        stmt = sa.update(ti).where(*where)
    return stmt.values(values).returning(ti.c.task_id, ti.c.map_index)


@functools.cache
def _batch_update(stamps_queued: bool, skip_locked: bool = False) -> sa.Update:
    """One run's instances in `p_keys` (task_id, map_index pairs) from `p_expected` states to `p_state`.

    The separate task_id and map_index IN lists are what let SQLite search the unique key's index
    (it cannot for a row-value IN, and would scan every waiting instance of the run instead:
    a cost per task that grew with the DAG's size). `skip_locked` (PostgreSQL, queueing): only the
    rows `SELECT … FOR UPDATE SKIP LOCKED` gets, so two schedulers never wait on each other's rows.
    """
    where = (
        ti.c.dag_id == param(ti.c.dag_id),
        ti.c.run_id == param(ti.c.run_id),
        ti.c.task_id.in_(sa.bindparam("p_task_ids", expanding=True)),
        ti.c.map_index.in_(sa.bindparam("p_map_indexes", expanding=True)),
        ti.c.state.in_(sa.bindparam("p_expected", expanding=True)),
        sa.tuple_(ti.c.task_id, ti.c.map_index).in_(sa.bindparam("p_keys", expanding=True)),
    )
    return _update_where(where, stamps_queued, skip_locked)


def expand_mapped(dag_id: str, run_id: str, task_id: str, rows: list[dict[str, Any]]) -> bool:
    """A mapped task's waiting unexpanded instance (map index -1) becomes index 0, `rows` the others.

    One transaction; its state is kept (a renumbering, not a move). False, with nothing
    inserted, when the instance is no longer waiting at -1 (expanded or settled meanwhile).
    """
    now = utcnow()
    renumber = (
        sa.update(ti)
        .where(_key(dag_id, run_id, task_id, -1), in_list(ti.c.state, WAITING))
        .values(map_index=0, updated_at=now)
    )
    with transaction() as conn:
        if conn.execute(renumber).rowcount == 0:
            return False
        insert_ignore(conn, ti, normalize_ti_rows(dag_id, run_id, rows, now), TI_KEY)
    return True


def clear_task_instances(
    dag_id: str,
    run_id: str,
    task_ids: list[str] | None = None,
    *,
    retries: Mapping[str, int] | None = None,
    states: Iterable[str] | None = None,
    conn: sa.Connection | None = None,
) -> int:
    """Send instances back to state none (try_number kept, retry timers dropped); returns how many.

    Pass each task's `retries` to give cleared instances their retries again, as Airflow does
    (max_tries = try_number + retries); `states` to clear only instances in those states. The caller
    decides what happens to the DAG run (`runs.clear_run` does both in one transaction, via `conn`).
    """
    check_task_instance(TaskState, TaskState.NONE, by_user=True)
    base = sa.update(ti).where(ti.c.dag_id == dag_id, ti.c.run_id == run_id)
    if states is not None:
        base = base.where(in_list(ti.c.state, map(state_str, states)))
    values = {
        "state": TaskState.NONE,
        "next_retry_at": None,
        "reschedule_at": None,
        "updated_at": utcnow(),
        **dict.fromkeys(DEFERRAL_COLUMNS),  # a cleared deferred instance starts a new try at `execute`
    }
    total = 0
    with transaction() if conn is None else nullcontext(conn) as conn:
        by_retries: dict[int, list[str]] = {}
        for task_id in task_ids if task_ids is not None else list(retries or ()):
            if retries and task_id in retries:
                by_retries.setdefault(int(retries[task_id]), []).append(task_id)
        for n, all_ids in by_retries.items():  # first: `states` still matches the instances to clear
            for ids in chunked(all_ids):
                conn.execute(base.values(max_tries=ti.c.try_number + n).where(in_list(ti.c.task_id, ids)))
        if task_ids is None:
            total = conn.execute(base.values(values)).rowcount
        else:
            for ids in chunked(task_ids):
                total += conn.execute(base.values(values).where(in_list(ti.c.task_id, ids))).rowcount
    return total


# --- liveness ----------------------------------------------------------------------------
def changed_since(
    run_keys: Iterable[tuple[str, str]], since: datetime, wanted: Callable[[Any], bool] | None = None
) -> list[TaskInstanceRecord]:
    """Instances of these runs written at or after `since` (every write stamps `updated_at`).

    `wanted(row)` (given the key columns and `updated_at` only) picks the rows to read whole: a
    scheduler's sweep finds mostly rows it already holds, and reading those whole was most of a
    sweep's cost.
    """
    out: list[TaskInstanceRecord] = []
    with session() as conn:
        for chunk in chunked(sorted(set(run_keys))):
            where = (sa.tuple_(ti.c.dag_id, ti.c.run_id).in_(chunk), ti.c.updated_at >= since)
            if wanted is None:
                out.extend(TaskInstanceRecord.from_row(r) for r in conn.execute(sa.select(ti).where(*where)))
                continue
            picked: dict[tuple[str, str], list[tuple[str, int]]] = {}
            for r in conn.execute(sa.select(*(ti.c[name] for name in TI_KEY), ti.c.updated_at).where(*where)):
                if wanted(r):
                    picked.setdefault((r.dag_id, r.run_id), []).append((r.task_id, r.map_index))
            for (dag_id, run_id), pairs in picked.items():
                for part in chunked(pairs):
                    query = sa.select(ti).where(
                        ti.c.dag_id == dag_id,
                        ti.c.run_id == run_id,
                        ti.c.task_id.in_(sorted({p[0] for p in part})),  # lets SQLite search the key's index
                        sa.tuple_(ti.c.task_id, ti.c.map_index).in_(part),
                    )
                    out.extend(TaskInstanceRecord.from_row(r) for r in conn.execute(query))
    return out


def get_many(keys: Iterable[tuple[str, str, str, int]]) -> list[TaskInstanceRecord]:
    """Several instances by (dag_id, run_id, task_id, map_index), in one query per run."""
    by_run: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for dag_id, run_id, task_id, map_index in keys:
        by_run.setdefault((dag_id, run_id), []).append((task_id, map_index))
    out: list[TaskInstanceRecord] = []
    with session() as conn:
        for (dag_id, run_id), pairs in by_run.items():
            for chunk in chunked(sorted(set(pairs))):
                query = sa.select(ti).where(
                    ti.c.dag_id == dag_id,
                    ti.c.run_id == run_id,
                    sa.tuple_(ti.c.task_id, ti.c.map_index).in_(chunk),
                )
                out.extend(TaskInstanceRecord.from_row(r) for r in conn.execute(query))
    return out
