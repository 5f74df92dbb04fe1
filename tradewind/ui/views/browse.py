"""Browse: DAG runs and task instances across DAGs (filters, bulk actions), XComs, jobs; cluster activity.

Bulk actions go through `tradewind.actions` one item at a time, as the single-item buttons do, so each
keeps its own checks (a run that moved meanwhile is reported, the others still act); the page says how
many succeeded and why the others did not. Viewers see every list; acting needs `dags.edit` (User and up).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from tradewind.actions import runs, tasks
from tradewind.api.security import Caller, ui_user
from tradewind.exceptions import TradewindException, UsageError
from tradewind.permissions import EDIT_DAGS, READ_DAGS, READ_POOLS
from tradewind.states import UNFINISHED, DagRunState, DagRunType, TaskState
from tradewind.ui.render import NextPage, back, page, redirect, viewer_zone

router = APIRouter()
Reader = Annotated[Caller, Depends(ui_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(ui_user(EDIT_DAGS))]
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]
Text = Annotated[str, Query(max_length=250)]
States = Annotated[list[str] | None, Query(max_length=20)]
PAGE_SIZE = 100
RUN_ACTIONS = {
    "clear": "cleared",
    "clear_failed": "cleared (failed tasks)",
    "mark_success": "marked success",
    "mark_failed": "marked failed",
    "delete": "deleted",
}
TI_ACTIONS = {
    "clear": "cleared",
    "mark_success": "marked success",
    "mark_failed": "marked failed",
    "mark_skipped": "marked skipped",
}


def _day(text: str, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def _filters(request: Request, **given: Any) -> tuple[Any, str | None]:
    """The store's Filters from the query (dates are days in the viewer's zone, `end` included); an error
    message instead of filtering on a date that is not one."""
    from tradewind.store.browse import Filters

    tz = viewer_zone(request)
    start_text, end_text = given.pop("start", ""), given.pop("end", "")
    try:
        start, end = _day(start_text, "From"), _day(end_text, "To")
    except UsageError as exc:
        return Filters(**given), str(exc)
    return (
        Filters(
            **given,
            start=datetime.combine(start, datetime.min.time(), tz) if start else None,
            end=datetime.combine(end + timedelta(days=1), datetime.min.time(), tz) if end else None,
        ),
        None,
    )


def _pager(request: Request, total: int, page_no: int) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return {
        "total": total,
        "page_no": page_no,
        "pages": pages,
        "page_base": request.url.path + "?" + urlencode([*query, ("page", "")]),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }


# --- DAG runs -------------------------------------------------------------------------------------
@router.get("/browse/dag-runs")
def dag_runs_page(
    request: Request,
    caller: Reader,
    dag_id: Text = "",
    run_id: Text = "",
    state: States = None,
    run_type: Text = "",
    start: Text = "",
    end: Text = "",
    page_no: PageNo = 1,
) -> Response:
    from tradewind.store import browse

    states = tuple(s for s in state or [] if s)
    f, error = _filters(
        request, dag_id=dag_id.strip(), run_id=run_id.strip(), states=states, run_type=run_type, start=start, end=end
    )
    records, total = browse.dag_runs(f, PAGE_SIZE, (page_no - 1) * PAGE_SIZE) if error is None else ([], 0)
    return page(
        request,
        "browse_runs.html",
        caller,
        status=400 if error else 200,
        error=error,
        records=records,
        f={"dag_id": dag_id, "run_id": run_id, "states": states, "run_type": run_type, "start": start, "end": end},
        all_states=[s.value for s in DagRunState],
        run_types=[t.value for t in DagRunType],
        actions=RUN_ACTIONS,
        live=any(r.state in ("queued", "running") for r in records),
        **_pager(request, total, page_no),
    )


@router.post("/browse/dag-runs/action")
def dag_runs_action(
    _: Editor,
    action: Annotated[str, Form(max_length=40)],
    selected: Annotated[list[str] | None, Form(max_length=1000)] = None,
    next: NextPage = "",  # noqa: A002
) -> Response:
    """One action on many runs; each is `["dag_id", "run_id"]` as JSON (ids may hold any character)."""
    url = back(next, "/browse/dag-runs")
    if action not in RUN_ACTIONS:
        return redirect(url, f"Error: unknown action {action[:40]!r}")
    try:
        keys = [_key(item, 2) for item in selected or []]
    except UsageError as exc:
        return redirect(url, f"Error: {exc}")
    if not keys:
        return redirect(url, "Error: no DAG run selected")

    def one(dag_id: str, run_id: str) -> None:
        if action in ("clear", "clear_failed"):
            runs.clear(dag_id, run_id, only_failed=action == "clear_failed")
        elif action == "delete":
            runs.delete_run(dag_id, run_id)
        else:
            runs.mark_run(dag_id, run_id, action.removeprefix("mark_"))

    return redirect(url, _bulk(keys, one, RUN_ACTIONS[action], "DAG run"))


def _key(item: str, size: int) -> list[Any]:
    try:
        value = json.loads(item)
    except (json.JSONDecodeError, RecursionError):
        value = None
    if not isinstance(value, list) or len(value) != size:
        raise UsageError(f"malformed selection {item[:60]!r}")
    return value


def _bulk(keys: list[list[Any]], one: Any, done: str, noun: str) -> str:
    """Run `one` on each key; the page's message: how many were done, and the first refusals."""
    errors: list[str] = []
    for key in keys:
        try:
            one(*key)
        except (TradewindException, ValueError, TypeError) as exc:
            errors.append(str(exc))
    ok = len(keys) - len(errors)
    msg = f"{ok} {noun}{'s' if ok != 1 else ''} {done}"
    if errors:
        shown = "; ".join(errors[:3]) + (f"; and {len(errors) - 3} more" if len(errors) > 3 else "")
        return f"Error: {msg}, {len(errors)} refused: {shown}"
    return msg


# --- task instances -------------------------------------------------------------------------------
@router.get("/browse/task-instances")
def task_instances_page(
    request: Request,
    caller: Reader,
    dag_id: Text = "",
    task_id: Text = "",
    run_id: Text = "",
    state: States = None,
    pool: Text = "",
    start: Text = "",
    end: Text = "",
    page_no: PageNo = 1,
) -> Response:
    from tradewind.store import browse
    from tradewind.store.pools import list_pools

    states = tuple(s for s in state or [] if s)
    f, error = _filters(
        request,
        dag_id=dag_id.strip(),
        task_id=task_id.strip(),
        run_id=run_id.strip(),
        states=states,
        pool=pool,
        start=start,
        end=end,
    )
    rows, total = browse.task_instances(f, PAGE_SIZE, (page_no - 1) * PAGE_SIZE) if error is None else ([], 0)
    return page(
        request,
        "browse_tis.html",
        caller,
        status=400 if error else 200,
        error=error,
        rows=rows,
        f={
            "dag_id": dag_id,
            "task_id": task_id,
            "run_id": run_id,
            "states": states,
            "pool": pool,
            "start": start,
            "end": end,
        },
        all_states=[s.value for s in TaskState],
        pools=[p.pool for p in list_pools()],
        actions=TI_ACTIONS,
        live=any(t.state in UNFINISHED for t, _d in rows),
        **_pager(request, total, page_no),
    )


@router.post("/browse/task-instances/action")
def task_instances_action(
    _: Editor,
    action: Annotated[str, Form(max_length=40)],
    selected: Annotated[list[str] | None, Form(max_length=1000)] = None,
    next: NextPage = "",  # noqa: A002
) -> Response:
    """One action on many instances, each `["dag_id", "run_id", "task_id", map_index]` as JSON. Clearing
    goes run by run (the run is re-queued once, with all its chosen tasks)."""
    url = back(next, "/browse/task-instances")
    if action not in TI_ACTIONS:
        return redirect(url, f"Error: unknown action {action[:40]!r}")
    try:
        keys = [_key(item, 4) for item in selected or []]
    except UsageError as exc:
        return redirect(url, f"Error: {exc}")
    if not keys:
        return redirect(url, "Error: no task instance selected")
    if action == "clear":
        by_run: dict[tuple[str, str], list[str]] = {}
        for dag_id, run_id, task_id, _m in keys:
            by_run.setdefault((str(dag_id), str(run_id)), []).append(str(task_id))
        groups = [[d, r, sorted(set(t))] for (d, r), t in by_run.items()]
        return redirect(url, _bulk(groups, lambda d, r, t: runs.clear(d, r, t, exact=True), "cleared", "run"))
    state = action.removeprefix("mark_")

    def one(dag_id: str, run_id: str, task_id: str, map_index: int) -> None:
        tasks.set_ti_state(dag_id, run_id, task_id, int(map_index), state)

    return redirect(url, _bulk(keys, one, TI_ACTIONS[action], "task instance"))


# --- XComs and jobs -------------------------------------------------------------------------------
@router.get("/browse/xcoms")
def xcoms_page(
    request: Request,
    caller: Reader,
    dag_id: Text = "",
    task_id: Text = "",
    run_id: Text = "",
    key: Text = "",
    page_no: PageNo = 1,
) -> Response:
    from tradewind.store import browse

    f, _ = _filters(request, dag_id=dag_id.strip(), task_id=task_id.strip(), run_id=run_id.strip(), key=key.strip())
    records, total = browse.xcoms(f, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
    return page(
        request,
        "browse_xcoms.html",
        caller,
        records=records,
        f={"dag_id": dag_id, "task_id": task_id, "run_id": run_id, "key": key},
        **_pager(request, total, page_no),
    )


@router.get("/browse/jobs")
def jobs_page(request: Request, caller: Reader, job_type: Text = "", state: Text = "", page_no: PageNo = 1) -> Response:
    """Every scheduler, triggerer and DAG processor with its last heartbeat; 'alive' as /health judges it."""
    from tradewind.store import browse

    records, total = browse.jobs(job_type, state, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)
    return page(
        request,
        "browse_jobs.html",
        caller,
        records=records,
        alive=_alive(records),
        job_types=browse.job_types(),
        f={"job_type": job_type, "state": state},
        **_pager(request, total, page_no),
    )


def _alive(records: list[Any]) -> dict[int, bool]:
    """A running job is alive while its heartbeat is younger than `[scheduler] scheduler_health_check_threshold`."""
    from tradewind.config import conf

    threshold = timedelta(seconds=float(conf.get("scheduler", "scheduler_health_check_threshold")))
    now = datetime.now(timezone.utc)
    return {
        j.id: j.state == "running" and j.latest_heartbeat is not None and now - j.latest_heartbeat <= threshold
        for j in records
    }


# --- cluster activity -----------------------------------------------------------------------------
@router.get("/cluster-activity")
def cluster_activity(request: Request, caller: Annotated[Caller, Depends(ui_user(READ_POOLS))]) -> Response:
    """What runs now, how full each pool is, which schedulers and triggerers are alive, the last day's outcomes."""
    from tradewind.store import browse
    from tradewind.store.pools import list_pools
    from tradewind.store.ui_queries import pool_occupancy

    now = datetime.now(timezone.utc)
    executing, executing_total = browse.executing()
    jobs, _ = browse.jobs(limit=50)
    alive = _alive(jobs)
    latest: dict[str, Any] = {}
    for j in jobs:
        latest.setdefault(j.job_type, j)
    used = pool_occupancy()
    pools = []
    for p in list_pools():
        u = used.get(p.pool, {})
        running, queued = u.get("running", 0), u.get("queued", 0)
        pools.append(
            {
                "name": p.pool,
                "slots": p.slots,
                "unlimited": p.unlimited,
                "running": running,
                "queued": queued,
                "open": None if p.unlimited else max(p.slots - running - queued, 0),
                "fraction": 0.0 if p.unlimited or p.slots <= 0 else min((running + queued) / p.slots, 1.0),
            }
        )
    return page(
        request,
        "cluster_activity.html",
        caller,
        executing=executing,
        executing_total=executing_total,
        pools=pools,
        latest_jobs=latest,
        alive=alive,
        run_totals=browse.run_state_totals(),
        ti_totals=browse.ti_state_totals(now - timedelta(hours=24)),
        live=executing_total > 0,
        now=now,
    )
