"""/dags: list, get, pause/unpause, tasks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from tradewind.api import actions, serialize
from tradewind.api.openapi import errors
from tradewind.api.security import Caller, api_user
from tradewind.permissions import EDIT_DAGS, READ_DAGS

router = APIRouter(tags=["DAG"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]


class DagPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    is_paused: bool


@router.get("/dags")
def list_dags(_: Reader, limit: Annotated[int, Query(ge=1, le=10000)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
              tags: Annotated[list[str] | None, Query()] = None, dag_id_pattern: str | None = None,
              paused: bool | None = None, only_active: bool = True) -> dict[str, Any]:
    from tradewind.store import dags

    records = actions.filter_dags(dags.list_dags(active_only=only_active), dag_id_pattern, tags, paused)
    return {"dags": [serialize.dag(d) for d in records[offset:offset + limit]], "total_entries": len(records)}


@router.get("/dags/{dag_id}", responses=errors(404))
def get_dag(dag_id: str, _: Reader) -> dict[str, Any]:
    return serialize.dag(actions.require_dag(dag_id))


@router.patch("/dags/{dag_id}", responses=errors(404))
def patch_dag(dag_id: str, body: DagPatch, _: Editor) -> dict[str, Any]:
    return serialize.dag(actions.set_paused(dag_id, body.is_paused))


@router.get("/dags/{dag_id}/tasks", responses=errors(404))
def list_tasks(dag_id: str, _: Reader) -> dict[str, Any]:
    from tradewind.store import dags

    actions.require_dag(dag_id)
    data = dags.get_serialized(dag_id) or {}
    keep = ("task_id", "operator", "upstream", "downstream", "trigger_rule", "retries", "pool", "queue",
            "priority_weight", "task_group", "owner")
    tasks = [{k: t.get(k) for k in keep} for t in data.get("tasks", [])]
    return {"tasks": tasks, "total_entries": len(tasks)}


@router.get("/dags/{dag_id}/source", responses=errors(404))
def dag_source(dag_id: str, _: Reader) -> dict[str, Any]:
    record = actions.require_dag(dag_id)
    return {"dag_id": dag_id, "fileloc": record.fileloc, "content": actions.dag_source(record)}


@router.get("/dags/{dag_id}/grid", tags=["UI data"], responses=errors(404))
def grid(dag_id: str, _: Reader, limit: Annotated[int, Query(ge=1, le=1000)] = 25) -> dict[str, Any]:
    """The grid view's data: the newest `limit` runs (oldest first) and each task's state in each run."""
    from tradewind.store.ui_queries import grid as grid_data

    actions.require_dag(dag_id)
    records, cells = grid_data(dag_id, limit)
    return {"dag_runs": [serialize.dag_run(r) for r in records],
            "task_instances": {run_id: by_task for run_id, by_task in cells.items()}}
