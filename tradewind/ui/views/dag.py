"""A DAG's pages: grid, graph, code, runs, trigger, and the run page with its actions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import JSONResponse, Response

from tradewind.actions import dags, runs
from tradewind.api.security import Caller, ui_user
from tradewind.exceptions import DagRunAlreadyExists, ParamValidationError, UsageError
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.ui.render import NextPage, act, back, page, redirect, run_duration

if TYPE_CHECKING:
    from markupsafe import Markup

    from tradewind.structure import DagStructure

router = APIRouter()
Reader = Annotated[Caller, Depends(ui_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(ui_user(EDIT_DAGS))]
ACTIVE = ("queued", "running")
RunCount = Annotated[int, Query(ge=1, le=365)]


def _structure(dag_id: str) -> DagStructure:
    """The stored DAG (an empty one if it was never parsed: its pages still render)."""
    from tradewind.store import dags
    from tradewind.structure import DagStructure

    return dags.get_structure(dag_id) or DagStructure(dag_id, {}, (), 0, 0, None)


def task_rows(structure: DagStructure) -> list[dict[str, Any]]:
    """Tasks in topological order with their group path, for the grid's rows."""
    return [
        {
            "task_id": n.task_id,
            "group": n.task_group,
            "operator": n.operator,
            "depth": n.task_id.count("."),
            "mapped": n.is_mapped,
        }
        for n in (structure.nodes[t] for t in structure.order)
    ]


def _grid_context(dag_id: str, runs: int) -> dict[str, Any]:
    from tradewind.store.ui_queries import grid
    from tradewind.ui.grid import grid_rows

    records, cells = grid(dag_id, runs)
    rows = grid_rows(dag_id, records, cells, task_rows(_structure(dag_id)))
    return {
        "runs": records,
        "rows": rows,
        "run_count": runs,
        "live": any(r.state in ACTIVE for r in records),
        "durations": {r.run_id: run_duration(r) for r in records},
    }


def _dag_page(request: Request, caller: Caller, name: str, dag_id: str, tab: str, **ctx: Any) -> Response:
    return page(request, name, caller, dag=dags.require_dag(dag_id), tab=tab, **ctx)


@router.get("/dags/{dag_id}")
def dag_root(dag_id: str, _: Reader) -> Response:
    return redirect(f"/dags/{dag_id}/grid")


@router.get("/dags/{dag_id}/grid")
def grid_page(
    request: Request,
    dag_id: str,
    caller: Reader,
    runs: RunCount = 25,
    run_id: str | None = None,
    task_id: str | None = None,
    map_index: Annotated[int, Query(ge=-1, le=2**31 - 1)] = -1,
) -> Response:
    """The grid; with `run_id` (and `task_id`) its side panel opens on that run (or instance), as after a
    click on the grid — so a panel's URL can be shared and an action done in the panel comes back to it."""
    panel = _panel_html(request, caller, dag_id, run_id, task_id, map_index) if run_id else None
    return _dag_page(request, caller, "dag_grid.html", dag_id, "grid", panel=panel, **_grid_context(dag_id, runs))


def _panel_html(
    request: Request, caller: Caller, dag_id: str, run_id: str, task_id: str | None, map_index: int
) -> Markup | None:
    """The panel's HTML for the grid page's first render (None when what it names is gone)."""
    from tradewind.exceptions import NotFound
    from tradewind.ui.render import fragment
    from tradewind.ui.views.task import ti_context

    try:
        if task_id is None:
            return fragment(request, "_run_panel.html", caller, **run_panel_context(dag_id, run_id))
        ctx = ti_context(dag_id, run_id, task_id, map_index, None, panel=True)
        if isinstance(ctx, str):  # a mapped task's unexpanded copy: its first index instead
            first = min(t.map_index for t in _mapped_copies(dag_id, run_id, task_id))
            ctx = ti_context(dag_id, run_id, task_id, first, None, panel=True)
        return fragment(request, "_ti_panel.html", caller, **ctx) if isinstance(ctx, dict) else None
    except NotFound:
        return None


def _mapped_copies(dag_id: str, run_id: str, task_id: str) -> list[Any]:
    from tradewind.store import task_instances

    return [t for t in task_instances.list_task_instances(dag_id, run_id) if t.task_id == task_id and t.map_index >= 0]


def run_panel_context(dag_id: str, run_id: str) -> dict[str, Any]:
    """A run as the grid's panel shows it: its dates, conf, note, how many instances are in each state."""
    from tradewind.store.ui_queries import run_state_counts

    run = runs.require_run(dag_id, run_id)
    return {
        "run": run,
        "duration": run_duration(run),
        "counts": run_state_counts(dag_id, run_id),
        "live": run.state in ACTIVE,
    }


@router.get("/dags/{dag_id}/runs/{run_id}/panel")
def run_panel(request: Request, dag_id: str, run_id: str, caller: Reader) -> Response:
    dags.require_dag(dag_id)
    return page(request, "_run_panel.html", caller, **run_panel_context(dag_id, run_id))


@router.get("/dags/{dag_id}/grid/fragment")
def grid_fragment(request: Request, dag_id: str, caller: Reader, runs: RunCount = 25) -> Response:
    dags.require_dag(dag_id)
    return page(request, "_grid.html", caller, dag_id=dag_id, **_grid_context(dag_id, runs))


@router.get("/dags/{dag_id}/graph")
def graph_page(request: Request, dag_id: str, caller: Reader, run_id: str | None = None) -> Response:
    from tradewind.store.runs import list_dag_runs

    recent = list_dag_runs(dag_id, limit=25)
    return _dag_page(
        request,
        caller,
        "dag_graph.html",
        dag_id,
        "graph",
        recent=recent,
        run_id=run_id or (recent[0].run_id if recent else ""),
    )


@router.get("/dags/{dag_id}/graph.json")
def graph_data(dag_id: str, _: Reader, run_id: str | None = None) -> Response:
    """Nodes, edges and groups of the DAG, with the states of one run's instances (polled by the graph)."""
    from tradewind.store.ui_queries import run_task_states

    dags.require_dag(dag_id)
    structure = _structure(dag_id)
    states: dict[str, str] = {}
    run_state = None
    if run_id:
        run_state = runs.require_run(dag_id, run_id).state
        states = run_task_states(dag_id, run_id)
    nodes = [
        {"id": n.task_id, "operator": n.operator, "group": n.task_group, "state": states.get(n.task_id, "none")}
        for n in (structure.nodes[t] for t in structure.order)
    ]
    edges = [list(edge) for edge in structure.edges]
    groups = [{"id": g.group_id, "parent": parent, "tooltip": g.tooltip} for g, parent in structure.task_group.walk()]
    return JSONResponse(
        {"nodes": nodes, "edges": edges, "groups": groups, "run_state": run_state, "live": run_state in ACTIVE}
    )


@router.get("/dags/{dag_id}/code")
def code_page(request: Request, dag_id: str, caller: Reader) -> Response:
    from tradewind.ui.highlight import highlight_python

    record = dags.require_dag(dag_id)
    source = dags.dag_source(record)
    return _dag_page(request, caller, "dag_code.html", dag_id, "code", source=source, code=highlight_python(source))


@router.get("/dags/{dag_id}/runs")
def runs_page(
    request: Request, dag_id: str, caller: Reader, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> Response:
    from tradewind.store.runs import list_dag_runs

    records = list_dag_runs(dag_id, limit=limit)
    return _dag_page(
        request,
        caller,
        "dag_runs.html",
        dag_id,
        "runs",
        dag_runs=records,
        durations={r.run_id: run_duration(r) for r in records},
    )


# --- trigger ------------------------------------------------------------------------------------
def _param_fields(structure: DagStructure) -> list[dict[str, Any]]:
    fields = []
    for key, p in structure.params.items():
        kind = p.schema.get("type", "string")
        kind = kind[0] if isinstance(kind, list) and kind else kind
        text = json.dumps(p.value) if kind in ("array", "object") else ("" if p.value is None else str(p.value))
        fields.append(
            {
                "key": key,
                "type": kind,
                "description": p.description or p.schema.get("description"),
                "enum": p.schema.get("enum"),
                "value": p.value,
                "text": text,
                "required": not p.has_default,
            }
        )
    return fields


def _convert(field: dict[str, Any], raw: str) -> Any:
    kind = field["type"]
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "boolean":
            return raw.lower() in ("true", "on", "1", "yes")
        if kind in ("array", "object"):
            return json.loads(raw)
    except (ValueError, RecursionError):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise UsageError(f"param '{field['key']}': {shown!r} is not a valid {kind}") from None
    return raw


def conf_from_form(form: Any, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The run's conf: the JSON box if filled, with the generated params form filling the rest."""
    conf = runs.parse_conf(str(form.get("conf") or "").strip())
    for field in fields:
        name = f"param__{field['key']}"
        if field["key"] in conf:
            continue
        if field["type"] == "boolean":
            conf[field["key"]] = name in form
        elif name in form and str(form[name]) != "":
            conf[field["key"]] = _convert(field, str(form[name]))
    return conf


@router.get("/dags/{dag_id}/trigger")
def trigger_page(request: Request, dag_id: str, caller: Editor) -> Response:
    return _trigger_form(
        request, caller, dag_id, _param_fields(_structure(dag_id)), conf_text="", error=None, run_id=""
    )


def _trigger_form(request: Request, caller: Caller, dag_id: str, fields: list[dict[str, Any]], **ctx: Any) -> Response:
    """The trigger form: empty, or after a refused submit filled again with what was typed (`ctx`)."""
    return _dag_page(request, caller, "trigger.html", dag_id, "trigger", fields=fields, **ctx)


@router.post("/dags/{dag_id}/trigger")
async def trigger_submit(request: Request, dag_id: str, caller: Editor) -> Response:
    """Async only to read the form (its fields depend on the DAG's params); the work runs in a thread."""
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    return await run_in_threadpool(_trigger_from_form, request, dag_id, caller, form)


def _trigger_from_form(request: Request, dag_id: str, caller: Caller, form: Any) -> Response:
    fields = _param_fields(_structure(dag_id))
    run_id = str(form.get("run_id") or "").strip() or None
    try:
        run = runs.trigger(dag_id, conf_from_form(form, fields), run_id)
    except (UsageError, ParamValidationError, DagRunAlreadyExists) as exc:
        return _trigger_form(
            request,
            caller,
            dag_id,
            fields,
            status=400,
            conf_text=str(form.get("conf") or ""),
            error=str(exc),
            run_id=run_id or "",
            form_values={k: str(v) for k, v in form.items() if k.startswith("param__")},
        )
    return redirect(f"/dags/{dag_id}/grid", f"Triggered {dag_id}: run {run.run_id}")


# --- one run --------------------------------------------------------------------------------------
@router.get("/dags/{dag_id}/runs/{run_id}")
def run_page(request: Request, dag_id: str, run_id: str, caller: Reader) -> Response:
    from tradewind.store import task_instances

    run = runs.require_run(dag_id, run_id)
    tis = task_instances.list_task_instances(dag_id, run_id)
    return _dag_page(
        request,
        caller,
        "run.html",
        dag_id,
        "runs",
        run=run,
        tis=tis,
        duration=run_duration(run),
        live=run.state in ACTIVE,
    )


@router.post("/dags/{dag_id}/runs/{run_id}/clear")
def clear_run(
    dag_id: str,
    run_id: str,
    _: Editor,
    only_failed: Annotated[str, Form()] = "",
    next: NextPage = "",  # noqa: A002
) -> Response:
    return act(
        back(next, f"/dags/{dag_id}/runs/{run_id}"),
        lambda tis: f"Cleared {len(tis)} task instance(s)",
        runs.clear,
        dag_id,
        run_id,
        only_failed=only_failed == "true",
    )


@router.post("/dags/{dag_id}/runs/{run_id}/mark")
def mark_run(
    dag_id: str,
    run_id: str,
    _: Editor,
    state: Annotated[str, Form()],
    next: NextPage = "",  # noqa: A002
) -> Response:
    return act(back(next, f"/dags/{dag_id}/runs/{run_id}"), f"Run marked {state}", runs.mark_run, dag_id, run_id, state)


@router.post("/dags/{dag_id}/runs/{run_id}/delete")
def delete_run(dag_id: str, run_id: str, _: Editor, next: NextPage = "") -> Response:  # noqa: A002
    return act(back(next, f"/dags/{dag_id}/runs"), f"Run {run_id} deleted", runs.delete_run, dag_id, run_id)
