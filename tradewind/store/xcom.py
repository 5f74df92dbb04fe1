"""XCom: small values tasks hand to each other, stored as tagged JSON (see `tradewind.utils.serde`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import xcom
from tradewind.store.records import XComRecord
from tradewind.store.sql import chunked, in_list, upsert, utcnow
from tradewind.utils import serde

RETURN_VALUE = "return_value"
XCOM_KEY = ("dag_id", "run_id", "task_id", "map_index", "key")


def push(dag_id: str, run_id: str, task_id: str, map_index: int, key: str, value: Any) -> None:
    """Store (or replace) one value; TypeError, naming the type, if it cannot be serialized."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"XCom key must be a non-empty string, got {key!r}")
    text = serde.dumps(value)  # fails before touching the database
    values = {
        "dag_id": dag_id,
        "run_id": run_id,
        "task_id": task_id,
        "map_index": map_index,
        "key": key,
        "value": text,
        "timestamp": utcnow(),
    }
    with transaction() as conn:
        upsert(conn, xcom, values, XCOM_KEY, ("value", "timestamp"))


def pull(
    dag_id: str,
    run_id: str,
    task_ids: Iterable[str],
    key: str = RETURN_VALUE,
    map_indexes: Iterable[int] | None = None,
) -> dict[tuple[str, int], Any]:
    """Values of `key` pushed by these tasks in this run, as {(task_id, map_index): value}. One query."""
    ids = list(task_ids)
    if not ids:
        return {}
    query = sa.select(xcom.c.task_id, xcom.c.map_index, xcom.c.value).where(
        xcom.c.dag_id == dag_id, xcom.c.run_id == run_id, xcom.c.key == key, in_list(xcom.c.task_id, ids)
    )
    if map_indexes is not None:
        query = query.where(in_list(xcom.c.map_index, map_indexes))
    with session() as conn:
        rows = conn.execute(query).all()
    return {(r.task_id, r.map_index): serde.loads(r.value) for r in rows}


def list_xcoms(dag_id: str, run_id: str, task_id: str | None = None) -> list[XComRecord]:
    query = sa.select(xcom).where(xcom.c.dag_id == dag_id, xcom.c.run_id == run_id)
    if task_id is not None:
        query = query.where(xcom.c.task_id == task_id)
    query = query.order_by(xcom.c.task_id, xcom.c.map_index, xcom.c.key)
    with session() as conn:
        rows = conn.execute(query).all()
    return [XComRecord.from_row({**r._mapping, "value": serde.loads(r.value)}) for r in rows]


def clear(dag_id: str, run_id: str, task_ids: Iterable[str] | None = None) -> int:
    """Delete the XComs of these tasks in this run (all tasks if None); returns how many."""
    base = sa.delete(xcom).where(xcom.c.dag_id == dag_id, xcom.c.run_id == run_id)
    with transaction() as conn:
        if task_ids is None:
            return conn.execute(base).rowcount
        return sum(conn.execute(base.where(in_list(xcom.c.task_id, ids))).rowcount for ids in chunked(task_ids))
