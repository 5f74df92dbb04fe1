"""/dags: list, get, pause/unpause, tasks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from tradewind.actions import dags
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, page
from tradewind.api.security import Caller, api_user
from tradewind.permissions import EDIT_DAGS, READ_DAGS

router = APIRouter(tags=["DAG"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]


class DagPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    is_paused: bool


@router.get("/dags")
def list_dags(
    _: Reader,
    limit: Limit = 100,
    offset: Offset = 0,
    tags: Annotated[list[str] | None, Query()] = None,
    dag_id_pattern: str | None = None,
    paused: bool | None = None,
    only_active: bool = True,
) -> dict[str, Any]:
    from tradewind.store.dags import list_dags as all_dags

    records = dags.filter_dags(all_dags(active_only=only_active), dag_id_pattern, tags, paused)
    return page("dags", records, limit, offset, serialize.dag)


@router.get("/dags/{dag_id}", responses=errors(404))
def get_dag(dag_id: str, _: Reader) -> dict[str, Any]:
    return serialize.dag(dags.require_dag(dag_id))


@router.patch("/dags/{dag_id}", responses=errors(404))
def patch_dag(dag_id: str, body: DagPatch, _: Editor) -> dict[str, Any]:
    return serialize.dag(dags.set_paused(dag_id, body.is_paused))


@router.get("/dags/{dag_id}/tasks", responses=errors(404))
def list_tasks(dag_id: str, _: Reader) -> dict[str, Any]:
    from tradewind.store.dags import get_structure

    dags.require_dag(dag_id)
    structure = get_structure(dag_id)
    nodes = [structure.nodes[t] for t in structure.order] if structure is not None else []
    tasks = [
        {
            "task_id": n.task_id,
            "operator": n.operator,
            "upstream": list(n.upstream),
            "downstream": list(n.downstream),
            "trigger_rule": n.trigger_rule,
            "retries": n.retries,
            "pool": n.pool,
            "queue": n.queue,
            "priority_weight": n.priority_weight,
            "task_group": n.task_group,
            "owner": n.owner,
        }
        for n in nodes
    ]
    return {"tasks": tasks, "total_entries": len(tasks)}


@router.get("/dags/{dag_id}/source", responses=errors(404))
def dag_source(dag_id: str, _: Reader) -> dict[str, Any]:
    record = dags.require_dag(dag_id)
    return {"dag_id": dag_id, "fileloc": record.fileloc, "content": dags.dag_source(record)}


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
