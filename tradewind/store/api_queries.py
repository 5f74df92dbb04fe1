"""Reads (and two small writes) the REST API needs beyond the CLI's and the UI's: filtered pages of runs and
task instances across DAGs, DAG stats, dataset references and queues, notes. Each is a constant number of
statements, filtered and paged in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import (
    dag_run,
    dag_schedule_dataset_reference,
    dagrun_dataset_event,
    dataset,
    dataset_dag_run_queue,
    dataset_event,
    serialized_dag,
    task_outlet_dataset_reference,
)
from tradewind.store.models import task_instance as ti
from tradewind.store.records import DagRunRecord, TaskInstanceRecord
from tradewind.store.sql import in_list


@dataclass(frozen=True)
class Range:
    """`gte <= column <= lte`, either end open."""

    gte: Any = None
    lte: Any = None

    def where(self, column: sa.ColumnElement[Any]) -> list[sa.ColumnElement[bool]]:
        out = []
        if self.gte is not None:
            out.append(column >= self.gte)
        if self.lte is not None:
            out.append(column <= self.lte)
        return out


@dataclass(frozen=True)
class RunQuery:
    dag_ids: Sequence[str] | None = None
    states: Sequence[str] | None = None
    logical_date: Range = Range()
    start_date: Range = Range()
    end_date: Range = Range()
    updated_at: Range = Range()
    order_by: str = "id"


RUN_ORDER = {"id", "dag_id", "run_id", "state", "logical_date", "execution_date", "start_date", "end_date"}


def _order(table: sa.Table, order_by: str, allowed: set[str], aliases: dict[str, str]) -> list[Any]:
    from tradewind.exceptions import UsageError

    name = order_by.lstrip("-")
    if name not in allowed:
        raise UsageError(f"order_by {order_by!r}: sort by one of {', '.join(sorted(allowed))} (- for descending)")
    column = table.c[aliases.get(name, name)]
    return [column.desc() if order_by.startswith("-") else column.asc(), table.c.id]


def _run_updated_at() -> sa.ColumnElement[Any]:
    """When a run last changed, for Airflow's `updated_at` filter: a run's row has no such column, but
    each of its changes (queued, started, ended) stamps one of these, latest first."""
    return sa.func.coalesce(dag_run.c.end_date, dag_run.c.start_date, dag_run.c.queued_at)


def dag_runs(q: RunQuery, limit: int, offset: int) -> tuple[list[DagRunRecord], int]:
    conds: list[sa.ColumnElement[bool]] = []
    if q.dag_ids is not None:
        conds.append(in_list(dag_run.c.dag_id, list(q.dag_ids)))
    if q.states:
        conds.append(in_list(dag_run.c.state, list(q.states)))
    conds += q.logical_date.where(dag_run.c.logical_date) + q.start_date.where(dag_run.c.start_date)
    conds += q.end_date.where(dag_run.c.end_date) + q.updated_at.where(_run_updated_at())
    order = _order(dag_run, q.order_by, RUN_ORDER, {"execution_date": "logical_date"})
    with session() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(dag_run).where(*conds)).scalar_one()
        rows = conn.execute(sa.select(dag_run).where(*conds).order_by(*order).limit(limit).offset(offset))
        return [DagRunRecord.from_row(r) for r in rows], int(total)


@dataclass(frozen=True)
class TIQuery:
    dag_ids: Sequence[str] | None = None
    run_ids: Sequence[str] | None = None
    task_ids: Sequence[str] | None = None
    map_indexes_of_mapped: bool = False  # only the expanded instances (map_index >= 0)
    states: Sequence[str] | None = None
    pools: Sequence[str] | None = None
    queues: Sequence[str] | None = None
    logical_date: Range = Range()
    start_date: Range = Range()
    end_date: Range = Range()
    updated_at: Range = Range()
    duration: Range = Range()
    order_by: str = "map_index"
    extra: list[Any] = field(default_factory=list)


TI_ORDER = {"id", "task_id", "map_index", "state", "start_date", "end_date", "duration", "try_number", "pool"}


def task_instances(q: TIQuery, limit: int, offset: int) -> tuple[list[tuple[TaskInstanceRecord, datetime]], int]:
    """Instances matching `q` with their run's logical date, and how many match in all."""
    conds: list[sa.ColumnElement[bool]] = [dag_run.c.dag_id == ti.c.dag_id, dag_run.c.run_id == ti.c.run_id]
    for column, values in ((ti.c.dag_id, q.dag_ids), (ti.c.run_id, q.run_ids), (ti.c.task_id, q.task_ids)):
        if values is not None:
            conds.append(in_list(column, list(values)))
    for column, values in ((ti.c.state, q.states), (ti.c.pool, q.pools), (ti.c.queue, q.queues)):
        if values:
            conds.append(in_list(column, list(values)))
    if q.map_indexes_of_mapped:
        conds.append(ti.c.map_index >= 0)
    conds += q.logical_date.where(dag_run.c.logical_date) + q.start_date.where(ti.c.start_date)
    conds += q.end_date.where(ti.c.end_date) + q.updated_at.where(ti.c.updated_at) + q.duration.where(ti.c.duration)
    order = _order(ti, q.order_by, TI_ORDER, {})
    base = sa.select(ti, dag_run.c.logical_date.label("run_logical_date")).where(*conds)
    with session() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
        rows = conn.execute(base.order_by(*order).limit(limit).offset(offset))
        return [(TaskInstanceRecord.from_row(r), r.run_logical_date) for r in rows], int(total)


def run_state_counts(dag_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """dag_id → run state → count."""
    query = (
        sa.select(dag_run.c.dag_id, dag_run.c.state, sa.func.count())
        .where(in_list(dag_run.c.dag_id, list(dag_ids)))
        .group_by(dag_run.c.dag_id, dag_run.c.state)
    )
    out: dict[str, dict[str, int]] = {d: {} for d in dag_ids}
    with session() as conn:
        for dag_id, state, count in conn.execute(query):
            out[dag_id][state] = int(count)
    return out


def serialized_many(dag_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    with session() as conn:
        rows = conn.execute(
            sa.select(serialized_dag.c.dag_id, serialized_dag.c.data).where(
                in_list(serialized_dag.c.dag_id, list(dag_ids))
            )
        )
        return {dag_id: data for dag_id, data in rows}


def set_run_note(dag_id: str, run_id: str, note: str | None) -> bool:
    with transaction() as conn:
        done = conn.execute(
            sa.update(dag_run).where(dag_run.c.dag_id == dag_id, dag_run.c.run_id == run_id).values(note=note)
        )
        return bool(done.rowcount)


def set_ti_note(dag_id: str, run_id: str, task_id: str, map_index: int, note: str | None) -> bool:
    with transaction() as conn:
        done = conn.execute(
            sa.update(ti)
            .where(ti.c.dag_id == dag_id, ti.c.run_id == run_id, ti.c.task_id == task_id, ti.c.map_index == map_index)
            .values(note=note)
        )
        return bool(done.rowcount)


# --- datasets -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetRefs:
    row: Any
    consumers: list[Any]
    producers: list[Any]


def datasets(
    uri_pattern: str | None, dag_ids: Sequence[str] | None, order_by: str, limit: int, offset: int
) -> tuple[list[DatasetRefs], int]:
    sched, outl = dag_schedule_dataset_reference, task_outlet_dataset_reference
    conds: list[sa.ColumnElement[bool]] = []
    if uri_pattern:
        conds.append(dataset.c.uri.contains(uri_pattern, autoescape=True))
    if dag_ids:
        used = sa.select(sched.c.dataset_id).where(in_list(sched.c.dag_id, list(dag_ids)))
        made = sa.select(outl.c.dataset_id).where(in_list(outl.c.dag_id, list(dag_ids)))
        conds.append(sa.or_(dataset.c.id.in_(used), dataset.c.id.in_(made)))
    order = _order(dataset, order_by, {"id", "uri", "created_at", "updated_at"}, {})
    with session() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(dataset).where(*conds)).scalar_one()
        rows = conn.execute(sa.select(dataset).where(*conds).order_by(*order).limit(limit).offset(offset)).all()
        ids = [r.id for r in rows]
        consumers: dict[int, list[Any]] = {}
        for r in conn.execute(sa.select(sched).where(in_list(sched.c.dataset_id, ids)).order_by(sched.c.dag_id)):
            consumers.setdefault(r.dataset_id, []).append(r)
        producers: dict[int, list[Any]] = {}
        for r in conn.execute(
            sa.select(outl).where(in_list(outl.c.dataset_id, ids)).order_by(outl.c.dag_id, outl.c.task_id)
        ):
            producers.setdefault(r.dataset_id, []).append(r)
    return [DatasetRefs(r, consumers.get(r.id, []), producers.get(r.id, [])) for r in rows], int(total)


_EVENT = (*dataset_event.c, dataset.c.uri)


def dataset_events(filters: dict[str, Any], order_by: str, limit: int, offset: int) -> tuple[list[Any], int]:
    conds = [dataset_event.c[k] == v for k, v in filters.items() if v is not None]
    order = _order(dataset_event, order_by, {"id", "timestamp", "dataset_id", "source_dag_id"}, {})
    base = sa.select(*_EVENT).join(dataset, dataset.c.id == dataset_event.c.dataset_id).where(*conds)
    with session() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(dataset_event).where(*conds)).scalar_one()
        rows = conn.execute(base.order_by(*order).limit(limit).offset(offset)).all()
        return list(rows), int(total)


def run_dataset_events(run_pk: int) -> list[Any]:
    """The events that triggered a run (its upstream dataset events)."""
    query = (
        sa.select(*_EVENT)
        .join(dataset, dataset.c.id == dataset_event.c.dataset_id)
        .join(dagrun_dataset_event, dagrun_dataset_event.c.event_id == dataset_event.c.id)
        .where(dagrun_dataset_event.c.dag_run_id == run_pk)
        .order_by(dataset_event.c.timestamp, dataset_event.c.id)
    )
    with session() as conn:
        return list(conn.execute(query).all())


def runs_created_by_events(event_ids: Sequence[int]) -> dict[int, list[DagRunRecord]]:
    query = (
        sa.select(dagrun_dataset_event.c.event_id, dag_run)
        .join(dag_run, dag_run.c.id == dagrun_dataset_event.c.dag_run_id)
        .where(in_list(dagrun_dataset_event.c.event_id, list(event_ids)))
    )
    out: dict[int, list[DagRunRecord]] = {}
    with session() as conn:
        for r in conn.execute(query):
            out.setdefault(r.event_id, []).append(DagRunRecord.from_row(r))
    return out


def _queue_conds(dag_id: str | None, uri: str | None, before: datetime | None) -> list[sa.ColumnElement[bool]]:
    q = dataset_dag_run_queue
    conds: list[sa.ColumnElement[bool]] = [dataset.c.id == q.c.dataset_id]
    if dag_id is not None:
        conds.append(q.c.target_dag_id == dag_id)
    if uri is not None:
        conds.append(dataset.c.uri == uri)
    if before is not None:
        conds.append(q.c.created_at < before)
    return conds


def queued_events(dag_id: str | None, uri: str | None, before: datetime | None) -> list[tuple[str, str, datetime]]:
    """(uri, target dag_id, created_at) of the dataset updates waiting for a DAG's next run."""
    q = dataset_dag_run_queue
    query = (
        sa.select(dataset.c.uri, q.c.target_dag_id, q.c.created_at)
        .where(*_queue_conds(dag_id, uri, before))
        .order_by(q.c.target_dag_id, dataset.c.uri)
    )
    with session() as conn:
        return [(u, d, c) for u, d, c in conn.execute(query)]


def delete_queued_events(dag_id: str | None, uri: str | None, before: datetime | None) -> int:
    q = dataset_dag_run_queue
    keys = sa.select(q.c.dataset_id, q.c.target_dag_id).where(*_queue_conds(dag_id, uri, before))
    with transaction() as conn:
        pairs = conn.execute(keys).all()
        for ds_id, target in pairs:
            conn.execute(sa.delete(q).where(q.c.dataset_id == ds_id, q.c.target_dag_id == target))
        return len(pairs)


def xcom_entries(
    dag_id: str,
    run_id: str | None,
    task_id: str | None,
    map_index: int | None,
    key: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    """XCom entries (without their values) with their run's logical date; None for run or task means any."""
    from tradewind.store.models import xcom

    conds = [xcom.c.dag_id == dag_id, dag_run.c.dag_id == xcom.c.dag_id, dag_run.c.run_id == xcom.c.run_id]
    for column, value in ((xcom.c.run_id, run_id), (xcom.c.task_id, task_id), (xcom.c.map_index, map_index)):
        if value is not None:
            conds.append(column == value)
    if key is not None:
        conds.append(xcom.c.key == key)
    columns = [c for c in xcom.c if c.name != "value"]
    base = sa.select(*columns, dag_run.c.logical_date).where(*conds)
    with session() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
        rows = conn.execute(base.order_by(xcom.c.run_id, xcom.c.task_id, xcom.c.map_index, xcom.c.key)
                            .limit(limit).offset(offset)).all()  # fmt: skip
        return list(rows), int(total)
