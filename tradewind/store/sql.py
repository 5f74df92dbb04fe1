"""Small SQL helpers the repository modules share: dialect-specific upserts, chunking, the clock."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

T = TypeVar("T")

#: Bound parameters per IN (...) list: far below SQLite's and PostgreSQL's limits.
CHUNK = 500


def state_str(value: Any) -> str:
    """A state as the plain string stored in the database (StrEnum members included)."""
    return value.value if isinstance(value, Enum) else str(value)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _dialect_insert(conn: Connection, table: sa.Table) -> Any:
    return dialect_insert_for(conn.dialect.name, table)


def dialect_insert_for(name: str, table: sa.Table) -> Any:
    """The INSERT construct of dialect `name` (SQLite or PostgreSQL): it has `on_conflict_do_nothing`."""
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise NotImplementedError(f"unsupported database dialect {name!r}")  # pragma: no cover - only these two


def insert_ignore(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """INSERT rows, skipping those whose `keys` (a unique constraint) already exist: one executemany."""
    if rows:
        conn.execute(_insert_ignore_statement(conn.dialect.name, table, tuple(keys)), list(rows))


@functools.cache
def _insert_ignore_statement(dialect: str, table: sa.Table, keys: tuple[str, ...]) -> Any:
    """Built once per table: statement construction costs more than running it (hot on every finished try)."""
    return dialect_insert_for(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


def prepared(build: Any) -> Any:
    """Decorate a zero-argument function that builds a statement with `bindparam`s: built once, reused.

    Building a SQLAlchemy statement (coercing every clause) costs several times what executing
    its cached compiled form does; the statements on each task's path are built once per process.
    """
    return functools.cache(build)


def constant(value: str | int) -> sa.ColumnElement[Any]:
    """One of our own constants (a state, a number) written into a prepared statement's SQL, not bound.

    Each bound parameter is processed again on every execution (~10K instructions: its type's
    processor, the parameter dict); a constant in the SQL text costs nothing after compiling.
    Only names and numbers: never a value that came from a user.
    """
    if isinstance(value, int):
        return sa.literal_column(str(int(value)), sa.Integer)
    if not value.replace("_", "").isalnum():
        raise ValueError(f"not a constant to write into SQL: {value!r}")
    return sa.literal_column(f"'{value}'", sa.String)


def param(column: sa.Column[Any], prefix: str = "p_") -> sa.BindParameter[Any]:
    """A bound parameter named after `column` (with `prefix`), typed like it."""
    return sa.bindparam(f"{prefix}{column.name}", type_=column.type)


def upsert(
    conn: Connection, table: sa.Table, values: dict[str, Any], keys: Sequence[str], update: Sequence[str]
) -> sa.Row[Any] | None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET update-columns; returns the resulting row."""
    stmt = _dialect_insert(conn, table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={col: stmt.excluded[col] for col in update}
    ).returning(*table.c)
    return conn.execute(stmt).first()


def in_list(column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
    """`column IN (…)`, accepting any iterable (sets, frozensets, generators)."""
    return column.in_(list(values))
