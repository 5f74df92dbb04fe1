"""Reads the web UI and REST API need in one statement each: recent run states of many DAGs, a
DAG's grid, a file's stored source, pool occupancy, and a database ping for /health."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from tradewind.states import EXECUTING, TaskState
from tradewind.store.engine import session
from tradewind.store.models import dag_file, dag_run, task_instance
from tradewind.store.records import DagRunRecord
from tradewind.store.sql import in_list


def recent_run_states(dag_ids: Iterable[str] | None = None, per_dag: int = 5) -> dict[str, list[dict[str, Any]]]:
    """The last `per_dag` runs of every DAG (newest first), as {run_id, state, logical_date}."""
    rank = (
        sa.func.row_number()
        .over(partition_by=dag_run.c.dag_id, order_by=(dag_run.c.logical_date.desc(), dag_run.c.id.desc()))
        .label("rank")
    )
    inner = sa.select(dag_run.c.dag_id, dag_run.c.run_id, dag_run.c.state, dag_run.c.logical_date, rank)
    if dag_ids is not None:
        inner = inner.where(in_list(dag_run.c.dag_id, list(dag_ids)))
    sub = inner.subquery()
    query = (
        sa.select(sub.c.dag_id, sub.c.run_id, sub.c.state, sub.c.logical_date)
        .where(sub.c.rank <= per_dag)
        .order_by(sub.c.dag_id, sub.c.rank)
    )
    out: dict[str, list[dict[str, Any]]] = {}
    with session() as conn:
        for row in conn.execute(query):
            out.setdefault(row.dag_id, []).append(
                {"run_id": row.run_id, "state": row.state, "logical_date": row.logical_date}
            )
    return out


def grid(dag_id: str, limit: int = 25) -> tuple[list[DagRunRecord], dict[str, dict[str, dict[str, Any]]]]:
    """The newest `limit` runs (oldest first, as columns) and {run_id: {task_id: summary}} of their instances.

    A mapped task's summary is its worst state across map indexes, with the count of instances and the
    first copy's duration. 5,000 rows for a grid of 100 × 50: read as plain tuples, no per-row lookups.
    """
    runs_q = (
        sa.select(dag_run)
        .where(dag_run.c.dag_id == dag_id)
        .order_by(dag_run.c.logical_date.desc(), dag_run.c.id.desc())
        .limit(limit)
    )
    ti = task_instance
    severity = _SEVERITY.get
    with session() as conn:
        runs = [DagRunRecord.from_row(r) for r in conn.execute(runs_q)]
        runs.reverse()
        cells: dict[str, dict[str, dict[str, Any]]] = {r.run_id: {} for r in runs}
        if runs:
            q = sa.select(ti.c.run_id, ti.c.task_id, ti.c.state, ti.c.try_number, ti.c.duration).where(
                ti.c.dag_id == dag_id, in_list(ti.c.run_id, list(cells))
            )
            for run_id, task_id, state, try_number, duration in conn.execute(q):
                by_task = cells[run_id]
                cell = by_task.get(task_id)
                if cell is None:
                    by_task[task_id] = {"state": state, "try_number": try_number, "duration": duration, "count": 1}
                else:
                    cell["count"] += 1
                    if severity(state, 0) > severity(cell["state"], 0):
                        cell["state"] = state
    return runs, cells


def landing_ends(dag_id: str, run_ids: list[str]) -> dict[str, dict[str, datetime]]:
    """{run_id: {task_id: when it ended}} of these runs (a mapped task: its last copy), for landing times."""
    ti = task_instance
    q = (
        sa.select(ti.c.run_id, ti.c.task_id, sa.func.max(ti.c.end_date))
        .where(ti.c.dag_id == dag_id, in_list(ti.c.run_id, run_ids), ti.c.end_date.is_not(None))
        .group_by(ti.c.run_id, ti.c.task_id)
    )
    out: dict[str, dict[str, datetime]] = {}
    with session() as conn:
        for run_id, task_id, ended in conn.execute(q):
            out.setdefault(run_id, {})[task_id] = ended if ended.tzinfo else ended.replace(tzinfo=timezone.utc)
    return out


def run_task_states(dag_id: str, run_id: str) -> dict[str, str]:
    """{task_id: state} of one run; a mapped task gets its worst state across map indexes (as in the grid)."""
    ti = task_instance
    q = sa.select(ti.c.task_id, ti.c.state).where(ti.c.dag_id == dag_id, ti.c.run_id == run_id)
    out: dict[str, str] = {}
    with session() as conn:
        for task_id, state in conn.execute(q):
            if task_id not in out or _SEVERITY.get(state, 0) > _SEVERITY.get(out[task_id], 0):
                out[task_id] = state
    return out


def run_states_since(dag_id: str, since: datetime) -> list[tuple[datetime, str]]:
    """(logical_date, state) of the DAG's runs from `since` on, oldest first (the calendar's days)."""
    q = (
        sa.select(dag_run.c.logical_date, dag_run.c.state)
        .where(dag_run.c.dag_id == dag_id, dag_run.c.logical_date >= since)
        .order_by(dag_run.c.logical_date)
    )
    with session() as conn:
        return [(d, s) for d, s in conn.execute(q)]


def run_state_counts(dag_id: str, run_id: str) -> dict[str, int]:
    """{state: how many instances} of one run (mapped copies each count)."""
    ti = task_instance
    q = sa.select(ti.c.state, sa.func.count()).where(ti.c.dag_id == dag_id, ti.c.run_id == run_id).group_by(ti.c.state)
    with session() as conn:
        return {state: int(n) for state, n in conn.execute(q)}


_SEVERITY: dict[str, int] = {
    TaskState.SUCCESS: 1,
    TaskState.SKIPPED: 1,
    TaskState.REMOVED: 0,
    TaskState.NONE: 2,
    TaskState.SCHEDULED: 3,
    TaskState.QUEUED: 4,
    TaskState.UP_FOR_RESCHEDULE: 5,
    TaskState.DEFERRED: 5,
    TaskState.UP_FOR_RETRY: 6,
    TaskState.RUNNING: 7,
    TaskState.UPSTREAM_FAILED: 8,
    TaskState.FAILED: 9,
}


def stored_source(fileloc: str) -> str | None:
    """The source the DAG processor stored for this file, if it stored any."""
    with session() as conn:
        return conn.execute(sa.select(dag_file.c.source_code).where(dag_file.c.fileloc == fileloc)).scalar()


def pool_occupancy() -> dict[str, dict[str, int]]:
    """{pool: {running: slots, queued: slots}} over all task instances."""
    ti = task_instance
    q = (
        sa.select(ti.c.pool, ti.c.state, sa.func.sum(ti.c.pool_slots))
        .where(in_list(ti.c.state, EXECUTING))
        .group_by(ti.c.pool, ti.c.state)
    )
    out: dict[str, dict[str, int]] = {}
    with session() as conn:
        for pool, state, slots in conn.execute(q):
            out.setdefault(pool, {})[state] = int(slots or 0)
    return out


def ping() -> None:
    """Raise if the database does not answer."""
    with session() as conn:
        conn.execute(sa.text("SELECT 1"))
