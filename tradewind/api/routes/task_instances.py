"""Task instances of a run: list, get, tries, log, clear, set state; and their XCom entries."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tradewind.actions import runs, tasks
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.security import Caller, api_user
from tradewind.permissions import EDIT_DAGS, READ_DAGS

router = APIRouter(tags=["TaskInstance"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]
MapIndex = Annotated[int, Query(ge=-1, le=tasks.MAX_MAP_INDEX)]
TI = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"


class ClearBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    dag_run_id: str
    task_ids: list[str] | None = Field(default=None, max_length=10000)
    only_failed: bool = False
    dry_run: bool = True


class TIStateBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    new_state: Literal["success", "failed", "skipped"]
    map_index: int = Field(default=-1, ge=-1, le=tasks.MAX_MAP_INDEX)
    dry_run: bool = False


@router.get("/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances", responses=errors(404))
def list_tis(dag_id: str, dag_run_id: str, _: Reader) -> dict[str, Any]:
    from tradewind.store import task_instances

    run = runs.require_run(dag_id, dag_run_id)
    tis = task_instances.list_task_instances(dag_id, dag_run_id)
    return {"task_instances": [serialize.task_instance(t, run.logical_date) for t in tis], "total_entries": len(tis)}


@router.get(TI, responses=errors(404))
def get_ti(dag_id: str, dag_run_id: str, task_id: str, _: Reader, map_index: MapIndex = -1) -> dict[str, Any]:
    run = runs.require_run(dag_id, dag_run_id)
    return serialize.task_instance(tasks.require_ti(dag_id, dag_run_id, task_id, map_index), run.logical_date)


@router.get(TI + "/tries", responses=errors(404))
def list_tries(dag_id: str, dag_run_id: str, task_id: str, _: Reader, map_index: MapIndex = -1) -> dict[str, Any]:
    from tradewind.store import tries

    tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    found = tries.list_tries(dag_id, dag_run_id, task_id, map_index)
    return {"task_instances": [serialize.task_try(t) for t in found], "total_entries": len(found)}


@router.get(TI + "/logs/{task_try_number}", responses=errors(404))
def get_log(
    request: Request,
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    task_try_number: int,
    _: Reader,
    map_index: MapIndex = -1,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    """One try's log from byte `offset`: JSON {content, continuation_token} (Airflow's), or text/plain if asked."""
    ti = tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    text, next_offset, _exists = tasks.read_log(ti, task_try_number, offset)
    if "text/plain" in request.headers.get("accept", ""):
        return PlainTextResponse(text, headers={"X-Log-Offset": str(next_offset)})
    return JSONResponse({"content": text, "continuation_token": str(next_offset)})


@router.patch(TI, responses=errors(404))
def set_ti_state(dag_id: str, dag_run_id: str, task_id: str, body: TIStateBody, _: Editor) -> dict[str, Any]:
    if body.dry_run:
        return serialize.task_instance(tasks.require_ti(dag_id, dag_run_id, task_id, body.map_index))
    return serialize.task_instance(tasks.set_ti_state(dag_id, dag_run_id, task_id, body.map_index, body.new_state))


@router.post("/dags/{dag_id}/clearTaskInstances", responses=errors(404))
def clear_tis(dag_id: str, body: ClearBody, _: Editor) -> dict[str, Any]:
    tis = runs.clear(dag_id, body.dag_run_id, body.task_ids, only_failed=body.only_failed, dry_run=body.dry_run)
    return {"task_instances": [serialize.task_instance(t) for t in tis], "total_entries": len(tis)}


@router.get(TI + "/xcomEntries", responses=errors(404))
def list_xcoms(dag_id: str, dag_run_id: str, task_id: str, _: Reader, map_index: MapIndex = -1) -> dict[str, Any]:
    from tradewind.store import xcom

    tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    entries = [x for x in xcom.list_xcoms(dag_id, dag_run_id, task_id) if x.map_index == map_index]
    return {"xcom_entries": [serialize.xcom(x, with_value=False) for x in entries], "total_entries": len(entries)}


@router.get(TI + "/xcomEntries/{xcom_key}", responses=errors(404))
def get_xcom(
    dag_id: str, dag_run_id: str, task_id: str, xcom_key: str, _: Reader, map_index: MapIndex = -1
) -> dict[str, Any]:
    from tradewind.exceptions import NotFound
    from tradewind.store import xcom

    tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    for x in xcom.list_xcoms(dag_id, dag_run_id, task_id):
        if x.map_index == map_index and x.key == xcom_key:
            return serialize.xcom(x)
    raise NotFound(f"XCom entry '{xcom_key}' not found")
