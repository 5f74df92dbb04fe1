"""DAG rows and their serialized form: sync after parsing, pause/unpause, deactivate, delete."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tradewind.exceptions import DagNotFound
from tradewind.store.engine import session, transaction
from tradewind.store.models import dag, dag_run, serialized_dag, task_instance, task_reschedule, task_try, xcom
from tradewind.store.records import DagRecord
from tradewind.store.sql import chunked, in_list, utcnow

if TYPE_CHECKING:
    from tradewind.structure import DagStructure

#: Columns a parser may set; is_paused belongs to the user once the row exists.
_SYNCED = frozenset(c.name for c in dag.c) - {"dag_id", "is_paused", "is_active", "last_parsed_time"}

SyncItem = tuple[dict[str, Any], dict[str, Any], str]  # (dag row, serialized DAG, hash)


def sync_dag(dag_row: dict[str, Any], serialized: dict[str, Any], dag_hash: str, *, paused_at_creation: bool) -> bool:
    """Upsert one DAG; True when it is new or its serialized form changed."""
    return sync_dags([(dag_row, serialized, dag_hash)], paused_at_creation=paused_at_creation)[0]


def sync_dags(items: list[SyncItem], *, paused_at_creation: bool) -> list[bool]:
    """Upsert many DAGs in ONE transaction (a handful of statements, whatever the count).

    Existing rows keep `is_paused`; new rows start paused per the DAG's own
    `is_paused_upon_creation` (in the serialized form) or else `paused_at_creation`.
    Serialized data is rewritten only when the hash changed. Returns, per item, whether it changed.
    """
    if not items:
        return []
    with transaction() as conn:
        changed = upsert_dags(conn, items, paused_at_creation=paused_at_creation)
    return [changed[row["dag_id"]] for row, _, _ in items]


def upsert_dags(conn: sa.Connection, items: list[SyncItem], *, paused_at_creation: bool) -> dict[str, bool]:
    """`sync_dags` inside the caller's transaction (the DAG processor writes a batch in one); dag_id → changed.

    First in that transaction, on PostgreSQL, it waits for its turn (`locks.serialize_parsing`): two
    schedulers parsing the same files would otherwise both insert a new DAG's rows.
    """
    from tradewind.store.locks import serialize_parsing

    serialize_parsing(conn)
    now = utcnow()
    latest = {row["dag_id"]: (row, data, h) for row, data, h in items}  # a repeated dag_id: last wins
    existing: set[str] = set()
    hashes: dict[str, str] = {}
    for ids in chunked(latest):
        existing.update(conn.execute(sa.select(dag.c.dag_id).where(in_list(dag.c.dag_id, ids))).scalars())
        q = sa.select(serialized_dag.c.dag_id, serialized_dag.c.dag_hash).where(in_list(serialized_dag.c.dag_id, ids))
        hashes.update({r.dag_id: r.dag_hash for r in conn.execute(q)})
    new_rows: list[dict[str, Any]] = []
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    new_ser: list[dict[str, Any]] = []
    changed_ser: list[dict[str, Any]] = []
    changed: dict[str, bool] = {}
    for dag_id, (row, data, h) in latest.items():
        values = {k: v for k, v in row.items() if k in _SYNCED}
        values.update(dag_id=dag_id, is_active=True, last_parsed_time=now)
        if dag_id in existing:
            updates.setdefault(tuple(sorted(values)), []).append(values)
        else:
            own = data.get("is_paused_upon_creation") if isinstance(data, dict) else None
            values["is_paused"] = paused_at_creation if own is None else bool(own)
            new_rows.append(values)
        ser = {"dag_id": dag_id, "fileloc": row.get("fileloc"), "data": data, "dag_hash": h, "last_updated": now}
        if dag_id not in hashes:
            new_ser.append(ser)
        elif hashes[dag_id] != h:
            changed_ser.append(ser)
        changed[dag_id] = dag_id not in existing or hashes.get(dag_id) != h
    _insert_by_keys(conn, dag, new_rows)
    for columns, rows in updates.items():
        conn.execute(_update_by_key(dag, "dag_id", columns), [_bind(r) for r in rows])
    _insert_by_keys(conn, serialized_dag, new_ser)
    if changed_ser:
        stmt = _update_by_key(serialized_dag, "dag_id", ("dag_id", "fileloc", "data", "dag_hash", "last_updated"))
        conn.execute(stmt, [_bind(r) for r in changed_ser])
    from tradewind.store.datasets import sync_references  # which DAGs wait for / produce which datasets
    from tradewind.structure import DagStructure

    sync_references(conn, {r["dag_id"]: DagStructure.from_serialized(r["data"]) for r in new_ser + changed_ser})
    return changed


def _insert_by_keys(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """executemany needs the same keys in every row: one INSERT per distinct key set."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(tuple(sorted(r)), []).append(r)
    for group in groups.values():
        conn.execute(sa.insert(table), group)


def _update_by_key(table: sa.Table, key: str, columns: Iterable[str]) -> sa.Update:
    """UPDATE table SET col = :v_col … WHERE key = :k_key, for executemany."""
    sets = {c: sa.bindparam(f"v_{c}", type_=table.c[c].type) for c in columns if c != key}
    return sa.update(table).where(table.c[key] == sa.bindparam(f"k_{key}", type_=table.c[key].type)).values(sets)


def _bind(values: dict[str, Any]) -> dict[str, Any]:
    out = {f"v_{k}": v for k, v in values.items() if k != "dag_id"}
    out["k_dag_id"] = values["dag_id"]
    return out


def get_dag(dag_id: str) -> DagRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(dag).where(dag.c.dag_id == dag_id)).first()
    return DagRecord.from_row(row) if row is not None else None


def list_dags(active_only: bool = True) -> list[DagRecord]:
    query = sa.select(dag).order_by(dag.c.dag_id)
    if active_only:
        query = query.where(dag.c.is_active.is_(True))
    with session() as conn:
        return [DagRecord.from_row(r) for r in conn.execute(query)]


def get_serialized(dag_id: str) -> dict[str, Any] | None:
    """The stored JSON as it is (for hashing and export); to read it, use `get_structure`."""
    with session() as conn:
        return conn.execute(sa.select(serialized_dag.c.data).where(serialized_dag.c.dag_id == dag_id)).scalar()


def get_structure(dag_id: str) -> DagStructure | None:
    """The stored DAG as typed values (see structure.py), or None if it was never parsed."""
    from tradewind.structure import DagStructure

    data = get_serialized(dag_id)
    return DagStructure.from_serialized(data) if data is not None else None


def set_paused(dag_id: str, paused: bool) -> DagRecord:
    with transaction() as conn:
        row = conn.execute(
            sa.update(dag).where(dag.c.dag_id == dag_id).values(is_paused=paused).returning(*dag.c)
        ).first()
    if row is None:
        raise DagNotFound(f"DAG '{dag_id}' is not in the database (has its file been parsed?)")
    return DagRecord.from_row(row)


def set_next_dagrun(
    dag_id: str,
    *,
    next_dagrun: datetime | None,
    data_interval: tuple[datetime, datetime] | None,
    create_after: datetime | None,
) -> bool:
    """Record when the scheduler should create this DAG's next run (None: no more runs)."""
    start, end = data_interval if data_interval is not None else (None, None)
    with transaction() as conn:
        result = conn.execute(
            sa.update(dag)
            .where(dag.c.dag_id == dag_id)
            .values(
                next_dagrun=next_dagrun,
                next_dagrun_data_interval_start=start,
                next_dagrun_data_interval_end=end,
                next_dagrun_create_after=create_after,
            )
        )
    return result.rowcount > 0


def delete_dag(dag_id: str) -> int:
    """Remove a DAG and everything it ran (runs, task instances, tries, XComs); returns rows deleted."""
    deleted = 0
    with transaction() as conn:
        found = conn.execute(sa.select(dag.c.dag_id).where(dag.c.dag_id == dag_id)).first() is not None
        from tradewind.store.datasets import delete_references, delete_run_links

        delete_run_links(conn, conn.execute(sa.select(dag_run.c.id).where(dag_run.c.dag_id == dag_id)).scalars().all())
        delete_references(conn, dag_id)
        for table in (xcom, task_reschedule, task_try, task_instance, dag_run, serialized_dag, dag):
            deleted += conn.execute(sa.delete(table).where(table.c.dag_id == dag_id)).rowcount
    if not found and deleted == 0:
        raise DagNotFound(f"DAG '{dag_id}' is not in the database")
    return deleted


def serialized_hashes() -> dict[str, str]:
    """dag_id → dag_hash of every serialized DAG: the scheduler's cheap "did anything change?"."""
    with session() as conn:
        return dict(conn.execute(sa.select(serialized_dag.c.dag_id, serialized_dag.c.dag_hash)).all())
