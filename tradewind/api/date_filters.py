"""Airflow's range filters of the list endpoints: `<field>_gte` / `<field>_lte` pairs, given as query
parameters (`DateQuery`, a FastAPI dependency) or in a batch form's body (`DateForm`), and read
into the store's `Range`s by `ranges()`, so each endpoint does not spell them out again.

No `from __future__ import annotations` here: FastAPI reads a dependency class's parameters from
its signature, and needs real types there, not strings.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from tradewind.timetables.base import as_utc_or_none

Date = datetime | None

# Airflow's parameter prefix → the store's column (Airflow 2 calls a run's logical date its execution date)
_COLUMNS = {
    "execution_date": "logical_date",
    "start_date": "start_date",
    "end_date": "end_date",
    "updated_at": "updated_at",
    "duration": "duration",
}


def ranges(filters: Any) -> dict[str, Any]:
    """The `Range` of each pair `filters` has, keyed by column: keyword arguments of RunQuery/TIQuery."""
    from tradewind.store.api_queries import Range

    out: dict[str, Any] = {}
    for prefix, column in _COLUMNS.items():
        if not hasattr(filters, f"{prefix}_gte"):
            continue
        gte, lte = getattr(filters, f"{prefix}_gte"), getattr(filters, f"{prefix}_lte")
        out[column] = Range(gte, lte) if prefix == "duration" else Range(as_utc_or_none(gte), as_utc_or_none(lte))
    return out


class DateForm(BaseModel):
    """The date filters of a batch (`…/list`) form; Airflow's forms have no `updated_at` pair."""

    execution_date_gte: Date = None
    execution_date_lte: Date = None
    start_date_gte: Date = None
    start_date_lte: Date = None
    end_date_gte: Date = None
    end_date_lte: Date = None


class DateQuery(DateForm):
    """The date filters of a GET list endpoint, as query parameters: `Annotated[DateQuery, Depends()]`."""

    updated_at_gte: Date = None
    updated_at_lte: Date = None


class TaskInstanceQuery(DateQuery):
    """A task instance list also filters on the duration, in seconds."""

    duration_gte: float | None = None
    duration_lte: float | None = None
