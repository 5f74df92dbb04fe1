"""/eventLogs: the audit log (who did what, when, from where), filtered and paged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, UsageError
from tradewind.permissions import READ_DAGS
from tradewind.timetables.base import as_utc_or_none

router = APIRouter(tags=["EventLog"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]


def _names(text: str | None) -> tuple[str, ...]:
    return tuple(e.strip() for e in (text or "").split(",") if e.strip())


@router.get("/eventLogs", operation_id="get_event_logs")
def list_event_logs(
    _: Reader,
    limit: Limit = 100,
    offset: Offset = 0,
    order_by: str = "-event_log_id",
    dag_id: str | None = None,
    task_id: str | None = None,
    run_id: str | None = None,
    map_index: int | None = None,
    try_number: int | None = None,
    event: str | None = None,
    owner: str | None = None,
    before: datetime | None = None,
    after: datetime | None = None,
    included_events: str | None = None,
    excluded_events: str | None = None,
) -> dict[str, Any]:
    """Newest first by default; `included_events`/`excluded_events` are comma-separated event names."""
    from tradewind.store.event_log import ORDER_COLUMNS, EventFilter, list_events

    column = order_by.lstrip("-").replace("event_log_id", "id").replace("when", "dttm")
    if column not in ORDER_COLUMNS:
        raise UsageError(f"order_by {order_by!r}: sort by event_log_id, when, dag_id, task_id, run_id, event or owner")
    found, total = list_events(
        EventFilter(
            dag_id=dag_id,
            task_id=task_id,
            run_id=run_id,
            map_index=map_index,
            try_number=try_number,
            event=event,
            owner=owner,
            before=as_utc_or_none(before),
            after=as_utc_or_none(after),
            included_events=_names(included_events),
            excluded_events=_names(excluded_events),
        ),
        order_by=("-" if order_by.startswith("-") else "") + column,
        limit=limit,
        offset=offset,
    )
    return {"event_logs": [serialize.event_log(e) for e in found], "total_entries": total}


@router.get("/eventLogs/{event_log_id}", operation_id="get_event_log", responses=errors(404))
def get_event_log(event_log_id: Annotated[int, Path(ge=0, le=2**62)], _: Reader) -> dict[str, Any]:
    from tradewind.store.event_log import get_event

    record = get_event(event_log_id)
    if record is None:
        raise NotFound(f"event log {event_log_id} not found")
    return serialize.event_log(record)
