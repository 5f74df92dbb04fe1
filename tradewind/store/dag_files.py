"""What the DAG file processor knows of each file (`dag_file`), and its batch write.

A batch of parse results — DAGs, import errors, file states, deleted files — is written in ONE
transaction, so the scheduler never sees a file's DAGs without its errors, or the other way round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from tradewind.store.dags import SyncItem, upsert_dags
from tradewind.store.engine import session, transaction
from tradewind.store.import_errors import ErrorTuple, replace_import_errors_in
from tradewind.store.models import dag, dag_file, import_error
from tradewind.store.sql import chunked, in_list, utcnow


class FileState(NamedTuple):
    """The file as last parsed: change detection compares a fresh stat() with this."""

    mtime: float | None
    size: int | None
    due: bool  # last parsed before the `due_before` given to file_states


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One parsed file, to be recorded."""

    fileloc: str
    mtime: float
    size: int
    content_hash: str | None
    dag_ids: list[str]
    parse_duration: float
    source_code: str | None


def fileloc_hash(fileloc: str) -> str:
    return hashlib.sha256(fileloc.encode()).hexdigest()


def file_states(due_before: datetime) -> dict[str, FileState]:
    """Every known file, in one query returning plain tuples (the processor's cheap "what changed?").

    A file known only by its stored import error (the CLI records errors, not file states) comes
    with no mtime: the processor parses it if it is still there and forgets its error if not.
    """
    due = sa.or_(dag_file.c.last_parsed.is_(None), dag_file.c.last_parsed <= due_before)
    errors_only = (
        sa.select(
            import_error.c.filename,
            sa.cast(sa.null(), dag_file.c.mtime.type),
            sa.cast(sa.null(), dag_file.c.size.type),
            sa.true(),
        )
        .where(~sa.exists().where(dag_file.c.fileloc == import_error.c.filename))
        .distinct()
    )
    q = sa.union_all(sa.select(dag_file.c.fileloc, dag_file.c.mtime, dag_file.c.size, due), errors_only)
    with session() as conn:
        return {fileloc: FileState(mtime, size, bool(is_due)) for fileloc, mtime, size, is_due in conn.execute(q)}


def active_dag_files() -> dict[str, str]:
    """dag_id → fileloc of every active DAG (to refuse a dag_id already defined in another file)."""
    with session() as conn:
        q = sa.select(dag.c.dag_id, dag.c.fileloc).where(dag.c.is_active.is_(True))
        return {r.dag_id: r.fileloc for r in conn.execute(q)}


def record_parse(
    parsed: list[ParsedFile],
    dags: list[SyncItem],
    errors: list[ErrorTuple],
    removed: Iterable[str] = (),
    *,
    paused_at_creation: bool,
) -> set[str]:
    """Write one batch in one transaction; returns the dag_ids that are new, changed or deactivated.

    DAGs that used to come from a parsed or removed file and no longer do are deactivated; a
    removed file loses its import errors and its `dag_file` row.
    """
    removed = set(removed)
    touched = {p.fileloc for p in parsed} | removed
    if not touched and not dags:
        return set()
    with transaction() as conn:
        changed = {d for d, c in upsert_dags(conn, dags, paused_at_creation=paused_at_creation).items() if c}
        keep = {row["dag_id"] for row, _, _ in dags}
        changed |= _deactivate_missing(conn, touched, keep)
        replace_import_errors_in(conn, touched, errors)
        _upsert_files(conn, parsed)
        for batch in chunked(removed):
            conn.execute(sa.delete(dag_file).where(in_list(dag_file.c.fileloc, batch)))
    return changed


def _deactivate_missing(conn: sa.Connection, filelocs: set[str], keep: set[str]) -> set[str]:
    stale: set[str] = set()
    for batch in chunked(filelocs):
        q = sa.select(dag.c.dag_id).where(in_list(dag.c.fileloc, batch), dag.c.is_active.is_(True))
        stale.update(d for d in conn.execute(q).scalars() if d not in keep)
    for ids in chunked(stale):
        conn.execute(sa.update(dag).where(in_list(dag.c.dag_id, ids)).values(is_active=False))
    return stale


def _upsert_files(conn: sa.Connection, parsed: list[ParsedFile]) -> None:
    if not parsed:
        return
    now = utcnow()
    rows = {
        p.fileloc: {
            "fileloc": p.fileloc,
            "fileloc_hash": fileloc_hash(p.fileloc),
            "mtime": p.mtime,
            "size": p.size,
            "content_hash": p.content_hash,
            "dag_ids": p.dag_ids,
            "last_parsed": now,
            "parse_duration": p.parse_duration,
            "source_code": p.source_code,
        }
        for p in parsed
    }
    existing: set[str] = set()
    for batch in chunked(r["fileloc_hash"] for r in rows.values()):
        q = sa.select(dag_file.c.fileloc_hash).where(in_list(dag_file.c.fileloc_hash, batch))
        existing.update(conn.execute(q).scalars())
    new = [r for r in rows.values() if r["fileloc_hash"] not in existing]
    old = [r for r in rows.values() if r["fileloc_hash"] in existing]
    if new:
        conn.execute(sa.insert(dag_file), new)
    if old:
        columns = [c for c in old[0] if c != "fileloc_hash"]
        stmt = (
            sa.update(dag_file)
            .where(dag_file.c.fileloc_hash == sa.bindparam("k_hash"))
            .values({c: sa.bindparam(f"v_{c}", type_=dag_file.c[c].type) for c in columns})
        )
        conn.execute(stmt, [_bind(r, columns) for r in old])


def _bind(row: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    out = {f"v_{c}": row[c] for c in columns}
    out["k_hash"] = row["fileloc_hash"]
    return out
