"""/dags/{dag_id}/dagRuns: list, trigger, get, mark, delete, clear."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict

from tradewind.actions import dags, runs
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, page
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import UsageError
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.states import DagRunState
from tradewind.timetables.base import as_utc

router = APIRouter(tags=["DAGRun"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]


class TriggerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conf: dict[str, Any] | None = None
    dag_run_id: str | None = None  # runs.check_run_id: the rule the CLI and the UI apply
    logical_date: datetime | None = None
    execution_date: datetime | None = None
    note: str | None = None


class RunStateBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    state: Literal["success", "failed", "queued"]


class ClearRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    dry_run: bool = True
    only_failed: bool = False


@router.get("/dags/{dag_id}/dagRuns", responses=errors(404))
def list_runs(
    dag_id: str,
    _: Reader,
    limit: Limit = 100,
    offset: Offset = 0,
    state: Annotated[list[str] | None, Query()] = None,
    execution_date_gte: datetime | None = None,
    execution_date_lte: datetime | None = None,
) -> dict[str, Any]:
    """Runs of one DAG (or of all with `~`), newest first; dates filter on the logical date."""
    from tradewind.store.runs import list_dag_runs

    if dag_id != "~":
        dags.require_dag(dag_id)
    unknown = sorted(set(state or ()) - {s.value for s in DagRunState})
    if unknown:
        raise UsageError(f"unknown DAG run state {unknown[0]!r}: use one of {', '.join(s.value for s in DagRunState)}")
    records = list_dag_runs(None if dag_id == "~" else dag_id, state=state)
    if execution_date_gte is not None:
        records = [r for r in records if r.logical_date >= as_utc(execution_date_gte)]
    if execution_date_lte is not None:
        records = [r for r in records if r.logical_date <= as_utc(execution_date_lte)]
    return page("dag_runs", records, limit, offset, serialize.dag_run)


@router.post("/dags/{dag_id}/dagRuns", responses=errors(404, 409))
def trigger_run(dag_id: str, body: TriggerBody, _: Editor) -> dict[str, Any]:
    if body.logical_date and body.execution_date and body.logical_date != body.execution_date:
        raise UsageError("logical_date and execution_date (its old name) differ: give one of them")
    run = runs.trigger(dag_id, body.conf, body.dag_run_id, body.logical_date or body.execution_date, body.note)
    return serialize.dag_run(run)


@router.get("/dags/{dag_id}/dagRuns/{dag_run_id}", responses=errors(404))
def get_run(dag_id: str, dag_run_id: str, _: Reader) -> dict[str, Any]:
    return serialize.dag_run(runs.require_run(dag_id, dag_run_id))


@router.patch("/dags/{dag_id}/dagRuns/{dag_run_id}", responses=errors(404))
def set_run_state(dag_id: str, dag_run_id: str, body: RunStateBody, _: Editor) -> dict[str, Any]:
    return serialize.dag_run(runs.mark_run(dag_id, dag_run_id, body.state))


@router.delete("/dags/{dag_id}/dagRuns/{dag_run_id}", status_code=204, responses=errors(404))
def delete_run(dag_id: str, dag_run_id: str, _: Editor) -> Response:
    runs.delete_run(dag_id, dag_run_id)
    return Response(status_code=204)


@router.post("/dags/{dag_id}/dagRuns/{dag_run_id}/clear", responses=errors(404))
def clear_run(dag_id: str, dag_run_id: str, body: ClearRunBody, _: Editor) -> dict[str, Any]:
    tis = runs.clear(dag_id, dag_run_id, only_failed=body.only_failed, dry_run=body.dry_run)
    if body.dry_run:
        return {"task_instances": [serialize.task_instance(t) for t in tis], "total_entries": len(tis)}
    return serialize.dag_run(runs.require_run(dag_id, dag_run_id))
