"""Datasets in the database: references from serialized DAGs, events, the trigger queue, run links.

Airflow's model: a successful task with outlets records one event per dataset and queues a row
per (dataset, DAG scheduled on it); the scheduler creates a run once a DAG's queued datasets
satisfy its schedule, links the events to the run and clears the DAG's queue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import (
    dag,
    dag_run,
    dag_schedule_dataset_reference,
    dagrun_dataset_event,
    dataset,
    dataset_dag_run_queue,
    dataset_event,
    task_outlet_dataset_reference,
)
from tradewind.store.records import DatasetEventRecord as DatasetEventRecord  # re-exported: its old home
from tradewind.store.records import _Record
from tradewind.store.sql import chunked, in_list, insert_ignore, upsert, utcnow

if TYPE_CHECKING:
    from tradewind.structure import DagStructure


@dataclass(frozen=True, slots=True)
class DatasetRecord(_Record):
    id: int
    uri: str
    extra: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DatasetSummary:
    """A dataset with who consumes it, who produces it, and its latest update (for `datasets list`)."""

    uri: str
    extra: dict[str, Any] | None
    created_at: datetime
    consuming_dags: list[str]
    producing_tasks: list[str]
    last_event: datetime | None
    event_count: int


_EVENT_COLUMNS = (*dataset_event.c, dataset.c.uri)


# --- references, kept in step with the serialized DAGs ----------------------------------------
def _ensure(conn: sa.Connection, uris: Iterable[str], now: datetime) -> dict[str, int]:
    """uri → id, creating missing dataset rows."""
    wanted = list(dict.fromkeys(uris))
    if not wanted:
        return {}
    rows = [{"uri": u, "extra": {}, "created_at": now, "updated_at": now} for u in wanted]
    insert_ignore(conn, dataset, rows, ["uri"])
    ids: dict[str, int] = {}
    for batch in chunked(wanted):
        ids.update(conn.execute(sa.select(dataset.c.uri, dataset.c.id).where(in_list(dataset.c.uri, batch))).all())
    return ids


def sync_references(conn: sa.Connection, structures: Mapping[str, DagStructure]) -> None:
    """Rewrite the schedule and outlet references of these DAGs, in `conn`'s transaction."""
    if not structures:
        return
    now = utcnow()
    schedules = {dag_id: s.schedule_uris for dag_id, s in structures.items()}
    outlets = {
        (dag_id, node.task_id): list(node.outlets) for dag_id, s in structures.items() for node in s.nodes.values()
    }
    ids = _ensure(conn, [u for us in schedules.values() for u in us] + [u for us in outlets.values() for u in us], now)
    for batch in chunked(structures):
        for table in (dag_schedule_dataset_reference, task_outlet_dataset_reference):
            conn.execute(sa.delete(table).where(in_list(table.c.dag_id, batch)))
        # a DAG no longer scheduled on a dataset forgets what was queued for it
        stale = sa.delete(dataset_dag_run_queue).where(in_list(dataset_dag_run_queue.c.target_dag_id, batch))
        keep = [(d, ids[u]) for d in batch for u in schedules[d]]
        if keep:
            key = sa.tuple_(dataset_dag_run_queue.c.target_dag_id, dataset_dag_run_queue.c.dataset_id)
            stale = stale.where(key.not_in(keep))
        conn.execute(stale)
    schedule_rows = [{"dataset_id": ids[u], "dag_id": d} for d, us in schedules.items() for u in dict.fromkeys(us)]
    outlet_rows = [
        {"dataset_id": ids[u], "dag_id": d, "task_id": t} for (d, t), us in outlets.items() for u in dict.fromkeys(us)
    ]
    if schedule_rows:
        conn.execute(sa.insert(dag_schedule_dataset_reference), schedule_rows)
    if outlet_rows:
        conn.execute(sa.insert(task_outlet_dataset_reference), outlet_rows)


def delete_references(conn: sa.Connection, dag_id: str) -> None:
    """Forget a deleted DAG's references and queued triggers (its runs' event links go with the runs)."""
    for table, column in (
        (dag_schedule_dataset_reference, dag_schedule_dataset_reference.c.dag_id),
        (task_outlet_dataset_reference, task_outlet_dataset_reference.c.dag_id),
        (dataset_dag_run_queue, dataset_dag_run_queue.c.target_dag_id),
    ):
        conn.execute(sa.delete(table).where(column == dag_id))


# --- events ---------------------------------------------------------------------------------
def record_events(
    *,
    dag_id: str | None,
    run_id: str | None,
    task_id: str | None,
    map_index: int | None,
    outlets: Mapping[str, dict[str, Any] | None],
    timestamp: datetime | None = None,
) -> list[int]:
    """One event per outlet (uri → event extra) and a queue row per active, unpaused DAG scheduled on it.

    One transaction. A queue row that already exists gets the newer timestamp, so a run created
    from the older state does not swallow this update. Returns the new event ids.
    """
    if not outlets:
        return []
    now = timestamp or utcnow()
    with transaction() as conn:
        ids = _ensure(conn, outlets, now)
        event_ids = [
            conn.execute(
                sa.insert(dataset_event)
                .values(
                    dataset_id=ids[uri],
                    extra=extra or {},
                    source_dag_id=dag_id,
                    source_task_id=task_id,
                    source_run_id=run_id,
                    source_map_index=map_index,
                    timestamp=now,
                )
                .returning(dataset_event.c.id)
            ).scalar_one()
            for uri, extra in outlets.items()
        ]
        ref = dag_schedule_dataset_reference
        targets = conn.execute(
            sa.select(ref.c.dataset_id, ref.c.dag_id)
            .join(dag, dag.c.dag_id == ref.c.dag_id)
            .where(in_list(ref.c.dataset_id, ids.values()), dag.c.is_active.is_(True), dag.c.is_paused.is_(False))
        ).all()
        for ds_id, target in targets:  # one row per consuming DAG: a handful
            upsert(
                conn,
                dataset_dag_run_queue,
                {"dataset_id": ds_id, "target_dag_id": target, "created_at": now},
                ["dataset_id", "target_dag_id"],
                ["created_at"],
            )
    return event_ids


def queued_uris_by_dag() -> dict[str, set[str]]:
    """target dag_id → URIs updated since its last dataset-triggered run (active, unpaused DAGs only)."""
    q = dataset_dag_run_queue
    query = (
        sa.select(q.c.target_dag_id, dataset.c.uri)
        .join(dataset, dataset.c.id == q.c.dataset_id)
        .join(dag, dag.c.dag_id == q.c.target_dag_id)
        .where(dag.c.is_active.is_(True), dag.c.is_paused.is_(False))
    )
    out: dict[str, set[str]] = {}
    with session() as conn:
        for dag_id, uri in conn.execute(query):
            out.setdefault(dag_id, set()).add(uri)
    return out


def events_between(
    uris: Iterable[str], *, since: datetime | None, until: datetime
) -> list[tuple[DatasetEventRecord, datetime | None, datetime | None]]:
    """Events of `uris` in `(since, until]`, oldest first, each with its source run's data interval."""
    uris = list(uris)
    if not uris:
        return []
    src = dag_run.alias("src")
    query = (
        sa.select(
            *_EVENT_COLUMNS, src.c.data_interval_start.label("src_start"), src.c.data_interval_end.label("src_end")
        )
        .join(dataset, dataset.c.id == dataset_event.c.dataset_id)
        .outerjoin(
            src, sa.and_(src.c.dag_id == dataset_event.c.source_dag_id, src.c.run_id == dataset_event.c.source_run_id)
        )
        .where(in_list(dataset.c.uri, uris), dataset_event.c.timestamp <= until)
        .order_by(dataset_event.c.timestamp, dataset_event.c.id)
    )
    if since is not None:
        query = query.where(dataset_event.c.timestamp > since)
    with session() as conn:
        return [(DatasetEventRecord.from_row(r), r.src_start, r.src_end) for r in conn.execute(query)]


def consume_queue(
    *, dag_run_id: int, dag_id: str, event_ids: Iterable[int], uris: Iterable[str], until: datetime
) -> None:
    """Link the new run to its triggering events and clear the DAG's queue of `uris` up to `until` (one transaction)."""
    rows = [{"dag_run_id": dag_run_id, "event_id": e} for e in dict.fromkeys(event_ids)]
    with transaction() as conn:
        delete_run_links(conn, [dag_run_id])  # a deleted run's id may be reused (SQLite): drop stale links
        if rows:
            insert_ignore(conn, dagrun_dataset_event, rows, ["dag_run_id", "event_id"])
        ds_ids = sa.select(dataset.c.id).where(in_list(dataset.c.uri, list(uris))).scalar_subquery()
        conn.execute(
            sa.delete(dataset_dag_run_queue).where(
                dataset_dag_run_queue.c.target_dag_id == dag_id,
                dataset_dag_run_queue.c.dataset_id.in_(ds_ids),
                dataset_dag_run_queue.c.created_at <= until,
            )
        )


def triggering_events(dag_run_id: int) -> dict[str, list[DatasetEventRecord]]:
    """uri → the events that triggered this run, oldest first (Airflow's `triggering_dataset_events`)."""
    query = (
        sa.select(*_EVENT_COLUMNS)
        .join(dataset, dataset.c.id == dataset_event.c.dataset_id)
        .join(dagrun_dataset_event, dagrun_dataset_event.c.event_id == dataset_event.c.id)
        .where(dagrun_dataset_event.c.dag_run_id == dag_run_id)
        .order_by(dataset_event.c.timestamp, dataset_event.c.id)
    )
    out: dict[str, list[DatasetEventRecord]] = {}
    with session() as conn:
        for row in conn.execute(query):
            event = DatasetEventRecord.from_row(row)
            out.setdefault(event.uri, []).append(event)
    return out


def delete_run_links(conn: sa.Connection, dag_run_ids: Iterable[int]) -> None:
    """Drop the event links of deleted runs (the events themselves stay: they are history)."""
    for batch in chunked(dag_run_ids):
        conn.execute(sa.delete(dagrun_dataset_event).where(in_list(dagrun_dataset_event.c.dag_run_id, batch)))


# --- listings -------------------------------------------------------------------------------
def get_dataset(uri: str) -> DatasetRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(dataset).where(dataset.c.uri == uri)).first()
    return DatasetRecord.from_row(row) if row is not None else None


def list_events(uri: str | None = None, *, limit: int | None = None) -> list[DatasetEventRecord]:
    """Events, newest first; only those of `uri` if given."""
    query = sa.select(*_EVENT_COLUMNS).join(dataset, dataset.c.id == dataset_event.c.dataset_id)
    if uri is not None:
        query = query.where(dataset.c.uri == uri)
    query = query.order_by(dataset_event.c.timestamp.desc(), dataset_event.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with session() as conn:
        return [DatasetEventRecord.from_row(r) for r in conn.execute(query)]


def list_datasets() -> list[DatasetSummary]:
    """Every dataset with its consumers, producers and latest event: four queries, whatever the count."""
    sched, outl = dag_schedule_dataset_reference, task_outlet_dataset_reference
    with session() as conn:
        rows = conn.execute(sa.select(dataset).order_by(dataset.c.uri)).all()
        consumers: dict[int, list[str]] = {}
        for ds_id, dag_id in conn.execute(sa.select(sched.c.dataset_id, sched.c.dag_id).order_by(sched.c.dag_id)):
            consumers.setdefault(ds_id, []).append(dag_id)
        producers: dict[int, list[str]] = {}
        for ds_id, dag_id, task_id in conn.execute(
            sa.select(outl.c.dataset_id, outl.c.dag_id, outl.c.task_id).order_by(outl.c.dag_id, outl.c.task_id)
        ):
            producers.setdefault(ds_id, []).append(f"{dag_id}.{task_id}")
        stats = {
            ds_id: (last, count)
            for ds_id, last, count in conn.execute(
                sa.select(dataset_event.c.dataset_id, sa.func.max(dataset_event.c.timestamp), sa.func.count()).group_by(
                    dataset_event.c.dataset_id
                )
            )
        }
    return [
        DatasetSummary(
            uri=r.uri,
            extra=r.extra,
            created_at=r.created_at,
            consuming_dags=consumers.get(r.id, []),
            producing_tasks=producers.get(r.id, []),
            last_event=stats[r.id][0] if r.id in stats else None,  # max() keeps the column's UTC type
            event_count=stats[r.id][1] if r.id in stats else 0,
        )
        for r in rows
    ]
