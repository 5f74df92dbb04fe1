"""Reads for the UI's Browse pages and cluster activity: DAG runs, task instances, XComs and jobs across
DAGs, filtered and paged in SQL (one query for the page, one for the count), and what runs right now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.states import EXECUTING
from tradewind.store.engine import session
from tradewind.store.models import dag_run, job, task_instance, xcom
from tradewind.store.records import DagRunRecord, JobRecord, TaskInstanceRecord, XComRecord
from tradewind.store.sql import in_list
from tradewind.utils import serde


@dataclass(frozen=True, slots=True)
class Filters:
    """What a Browse list is narrowed to; empty fields filter nothing. `dag_id` and `task_id` match a part."""

    dag_id: str = ""
    task_id: str = ""
    run_id: str = ""
    states: tuple[str, ...] = ()
    run_type: str = ""
    pool: str = ""
    key: str = ""
    start: datetime | None = None  # logical date from (inclusive)
    end: datetime | None = None  # logical date before (exclusive)


def _page(
    conn: sa.Connection, query: sa.Select[Any], order: Iterable[Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    total = int(conn.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one())
    rows = list(conn.execute(query.order_by(*order).limit(limit).offset(offset)))
    return rows, total


def _dates(query: sa.Select[Any], column: Any, f: Filters) -> sa.Select[Any]:
    if f.start is not None:
        query = query.where(column >= f.start)
    if f.end is not None:
        query = query.where(column < f.end)
    return query


def dag_runs(f: Filters, limit: int = 100, offset: int = 0) -> tuple[list[DagRunRecord], int]:
    """Runs of every DAG, newest logical date first, and how many match in all."""
    query = sa.select(dag_run)
    if f.dag_id:
        query = query.where(dag_run.c.dag_id.contains(f.dag_id, autoescape=True))
    if f.run_id:
        query = query.where(dag_run.c.run_id.contains(f.run_id, autoescape=True))
    if f.states:
        query = query.where(in_list(dag_run.c.state, f.states))
    if f.run_type:
        query = query.where(dag_run.c.run_type == f.run_type)
    query = _dates(query, dag_run.c.logical_date, f)
    with session() as conn:
        rows, total = _page(conn, query, (dag_run.c.logical_date.desc(), dag_run.c.id.desc()), limit, offset)
    return [DagRunRecord.from_row(r) for r in rows], total


def task_instances(
    f: Filters, limit: int = 100, offset: int = 0
) -> tuple[list[tuple[TaskInstanceRecord, datetime]], int]:
    """Instances of every DAG with their run's logical date, newest run first, and how many match in all."""
    ti = task_instance
    query = sa.select(ti, dag_run.c.logical_date).join(
        dag_run, sa.and_(dag_run.c.dag_id == ti.c.dag_id, dag_run.c.run_id == ti.c.run_id)
    )
    if f.dag_id:
        query = query.where(ti.c.dag_id.contains(f.dag_id, autoescape=True))
    if f.task_id:
        query = query.where(ti.c.task_id.contains(f.task_id, autoescape=True))
    if f.run_id:
        query = query.where(ti.c.run_id.contains(f.run_id, autoescape=True))
    if f.states:
        query = query.where(in_list(ti.c.state, f.states))
    if f.pool:
        query = query.where(ti.c.pool == f.pool)
    query = _dates(query, dag_run.c.logical_date, f)
    order = (dag_run.c.logical_date.desc(), ti.c.dag_id, ti.c.task_id, ti.c.map_index)
    with session() as conn:
        rows, total = _page(conn, query, order, limit, offset)
    return [(TaskInstanceRecord.from_row(r), r.logical_date) for r in rows], total


def xcoms(f: Filters, limit: int = 100, offset: int = 0) -> tuple[list[XComRecord], int]:
    """XComs of every DAG, newest first, values decoded (an undecodable one shows as its stored text)."""
    query = sa.select(xcom)
    if f.dag_id:
        query = query.where(xcom.c.dag_id.contains(f.dag_id, autoescape=True))
    if f.task_id:
        query = query.where(xcom.c.task_id.contains(f.task_id, autoescape=True))
    if f.run_id:
        query = query.where(xcom.c.run_id.contains(f.run_id, autoescape=True))
    if f.key:
        query = query.where(xcom.c.key == f.key)
    with session() as conn:
        rows, total = _page(conn, query, (xcom.c.timestamp.desc(), xcom.c.id.desc()), limit, offset)
    return [XComRecord.from_row({**r._mapping, "value": _decode(r.value)}) for r in rows], total


def _decode(text: str) -> Any:
    try:
        return serde.loads(text)
    except Exception:  # noqa: BLE001 - a value written by another version is still worth seeing
        return text


def jobs(job_type: str = "", state: str = "", limit: int = 100, offset: int = 0) -> tuple[list[JobRecord], int]:
    """Scheduler, triggerer, DAG processor… processes, latest heartbeat first."""
    query = sa.select(job)
    if job_type:
        query = query.where(job.c.job_type == job_type)
    if state:
        query = query.where(job.c.state == state)
    with session() as conn:
        rows, total = _page(conn, query, (job.c.latest_heartbeat.desc(), job.c.id.desc()), limit, offset)
    return [JobRecord.from_row(r) for r in rows], total


def job_types() -> list[str]:
    with session() as conn:
        return [t for (t,) in conn.execute(sa.select(job.c.job_type).distinct().order_by(job.c.job_type))]


def executing(limit: int = 200) -> tuple[list[TaskInstanceRecord], int]:
    """Instances queued, running or deferred right now (oldest start first), and how many in all."""
    ti = task_instance
    query = sa.select(ti).where(in_list(ti.c.state, (*EXECUTING, "deferred", "up_for_retry", "up_for_reschedule")))
    with session() as conn:
        rows, total = _page(conn, query, (ti.c.start_date.asc().nulls_last(), ti.c.id), limit, 0)
    return [TaskInstanceRecord.from_row(r) for r in rows], total


def run_state_totals() -> dict[str, int]:
    """{state: runs} over every DAG."""
    with session() as conn:
        return {
            s: int(n) for s, n in conn.execute(sa.select(dag_run.c.state, sa.func.count()).group_by(dag_run.c.state))
        }


def ti_state_totals(since: datetime) -> dict[str, int]:
    """{state: instances} of the instances that ended, or still are, since `since` (the last hours' picture)."""
    ti = task_instance
    query = (
        sa.select(ti.c.state, sa.func.count())
        .where(sa.or_(ti.c.end_date >= since, in_list(ti.c.state, EXECUTING)))
        .group_by(ti.c.state)
    )
    with session() as conn:
        return {s: int(n) for s, n in conn.execute(query)}
