"""`limit`/`offset` on every list endpoint, and the `{name: [...], "total_entries": N}` page Airflow's API returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=10000)]
Offset = Annotated[int, Query(ge=0)]


def page(name: str, records: Sequence[T], limit: int, offset: int, convert: Callable[[T], Any]) -> dict[str, Any]:
    """The records from `offset` on, at most `limit`, each through `convert`; the total counts all of them."""
    return {name: [convert(r) for r in records[offset : offset + limit]], "total_entries": len(records)}
