"""The task instance page: tries, duration, rendered templates, XCom, and a log that follows live."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, Response

from tradewind.actions import dags, runs, tasks
from tradewind.api.security import Caller, ui_user
from tradewind.exceptions import TaskNotFound, TradewindException
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.states import FINISHED
from tradewind.ui.render import NextPage, act, back, page, redirect

router = APIRouter()
Reader = Annotated[Caller, Depends(ui_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(ui_user(EDIT_DAGS))]
MapIndex = Annotated[int, Query(ge=-1, le=tasks.MAX_MAP_INDEX)]
BASE = "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}"
LIVE = ("queued", "running", "scheduled", "up_for_retry", "up_for_reschedule", "deferred", "none")


def _url(dag_id: str, run_id: str, task_id: str, map_index: int) -> str:
    from urllib.parse import quote

    url = f"/dags/{quote(dag_id)}/runs/{quote(run_id, safe='')}/tasks/{quote(task_id)}"
    return url + (f"?map_index={map_index}" if map_index >= 0 else "")


@router.get(BASE)
def task_page(
    request: Request,
    dag_id: str,
    run_id: str,
    task_id: str,
    caller: Reader,
    map_index: MapIndex = -1,
    try_number: Annotated[int | None, Query(alias="try", ge=1)] = None,
) -> Response:
    ctx = ti_context(dag_id, run_id, task_id, map_index, try_number)
    if isinstance(ctx, str):
        return redirect(ctx)
    return page(request, "task.html", caller, dag=dags.require_dag(dag_id), tab="runs", **ctx)


@router.get(BASE + "/panel")
def task_panel(
    request: Request,
    dag_id: str,
    run_id: str,
    task_id: str,
    caller: Reader,
    map_index: MapIndex = -1,
    try_number: Annotated[int | None, Query(alias="try", ge=1)] = None,
) -> Response:
    """The same details as the task page, as the grid's side panel (htmx swaps it in beside the grid)."""
    ctx = ti_context(dag_id, run_id, task_id, map_index, try_number, panel=True)
    if isinstance(ctx, str):
        return redirect(ctx)
    return page(request, "_ti_panel.html", caller, dag=dags.require_dag(dag_id), **ctx)


def ti_context(
    dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int | None, *, panel: bool = False
) -> dict[str, Any] | str:
    """What the task page and the grid's panel show of one instance; a URL to go to instead when a mapped
    task is asked for its unexpanded copy (-1), which no longer exists once expanded."""
    from tradewind.store import task_instances, tries, xcom

    mapped = [
        t for t in task_instances.list_task_instances(dag_id, run_id) if t.task_id == task_id and t.map_index >= 0
    ]
    try:
        ti = tasks.require_ti(dag_id, run_id, task_id, map_index)
    except TaskNotFound:
        # A mapped task has no instance -1 once expanded (the grid links there): show its first copy.
        if map_index != -1 or not mapped:
            raise
        first = min(t.map_index for t in mapped)
        url = _url(dag_id, run_id, task_id, first)
        return _panel_url(url) if panel else url
    finished = tries.list_tries(dag_id, run_id, task_id, map_index)
    attempts: list[Any] = list(finished)
    if ti.try_number > 0 and all(t.try_number != ti.try_number for t in finished):
        attempts.append(ti)  # the current try, not finished yet
    numbers = [a.try_number for a in attempts]
    shown = try_number if try_number in numbers else (numbers[-1] if numbers else None)
    xcoms = [x for x in xcom.list_xcoms(dag_id, run_id, task_id) if x.map_index == map_index]
    url = _url(dag_id, run_id, task_id, map_index)
    self_url = _panel_url(url) if panel else url
    sep = "&" if "?" in self_url else "?"
    path = url.split("?", 1)[0]
    mapped_q = f"map_index={map_index}&" if map_index >= 0 else ""
    log_text, log_offset = "", 0
    if shown is not None:
        log_text, log_offset, _exists = tasks.read_log(ti, shown, 0)
    return {
        "ti": ti,
        "attempts": attempts,
        "numbers": numbers,
        "shown_try": shown,
        "xcoms": xcoms,
        "mapped": mapped,
        "url": url,
        "self_url": self_url,
        "url_path": path,
        "panel": panel,
        "try_url": f"{self_url}{sep}try=",
        "log_url": f"{path}/log.json?{mapped_q}try={shown}",
        "log_text": log_text,
        "log_offset": log_offset,
        "reasons": _reasons(ti),
        "pool_use": _pool_use(ti),
        "follow": ti.state == "running" and shown == ti.try_number,
        "waiting": ti.state not in FINISHED and ti.state != "running",
    }


def _panel_url(url: str) -> str:
    path, _, query = url.partition("?")
    return f"{path}/panel" + (f"?{query}" if query else "")


def _pool_use(ti: Any) -> str:
    """`default_pool: uses 1 of 128 slots`: the instance's share next to the pool's size, never mistaken for it."""
    from tradewind.store import pools

    pool, used = pools.get_pool(ti.pool), ti.pool_slots
    if pool is None:
        return f"{ti.pool}: uses {used} slot{'s' if used != 1 else ''} (no such pool)"
    if pool.unlimited:
        return f"{ti.pool}: uses {used} slot{'s' if used != 1 else ''} (unlimited pool)"
    return f"{ti.pool}: uses {used} of {pool.slots} slot{'s' if pool.slots != 1 else ''}"


def _reasons(ti: Any) -> list[Any]:
    """'Why isn't my task running?' sentences for an unfinished instance (empty if explain is unavailable)."""
    if ti.state in FINISHED or ti.state == "running":
        return []
    try:
        from tradewind.scheduler.explain import explain_task_instance
    except ImportError:
        return []
    try:
        return list(explain_task_instance(ti.dag_id, ti.run_id, ti.task_id, ti.map_index))
    except TradewindException:
        return []


@router.get(BASE + "/log.json")
def log_chunk(
    dag_id: str,
    run_id: str,
    task_id: str,
    _: Reader,
    map_index: MapIndex = -1,
    try_number: Annotated[int, Query(alias="try", ge=1)] = 1,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The log from `offset` on; `done` once the try is over, so the page stops polling."""
    ti = tasks.require_ti(dag_id, run_id, task_id, map_index)
    text, next_offset, exists = tasks.read_log(ti, try_number, offset)
    done = not (ti.state in LIVE and try_number >= ti.try_number)
    return JSONResponse(
        {"text": text, "offset": next_offset, "exists": exists, "done": done and not text, "state": ti.state}
    )


@router.post(BASE + "/clear")
def clear_task(
    dag_id: str,
    run_id: str,
    task_id: str,
    _: Editor,
    downstream: Annotated[str, Form()] = "",
    next: NextPage = "",  # noqa: A002
) -> Response:
    return act(
        back(next, _url(dag_id, run_id, task_id, -1)),
        lambda tis: f"Cleared {len(tis)} task instance(s)",
        runs.clear,
        dag_id,
        run_id,
        [task_id],
        downstream=downstream == "true",
    )


@router.post(BASE + "/mark")
def mark_task(
    dag_id: str,
    run_id: str,
    task_id: str,
    _: Editor,
    state: Annotated[str, Form()],
    map_index: Annotated[int, Form(ge=-1, le=tasks.MAX_MAP_INDEX)] = -1,
    next: NextPage = "",  # noqa: A002
) -> Response:
    return act(
        back(next, _url(dag_id, run_id, task_id, map_index)),
        f"Task marked {state}",
        tasks.set_ti_state,
        dag_id,
        run_id,
        task_id,
        map_index,
        state,
    )
