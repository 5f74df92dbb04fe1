"""/dags: list, get, details, pause/unpause (one or by pattern), delete, tasks, source; /dagSources."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from tradewind.actions import dags
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, check_update_mask, order_records
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, TaskNotFound
from tradewind.permissions import EDIT_DAGS, READ_DAGS

router = APIRouter(tags=["DAG"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]
Mask = Annotated[list[str] | None, Query()]
DAG_ORDER = {"dag_id", "fileloc", "is_paused", "last_parsed_time", "next_dagrun"}


class DagPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    is_paused: bool


def _matching(
    tags: list[str] | None, dag_id_pattern: str | None, paused: bool | None, only_active: bool, order_by: str
) -> list[Any]:
    from tradewind.store.dags import list_dags as all_dags

    records = dags.filter_dags(all_dags(active_only=only_active), dag_id_pattern, tags, paused)
    return order_records(records, order_by, DAG_ORDER)


def _page(records: list[Any], limit: int, offset: int) -> dict[str, Any]:
    key = serialize.signing_key()
    return {"dags": [serialize.dag(d, key) for d in records[offset : offset + limit]], "total_entries": len(records)}


@router.get("/dags", operation_id="get_dags")
def list_dags(
    _: Reader,
    limit: Limit = 100,
    offset: Offset = 0,
    order_by: str = "dag_id",
    tags: Annotated[list[str] | None, Query()] = None,
    only_active: bool = True,
    paused: bool | None = None,
    fields: Annotated[list[str] | None, Query()] = None,
    dag_id_pattern: str | None = None,
) -> dict[str, Any]:
    page = _page(_matching(tags, dag_id_pattern, paused, only_active, order_by), limit, offset)
    if fields:
        page["dags"] = [{k: v for k, v in d.items() if k in fields} for d in page["dags"]]
    return page


@router.patch("/dags", operation_id="patch_dags")
def patch_dags(
    body: DagPatch,
    _: Editor,
    dag_id_pattern: str,
    limit: Limit = 100,
    offset: Offset = 0,
    tags: Annotated[list[str] | None, Query()] = None,
    update_mask: Mask = None,
    only_active: bool = True,
) -> dict[str, Any]:
    """Pause or unpause every DAG whose id matches `dag_id_pattern` (`~` for all), as Airflow's batch PATCH."""
    check_update_mask(update_mask, {"is_paused"})
    pattern = None if dag_id_pattern == "~" else dag_id_pattern
    chosen = _matching(tags, pattern, None, only_active, "dag_id")[offset : offset + limit]
    updated = [dags.set_paused(d.dag_id, body.is_paused) for d in chosen]
    return _page(updated, len(updated) or 1, 0)


@router.get("/dags/{dag_id}", operation_id="get_dag", responses=errors(404))
def get_dag(dag_id: str, _: Reader, fields: Annotated[list[str] | None, Query()] = None) -> dict[str, Any]:
    out = serialize.dag(dags.require_dag(dag_id))
    return {k: v for k, v in out.items() if k in fields} if fields else out


@router.get("/dags/{dag_id}/details", operation_id="get_dag_details", responses=errors(404))
def get_dag_details(dag_id: str, _: Reader, fields: Annotated[list[str] | None, Query()] = None) -> dict[str, Any]:
    from tradewind.store.dags import get_serialized

    out = serialize.dag_detail(dags.require_dag(dag_id), get_serialized(dag_id))
    return {k: v for k, v in out.items() if k in fields} if fields else out


@router.patch("/dags/{dag_id}", operation_id="patch_dag", responses=errors(404))
def patch_dag(dag_id: str, body: DagPatch, _: Editor, update_mask: Mask = None) -> dict[str, Any]:
    check_update_mask(update_mask, {"is_paused"})
    return serialize.dag(dags.set_paused(dag_id, body.is_paused))


@router.delete("/dags/{dag_id}", operation_id="delete_dag", status_code=204, responses=errors(404))
def delete_dag(dag_id: str, _: Editor) -> Response:
    """Delete the DAG's records (runs, task instances, XComs…), not its file: the next parse brings it back."""
    dags.require_dag(dag_id)
    dags.delete_dag(dag_id)
    return Response(status_code=204)


def _tasks(dag_id: str) -> list[dict[str, Any]]:
    from tradewind.store.dags import get_serialized

    dags.require_dag(dag_id)
    return list((get_serialized(dag_id) or {}).get("tasks") or [])


@router.get("/dags/{dag_id}/tasks", operation_id="get_tasks", responses=errors(404))
def list_tasks(dag_id: str, _: Reader, order_by: str = "task_id") -> dict[str, Any]:
    tasks = [serialize.task(t) for t in _tasks(dag_id)]
    key = order_by.lstrip("-")
    if tasks and key not in tasks[0]:
        from tradewind.exceptions import UsageError

        raise UsageError(f"order_by {order_by!r}: no such task field")
    tasks.sort(key=lambda t: (t[key] is None, str(t[key])), reverse=order_by.startswith("-"))
    return {"tasks": tasks, "total_entries": len(tasks)}


@router.get("/dags/{dag_id}/tasks/{task_id}", operation_id="get_task", responses=errors(404))
def get_task(dag_id: str, task_id: str, _: Reader) -> dict[str, Any]:
    for t in _tasks(dag_id):
        if t["task_id"] == task_id:
            return serialize.task(t)
    raise TaskNotFound(f"task '{task_id}' not found in DAG '{dag_id}'")


@router.get("/dags/{dag_id}/source", responses=errors(404))
def dag_source(dag_id: str, _: Reader) -> dict[str, Any]:
    record = dags.require_dag(dag_id)
    return {"dag_id": dag_id, "fileloc": record.fileloc, "content": dags.dag_source(record)}


@router.get("/dagSources/{file_token}", operation_id="get_dag_source", responses=errors(404))
def get_dag_source(file_token: str, _: Reader, request: Request) -> Any:
    """The code of the file a DAG's `file_token` names (JSON `{content}`, or text with Accept: text/plain)."""
    from fastapi.responses import PlainTextResponse

    from tradewind.store.dags import list_dags as all_dags

    fileloc = serialize.read_file_token(file_token)
    record = next((d for d in all_dags(active_only=False) if fileloc and d.fileloc == fileloc), None)
    if record is None:
        raise NotFound("no DAG file has this file_token")
    content = dags.dag_source(record)
    if "application/json" not in request.headers.get("accept", "") and "text/plain" in request.headers.get(
        "accept", ""
    ):
        return PlainTextResponse(content)
    return {"content": content}


@router.put("/parseDagFile/{file_token}", operation_id="reparse_dag_file", status_code=201, responses=errors(404))
def reparse_dag_file(file_token: str, _: Editor) -> Response:
    """Parse the file now (Airflow queues a parse request; Tradewind's DAG processor pass is done at once)."""
    from tradewind.scheduler.dag_sync import DagSync

    fileloc = serialize.read_file_token(file_token)
    if not fileloc:
        raise NotFound("no DAG file has this file_token")
    DagSync().run_once(force=True)
    return Response(status_code=201)


@router.get("/dags/{dag_id}/grid", tags=["UI data"], responses=errors(404))
def grid(dag_id: str, _: Reader, limit: Annotated[int, Query(ge=1, le=1000)] = 25) -> dict[str, Any]:
    """The grid view's data: the newest `limit` runs (oldest first) and each task's state in each run."""
    from tradewind.store.ui_queries import grid as grid_data

    dags.require_dag(dag_id)
    records, cells = grid_data(dag_id, limit)
    return {
        "dag_runs": [serialize.dag_run(r) for r in records],
        "task_instances": {run_id: by_task for run_id, by_task in cells.items()},
    }
