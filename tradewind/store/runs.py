"""DAG runs: create one with all its task instances, read them, move their state by compare-and-set.

Clearing or marking a run moves the run and its task instances together, in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.exceptions import DagRunAlreadyExists
from tradewind.states import ACTIVE_RUN, DagRunState
from tradewind.store.engine import session, transaction
from tradewind.store.models import dag_run, task_instance, task_try, xcom
from tradewind.store.records import DagRunRecord
from tradewind.store.sql import in_list, param, prepared, state_str, utcnow
from tradewind.store.task_instances import (
    StateChange,
    clear_task_instances,
    normalize_ti_rows,
    set_states,
    skip_unfinished,
)
from tradewind.store.transitions import check_dag_run


def create_dag_run(
    *,
    dag_id: str,
    run_id: str,
    logical_date: datetime,
    data_interval: tuple[datetime, datetime] | None,
    run_type: str,
    conf: dict[str, Any] | None,
    state: str,
    external_trigger: bool,
    task_instances: list[dict[str, Any]],
    note: str | None = None,
) -> DagRunRecord:
    """Insert the run and every task instance in ONE transaction (one executemany for the TIs).

    Raises DagRunAlreadyExists, naming the clash, if the run_id or the logical date is taken.
    """
    now = utcnow()
    state, run_type = state_str(state), state_str(run_type)
    start, end = data_interval if data_interval is not None else (None, None)
    values = {
        "dag_id": dag_id,
        "run_id": run_id,
        "logical_date": logical_date,
        "data_interval_start": start,
        "data_interval_end": end,
        "run_type": run_type,
        "state": state,
        "conf": conf,
        "external_trigger": external_trigger,
        "queued_at": now if state == DagRunState.QUEUED else None,
        "start_date": now if state == DagRunState.RUNNING else None,
        "note": note,
    }
    try:
        with transaction() as conn:
            _refuse_duplicate(conn, dag_id, run_id, logical_date)
            row = conn.execute(sa.insert(dag_run).values(values).returning(*dag_run.c)).one()
            rows = normalize_ti_rows(dag_id, run_id, task_instances, now)
            if rows:
                conn.execute(sa.insert(task_instance), rows)
    except sa.exc.IntegrityError:
        # Lost a race with another process creating the same run: report it like the pre-check does.
        with session() as conn:
            _refuse_duplicate(conn, dag_id, run_id, logical_date)
        raise
    return DagRunRecord.from_row(row)


def _refuse_duplicate(conn: sa.Connection, dag_id: str, run_id: str, logical_date: datetime) -> None:
    clash = conn.execute(
        sa.select(dag_run.c.run_id, dag_run.c.logical_date).where(
            dag_run.c.dag_id == dag_id,
            sa.or_(dag_run.c.run_id == run_id, dag_run.c.logical_date == logical_date),
        )
    ).first()
    if clash is None:
        return
    if clash.run_id == run_id:
        raise DagRunAlreadyExists(f"a DAG run with run_id '{run_id}' already exists for DAG '{dag_id}'")
    raise DagRunAlreadyExists(
        f"a DAG run of '{dag_id}' at logical date {logical_date.isoformat()} already exists (run_id '{clash.run_id}')"
    )


def _one(where: Any) -> DagRunRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(dag_run).where(where)).first()
    return DagRunRecord.from_row(row) if row is not None else None


def get_dag_run(dag_id: str, run_id: str) -> DagRunRecord | None:
    with session() as conn:  # on every task's path (the worker reads the run): a statement built once
        row = conn.execute(_select_by_run_id(), {"p_dag_id": dag_id, "p_run_id": run_id}).first()
    return DagRunRecord.from_row(row) if row is not None else None


@prepared
def _select_by_run_id() -> sa.Select[Any]:
    return sa.select(dag_run).where(
        dag_run.c.dag_id == param(dag_run.c.dag_id), dag_run.c.run_id == param(dag_run.c.run_id)
    )


def find_dag_run(dag_id: str, logical_date: datetime) -> DagRunRecord | None:
    return _one(sa.and_(dag_run.c.dag_id == dag_id, dag_run.c.logical_date == logical_date))


def list_dag_runs(
    dag_id: str | None = None,
    state: str | Iterable[str] | None = None,
    limit: int | None = None,
    newest_first: bool = True,
) -> list[DagRunRecord]:
    """Runs ordered by logical date (newest first by default); `state` may be one state or several."""
    query = sa.select(dag_run)
    if dag_id is not None:
        query = query.where(dag_run.c.dag_id == dag_id)
    if state is not None:
        query = query.where(in_list(dag_run.c.state, map(state_str, [state] if isinstance(state, str) else state)))
    order = (
        (dag_run.c.logical_date.desc(), dag_run.c.id.desc())
        if newest_first
        else (dag_run.c.logical_date.asc(), dag_run.c.id.asc())
    )
    query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    with session() as conn:
        return [DagRunRecord.from_row(r) for r in conn.execute(query)]


def latest_run(dag_id: str, run_types: Iterable[str] | None = None) -> DagRunRecord | None:
    """The run with the latest logical date, optionally among some run types only."""
    query = sa.select(dag_run).where(dag_run.c.dag_id == dag_id)
    if run_types is not None:
        query = query.where(in_list(dag_run.c.run_type, run_types))
    query = query.order_by(dag_run.c.logical_date.desc(), dag_run.c.id.desc()).limit(1)
    with session() as conn:
        row = conn.execute(query).first()
    return DagRunRecord.from_row(row) if row is not None else None


def active_run_counts(dag_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Queued + running runs per DAG (for max_active_runs), in one grouped query."""
    query = (
        sa.select(dag_run.c.dag_id, sa.func.count())
        .where(in_list(dag_run.c.state, ACTIVE_RUN))
        .group_by(dag_run.c.dag_id)
    )
    if dag_ids is not None:
        query = query.where(in_list(dag_run.c.dag_id, dag_ids))
    with session() as conn:
        return {dag_id: count for dag_id, count in conn.execute(query)}


def set_dag_run_state(
    dag_id: str,
    run_id: str,
    state: str,
    *,
    expected: Iterable[str] | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
) -> bool:
    """A user's clear (to queued) or mark (success, failed): compare-and-set from `expected`, if given.

    True if the row changed. A move neither a user nor the scheduler may make raises
    IllegalTransition; the scheduler's own go through `start_run`, `finish_run`, `time_out_run`.
    """
    with transaction() as conn:
        return _move(conn, dag_id, run_id, state, expected, by_user=True, start_date=start_date, end_date=end_date)


def start_run(dag_id: str, run_id: str, *, start_date: datetime) -> DagRunRecord | None:
    """The scheduler (or `dags test`) starts a queued run: the started run as stored (the caller
    need not read it back), or None if it is not queued any more."""
    stmt = _move_statement(dag_id, run_id, DagRunState.RUNNING, {DagRunState.QUEUED}, start_date=start_date)
    with transaction() as conn:
        row = conn.execute(stmt.returning(*dag_run.c)).first()
    return DagRunRecord.from_row(row) if row is not None else None


def finish_run(dag_id: str, run_id: str, state: DagRunState, *, end_date: datetime) -> bool:
    """The planner's verdict on a running run; False if it is not running any more (marked, cleared, ended)."""
    with transaction() as conn:
        return _move(conn, dag_id, run_id, state, {DagRunState.RUNNING}, end_date=end_date)


def time_out_run(dag_id: str, run_id: str, *, end_date: datetime) -> bool:
    """dagrun_timeout, as Airflow: the running run fails and its unfinished instances are skipped, at once."""
    with transaction() as conn:
        if not _move(conn, dag_id, run_id, DagRunState.FAILED, {DagRunState.RUNNING}, end_date=end_date):
            return False
        skip_unfinished(conn, dag_id, run_id)
    return True


def _move(
    conn: sa.Connection,
    dag_id: str,
    run_id: str,
    state: str,
    expected: Iterable[str] | None,
    *,
    by_user: bool = False,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
) -> bool:
    """Compare-and-set the run's state (from any state when `expected` is None), checked first."""
    stmt = _move_statement(dag_id, run_id, state, expected, by_user=by_user, start_date=start_date, end_date=end_date)
    return conn.execute(stmt).rowcount > 0


def _move_statement(
    dag_id: str,
    run_id: str,
    state: str,
    expected: Iterable[str] | None,
    *,
    by_user: bool = False,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
) -> sa.Update:
    """`_move`'s UPDATE, the move checked first.

    As Airflow: moving to queued stamps `queued_at`; moving to queued/running clears an old end_date.
    """
    expected = None if expected is None else frozenset(map(state_str, expected))
    check_dag_run(DagRunState if expected is None else expected, state, by_user=by_user, what=(dag_id, run_id))
    state = state_str(state)
    values: dict[str, Any] = {"state": state}
    if state == DagRunState.QUEUED:
        values["queued_at"] = utcnow()
    if state in ACTIVE_RUN:
        values["end_date"] = None
    if start_date is not None:
        values["start_date"] = start_date
    if end_date is not None:
        values["end_date"] = end_date
    stmt = sa.update(dag_run).where(dag_run.c.dag_id == dag_id, dag_run.c.run_id == run_id).values(values)
    if expected is not None:
        stmt = stmt.where(in_list(dag_run.c.state, expected))
    return stmt


def clear_run(
    dag_id: str,
    run_id: str,
    task_ids: list[str] | None = None,
    *,
    expected: Collection[str],
    retries: Mapping[str, int] | None = None,
    ti_states: Iterable[str] | None = None,
) -> bool:
    """Airflow's clear, in ONE transaction: the run back to queued, its instances (all, or those of
    `task_ids`; only those in `ti_states` if given) back to none with their `retries` restored.

    Compare-and-set: only from a run state in `expected`; False, with nothing written, otherwise.
    """
    with transaction() as conn:
        if not _move(conn, dag_id, run_id, DagRunState.QUEUED, expected, by_user=True):
            return False
        clear_task_instances(dag_id, run_id, task_ids, retries=retries, states=ti_states, conn=conn)
    return True


def mark_run(
    dag_id: str,
    run_id: str,
    state: str | None,
    *,
    expected: Collection[str],
    moves: Mapping[str, str],
    end_date: datetime,
    keep_tasks: Collection[str] = (),
) -> bool:
    """Set the run's state and move its task instances (from each state in `moves` to the state it maps to,
    each a compare-and-set, stamping `end_date`), in ONE transaction.

    Only from a run state in `expected`; False, with nothing written, otherwise. An instance another
    process moved meanwhile keeps its newer state. The instances of `keep_tasks` are left as they
    are; `state=None` leaves the run's state too (the scheduler finishes the run once they are done).
    """
    ti = task_instance
    moves = {state_str(old): state_str(new) for old, new in moves.items()}
    with transaction() as conn:
        if state is None:
            current = conn.execute(
                sa.select(dag_run.c.state).where(dag_run.c.dag_id == dag_id, dag_run.c.run_id == run_id)
            ).scalar()
            if current is None or current not in {state_str(s) for s in expected}:
                return False
        elif not _move(conn, dag_id, run_id, state, expected, by_user=True, end_date=end_date):
            return False
        query = (
            sa.select(ti.c.task_id, ti.c.map_index, ti.c.state)
            .where(ti.c.dag_id == dag_id, ti.c.run_id == run_id, in_list(ti.c.state, moves))
            .order_by(ti.c.state, ti.c.task_id, ti.c.map_index)
        )
        rows = [r for r in conn.execute(query).all() if r.task_id not in keep_tasks]
        set_states(
            [
                StateChange(
                    dag_id, run_id, r.task_id, r.map_index, frozenset({r.state}), moves[r.state], {"end_date": end_date}
                )
                for r in rows
            ],
            conn=conn,
        )
    return True


def delete_dag_run(dag_id: str, run_id: str) -> bool:
    """Delete a run with its task instances, tries and XComs; False if there was no such run."""
    with transaction() as conn:
        for table in (xcom, task_try, task_instance):
            conn.execute(sa.delete(table).where(table.c.dag_id == dag_id, table.c.run_id == run_id))
        return (
            conn.execute(sa.delete(dag_run).where(dag_run.c.dag_id == dag_id, dag_run.c.run_id == run_id)).rowcount > 0
        )


def previous_run(dag_id: str, logical_date: datetime, state: DagRunState | None = None) -> DagRunRecord | None:
    """The run just before `logical_date` (depends_on_past looks at it), or the last one in `state` before it."""
    query = sa.select(dag_run).where(dag_run.c.dag_id == dag_id, dag_run.c.logical_date < logical_date)
    if state is not None:
        query = query.where(dag_run.c.state == state_str(state))
    query = query.order_by(dag_run.c.logical_date.desc()).limit(1)
    with session() as conn:
        row = conn.execute(query).first()
    return DagRunRecord.from_row(row) if row is not None else None
