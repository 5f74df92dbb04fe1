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
    dag_schedule_dataset_alias_reference,
    dag_schedule_dataset_reference,
    dagrun_dataset_event,
    dataset,
    dataset_alias,
    dataset_alias_dataset,
    dataset_alias_dataset_event,
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


def _ensure_aliases(conn: sa.Connection, names: Iterable[str]) -> dict[str, int]:
    """alias name → id, creating missing alias rows."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    insert_ignore(conn, dataset_alias, [{"name": n} for n in wanted], ["name"])
    ids: dict[str, int] = {}
    for batch in chunked(wanted):
        query = sa.select(dataset_alias.c.name, dataset_alias.c.id).where(in_list(dataset_alias.c.name, batch))
        ids.update(conn.execute(query).all())
    return ids


def sync_references(conn: sa.Connection, structures: Mapping[str, DagStructure]) -> None:
    """Rewrite the schedule (dataset and alias) and outlet references of these DAGs, in `conn`'s transaction."""
    if not structures:
        return
    now = utcnow()
    schedules = {dag_id: s.schedule_uris for dag_id, s in structures.items()}
    aliases = {dag_id: s.schedule_aliases for dag_id, s in structures.items()}
    outlets = {
        (dag_id, node.task_id): list(node.outlets) for dag_id, s in structures.items() for node in s.nodes.values()
    }
    ids = _ensure(conn, [u for us in schedules.values() for u in us] + [u for us in outlets.values() for u in us], now)
    alias_ids = _ensure_aliases(conn, [n for ns in aliases.values() for n in ns])
    resolved = _resolved_ids(conn, alias_ids.values())
    for batch in chunked(structures):
        for table in (
            dag_schedule_dataset_reference,
            task_outlet_dataset_reference,
            dag_schedule_dataset_alias_reference,
        ):
            conn.execute(sa.delete(table).where(in_list(table.c.dag_id, batch)))
        # a DAG no longer scheduled on a dataset (itself or through an alias) forgets what was queued for it
        stale = sa.delete(dataset_dag_run_queue).where(in_list(dataset_dag_run_queue.c.target_dag_id, batch))
        keep = [(d, ids[u]) for d in batch for u in schedules[d]]
        keep += [(d, ds_id) for d in batch for n in aliases[d] for ds_id in resolved.get(alias_ids[n], ())]
        if keep:
            key = sa.tuple_(dataset_dag_run_queue.c.target_dag_id, dataset_dag_run_queue.c.dataset_id)
            stale = stale.where(key.not_in(keep))
        conn.execute(stale)
    schedule_rows = [{"dataset_id": ids[u], "dag_id": d} for d, us in schedules.items() for u in dict.fromkeys(us)]
    alias_rows = [{"alias_id": alias_ids[n], "dag_id": d} for d, ns in aliases.items() for n in ns]
    outlet_rows = [
        {"dataset_id": ids[u], "dag_id": d, "task_id": t} for (d, t), us in outlets.items() for u in dict.fromkeys(us)
    ]
    if schedule_rows:
        conn.execute(sa.insert(dag_schedule_dataset_reference), schedule_rows)
    if alias_rows:
        conn.execute(sa.insert(dag_schedule_dataset_alias_reference), alias_rows)
    if outlet_rows:
        conn.execute(sa.insert(task_outlet_dataset_reference), outlet_rows)


def _resolved_ids(conn: sa.Connection, alias_ids: Iterable[int]) -> dict[int, list[int]]:
    """alias id → ids of the datasets it resolved to."""
    out: dict[int, list[int]] = {}
    link = dataset_alias_dataset
    for batch in chunked(list(alias_ids)):
        for alias_id, ds_id in conn.execute(
            sa.select(link.c.alias_id, link.c.dataset_id).where(in_list(link.c.alias_id, batch))
        ):
            out.setdefault(alias_id, []).append(ds_id)
    return out


def resolve_aliases(names: Iterable[str]) -> dict[str, list[str]]:
    """alias name → URIs of the datasets tasks added through it so far (Airflow's resolved alias), sorted."""
    names = list(dict.fromkeys(names))
    out: dict[str, list[str]] = {n: [] for n in names}
    if not names:
        return out
    query = (
        sa.select(dataset_alias.c.name, dataset.c.uri)
        .join(dataset_alias_dataset, dataset_alias_dataset.c.alias_id == dataset_alias.c.id)
        .join(dataset, dataset.c.id == dataset_alias_dataset.c.dataset_id)
        .where(in_list(dataset_alias.c.name, names))
        .order_by(dataset.c.uri)
    )
    with session() as conn:
        for name, uri in conn.execute(query):
            out[name].append(uri)
    return out


def delete_references(conn: sa.Connection, dag_id: str) -> None:
    """Forget a deleted DAG's references and queued triggers (its runs' event links go with the runs)."""
    for table, column in (
        (dag_schedule_dataset_reference, dag_schedule_dataset_reference.c.dag_id),
        (dag_schedule_dataset_alias_reference, dag_schedule_dataset_alias_reference.c.dag_id),
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
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> list[int]:
    """One event per outlet (uri → event extra) and a queue row per active, unpaused DAG scheduled on it.

    `aliases` (uri → alias names) says which outlets a task added through a DatasetAlias: the alias is
    linked to the dataset (it now resolves to it) and to the event, and DAGs scheduled on an alias that
    resolves to a dataset are queued like those scheduled on the dataset itself (as Airflow 2.10 does
    once it re-parsed them). One transaction. A queue row that already exists gets the newer timestamp, so a run created
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
        _link_aliases(conn, aliases or {}, ids, dict(zip(outlets, event_ids, strict=True)))
        ref, aref, link = dag_schedule_dataset_reference, dag_schedule_dataset_alias_reference, dataset_alias_dataset
        live = (dag.c.is_active.is_(True), dag.c.is_paused.is_(False))
        direct = (
            sa.select(ref.c.dataset_id, ref.c.dag_id)
            .join(dag, dag.c.dag_id == ref.c.dag_id)
            .where(in_list(ref.c.dataset_id, ids.values()), *live)
        )
        through_alias = (
            sa.select(link.c.dataset_id, aref.c.dag_id)
            .join(aref, aref.c.alias_id == link.c.alias_id)
            .join(dag, dag.c.dag_id == aref.c.dag_id)
            .where(in_list(link.c.dataset_id, ids.values()), *live)
        )
        targets = conn.execute(sa.union(direct, through_alias)).all()
        for ds_id, target in targets:  # one row per consuming DAG: a handful
            upsert(
                conn,
                dataset_dag_run_queue,
                {"dataset_id": ds_id, "target_dag_id": target, "created_at": now},
                ["dataset_id", "target_dag_id"],
                ["created_at"],
            )
    return event_ids


def _link_aliases(
    conn: sa.Connection,
    aliases: Mapping[str, Iterable[str]],
    dataset_ids: Mapping[str, int],
    event_ids: Mapping[str, int],
) -> None:
    """Record that each alias resolves to the datasets added through it, and which events it emitted."""
    alias_ids = _ensure_aliases(conn, [n for names in aliases.values() for n in names])
    resolved, emitted = [], []
    for uri, names in aliases.items():
        for name in dict.fromkeys(names):
            resolved.append({"alias_id": alias_ids[name], "dataset_id": dataset_ids[uri]})
            emitted.append({"alias_id": alias_ids[name], "event_id": event_ids[uri]})
    if resolved:
        insert_ignore(conn, dataset_alias_dataset, resolved, ["alias_id", "dataset_id"])
        insert_ignore(conn, dataset_alias_dataset_event, emitted, ["alias_id", "event_id"])


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


def list_alias_events(name: str) -> list[DatasetEventRecord]:
    """Events emitted through the alias `name`, newest first (as `list_events`)."""
    link = dataset_alias_dataset_event
    query = (
        sa.select(*_EVENT_COLUMNS)
        .join(dataset, dataset.c.id == dataset_event.c.dataset_id)
        .join(link, link.c.event_id == dataset_event.c.id)
        .join(dataset_alias, dataset_alias.c.id == link.c.alias_id)
        .where(dataset_alias.c.name == name)
        .order_by(dataset_event.c.timestamp.desc(), dataset_event.c.id.desc())
    )
    with session() as conn:
        return [DatasetEventRecord.from_row(r) for r in conn.execute(query)]


def list_datasets() -> list[DatasetSummary]:
    """Every dataset with its consumers (on it or on an alias resolved to it), producers and latest event.

    Four queries, whatever the count.
    """
    sched, outl = dag_schedule_dataset_reference, task_outlet_dataset_reference
    aref, link = dag_schedule_dataset_alias_reference, dataset_alias_dataset
    on_dataset = sa.select(sched.c.dataset_id, sched.c.dag_id)
    on_alias = sa.select(link.c.dataset_id, aref.c.dag_id).join(aref, aref.c.alias_id == link.c.alias_id)
    consumers_query = sa.union(on_dataset, on_alias).subquery()
    with session() as conn:
        rows = conn.execute(sa.select(dataset).order_by(dataset.c.uri)).all()
        consumers: dict[int, list[str]] = {}
        for ds_id, dag_id in conn.execute(sa.select(consumers_query).order_by(consumers_query.c.dag_id)):
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
