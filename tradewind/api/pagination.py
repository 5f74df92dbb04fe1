"""`limit`/`offset`/`order_by` on every list endpoint, and the `{name: [...], "total_entries": N}` page
Airflow's API returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query

from tradewind.exceptions import UsageError

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=10000)]
Offset = Annotated[int, Query(ge=0)]


def page(name: str, records: Sequence[T], limit: int, offset: int, convert: Callable[[T], Any]) -> dict[str, Any]:
    """The records from `offset` on, at most `limit`, each through `convert`; the total counts all of them."""
    return {name: [convert(r) for r in records[offset : offset + limit]], "total_entries": len(records)}


def order_records(
    records: Iterable[T], order_by: str | None, allowed: set[str], rename: dict[str, str] | None = None
) -> list[T]:
    """Airflow's `order_by`: a field name, `-name` for descending; an unknown field is a 400."""
    out = list(records)
    if not order_by:
        return out
    name = order_by.lstrip("-")
    if name not in allowed:
        raise UsageError(f"order_by {order_by!r}: sort by one of {', '.join(sorted(allowed))} (- for descending)")
    attr = (rename or {}).get(name, name)
    out.sort(
        key=lambda r: (getattr(r, attr) is None, getattr(r, attr) if getattr(r, attr) is not None else 0),
        reverse=order_by.startswith("-"),
    )
    return out


def check_update_mask(update_mask: list[str] | None, allowed: set[str]) -> set[str] | None:
    """Airflow's `update_mask`: the fields a PATCH may change; a field that cannot change is a 400."""
    if not update_mask:
        return None
    fields = {f.strip() for item in update_mask for f in item.split(",") if f.strip()}
    wrong = sorted(fields - allowed)
    if wrong:
        raise UsageError(f"update_mask: {', '.join(wrong)} cannot be updated (only {', '.join(sorted(allowed))})")
    return fields
