"""The audit log page (/audit-log): who did what, when and from where, newest first, with filters."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tradewind.api.security import Caller, ui_user
from tradewind.permissions import READ_DAGS
from tradewind.ui.render import page

router = APIRouter()
PAGE_SIZE = 100


def _extra(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {"extra": text}
    return data if isinstance(data, dict) else {"extra": data}


@router.get("/audit-log")
def audit_log(
    request: Request,
    caller: Annotated[Caller, Depends(ui_user(READ_DAGS))],
    dag_id: Annotated[str, Query(max_length=250)] = "",
    event: Annotated[str, Query(max_length=60)] = "",
    owner: Annotated[str, Query(max_length=500)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100000)] = 1,
) -> Response:
    from tradewind.store.event_log import EventFilter, list_events

    found, total = list_events(
        EventFilter(dag_id=dag_id or None, event=event or None, owner=owner or None),
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    rows = [(e, _extra(e.extra)) for e in found]
    return page(
        request,
        "audit_log.html",
        caller,
        rows=rows,
        total=total,
        page_no=page_no,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters={"dag_id": dag_id, "event": event, "owner": owner},
    )
