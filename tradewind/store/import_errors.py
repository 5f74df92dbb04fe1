"""Import errors of DAG files: replaced per file at every parse, so a fixed file clears its error."""

from __future__ import annotations

import os
from collections.abc import Iterable

import sqlalchemy as sa

from tradewind.store.engine import session, transaction
from tradewind.store.models import dag, import_error
from tradewind.store.records import ImportErrorRecord
from tradewind.store.sql import chunked, in_list, utcnow

ErrorTuple = tuple[str, "int | None", str, str]  # (filename, lineno, message, stacktrace)


def replace_import_errors(filenames: Iterable[str], errors: list[ErrorTuple], *, roots: Iterable[str] = ()) -> None:
    """Clear the errors of every file parsed (`filenames`) and record the new ones, in one transaction.

    `roots` are folders (or files) whose whole listing was parsed: an error stored for any other
    file under them is forgotten too, as that file was deleted, ignored or no longer holds DAGs.
    DAGs already known from those files get `has_import_errors` set accordingly (the UI flags them).
    """
    roots = list(roots)
    with transaction() as conn:
        files = set(filenames)
        if roots:
            stored = conn.execute(sa.select(import_error.c.filename).distinct()).scalars()
            files.update(f for f in stored if is_under(f, roots))
        replace_import_errors_in(conn, files, errors)


def is_under(fileloc: str, roots: Iterable[str]) -> bool:
    """`fileloc` is one of `roots` or inside one of them."""
    return any(fileloc == root or fileloc.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def replace_import_errors_in(conn: sa.Connection, filenames: Iterable[str], errors: list[ErrorTuple]) -> None:
    """`replace_import_errors` inside the caller's transaction (the DAG processor writes a batch in one)."""
    failed = {e[0] for e in errors}
    files = set(filenames) | failed
    now = utcnow()
    for batch in chunked(files):
        conn.execute(sa.delete(import_error).where(in_list(import_error.c.filename, batch)))
        bad = failed.intersection(batch)
        flag = sa.case((in_list(dag.c.fileloc, bad), sa.true()), else_=sa.false()) if bad else False
        conn.execute(sa.update(dag).where(in_list(dag.c.fileloc, batch)).values(has_import_errors=flag))
    if errors:
        conn.execute(
            sa.insert(import_error),
            [
                {"filename": f, "lineno": line, "message": msg, "stacktrace": trace, "timestamp": now}
                for f, line, msg, trace in errors
            ],
        )


def list_import_errors() -> list[ImportErrorRecord]:
    query = sa.select(import_error).order_by(import_error.c.filename, import_error.c.id)
    with session() as conn:
        return [ImportErrorRecord.from_row(r) for r in conn.execute(query)]


def get_import_error(error_id: int) -> ImportErrorRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(import_error).where(import_error.c.id == error_id)).first()
    return ImportErrorRecord.from_row(row) if row is not None else None
