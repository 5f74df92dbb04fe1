"""What `DbApiHook.run` does with a cursor after each statement (Airflow's `common.sql.hooks.handlers`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def return_single_query_results(sql: str | Iterable[str], return_last: bool, split_statements: bool | None) -> bool:
    """Whether `run` returns one statement's result rather than a list of them: a string that is not split into
    several results (`return_last`, or not split at all)."""
    return isinstance(sql, str) and (return_last or not split_statements)


def fetch_all_handler(cursor: Any) -> list[tuple[Any, ...]] | None:
    """Every row of a statement that returns rows; None for one that does not (INSERT, CREATE...)."""
    if cursor.description is not None:
        return list(cursor.fetchall())
    return None


def fetch_one_handler(cursor: Any) -> tuple[Any, ...] | None:
    """The first row (None when there is none, or the statement returns no rows)."""
    if cursor.description is not None:
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row
    return None
