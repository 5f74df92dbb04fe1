"""The DAGs list: search, tag filter, paused toggle, schedule, next run, recent runs, import errors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from tradewind.actions import dags
from tradewind.api.security import Caller, ui_user
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.ui.render import act, page, redirect
from tradewind.ui.views.auth import safe_next

router = APIRouter()
Reader = Annotated[Caller, Depends(ui_user(READ_DAGS))]
PAGE_SIZE = 100


@router.get("/")
def root() -> Response:
    return redirect("/home")


@router.get("/home")
def dags_list(
    request: Request,
    caller: Reader,
    q: str = "",
    tags: Annotated[list[str] | None, Query()] = None,
    status: str = "all",
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    from tradewind.store import import_errors
    from tradewind.store.dags import list_dags
    from tradewind.store.ui_queries import recent_run_states

    everything = list_dags()
    all_tags = sorted({t for d in everything for t in (d.tags or [])})
    paused = {"active": False, "paused": True}.get(status)
    tags = [t for t in tags or [] if t]
    shown = dags.filter_dags(everything, q, tags, paused)
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    visible = shown[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    recent = recent_run_states([d.dag_id for d in visible]) if visible else {}
    live = any(r["state"] in ("queued", "running") for runs in recent.values() for r in runs)
    return page(
        request,
        "dags.html",
        caller,
        dags=visible,
        recent=recent,
        all_tags=all_tags,
        q=q,
        tags=tags or [],
        filter_status=status,
        total=len(shown),
        page_no=page_no,
        pages=pages,
        counts={
            "all": len(everything),
            "active": sum(not d.is_paused for d in everything),
            "paused": sum(d.is_paused for d in everything),
        },
        import_errors=import_errors.list_import_errors(),
        live=live,
    )


@router.post("/dags/{dag_id}/paused")
def toggle_paused(
    dag_id: str,
    caller: Annotated[Caller, Depends(ui_user(EDIT_DAGS))],
    is_paused: Annotated[str, Form()] = "false",
    next: Annotated[str, Form()] = "/home",
) -> Response:  # noqa: A002
    paused = is_paused == "true"
    return act(safe_next(next), f"DAG {dag_id} {'paused' if paused else 'unpaused'}", dags.set_paused, dag_id, paused)
