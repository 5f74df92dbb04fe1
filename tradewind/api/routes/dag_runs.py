"""/dags/{dag_id}/dagRuns: list (one DAG, `~` for all, or the `list` batch form), trigger, get, mark, note,
delete, clear, upstream dataset events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from tradewind.actions import dags, runs
from tradewind.api import serialize
from tradewind.api.date_filters import DateForm, DateQuery, ranges
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import UsageError
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.states import DagRunState

router = APIRouter(tags=["DAGRun"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]


class TriggerBody(BaseModel):
    """Airflow's DAGRun as a request: the read-only fields it shows are refused, as Airflow's schema does."""

    model_config = ConfigDict(extra="forbid")
    conf: dict[str, Any] | None = None
    dag_run_id: str | None = None  # runs.check_run_id: the rule the CLI and the UI apply
    logical_date: datetime | None = None
    execution_date: datetime | None = None
    data_interval_start: datetime | None = None
    data_interval_end: datetime | None = None
    note: str | None = None


class UpdateDagRunState(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    state: Literal["success", "failed", "queued"]


class ClearDagRun(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    dry_run: bool = True
    only_failed: bool = False


class SetDagRunNote(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    note: str = Field(max_length=1000)


class ListDagRunsForm(DateForm):
    model_config = ConfigDict(extra="forbid")
    order_by: str = "id"
    page_offset: int = Field(default=0, ge=0)
    page_limit: int = Field(default=100, ge=1, le=10000)
    dag_ids: list[str] | None = None
    states: list[str] | None = None


def check_states(states: list[str] | None) -> list[str] | None:
    unknown = sorted(set(states or ()) - {s.value for s in DagRunState})
    if unknown:
        raise UsageError(f"unknown DAG run state {unknown[0]!r}: use one of {', '.join(s.value for s in DagRunState)}")
    return states or None


def run_page(query: Any, limit: int, offset: int) -> dict[str, Any]:
    from tradewind.store.api_queries import dag_runs

    records, total = dag_runs(query, limit, offset)
    return {"dag_runs": [serialize.dag_run(r) for r in records], "total_entries": total}


@router.get("/dags/{dag_id}/dagRuns", operation_id="get_dag_runs", responses=errors(404))
def list_runs(
    dag_id: str,
    _: Reader,
    dates: Annotated[DateQuery, Depends()],
    limit: Limit = 100,
    offset: Offset = 0,
    state: Annotated[list[str] | None, Query()] = None,
    order_by: str = "id",
    fields: Annotated[list[str] | None, Query()] = None,
) -> dict[str, Any]:
    """Runs of one DAG (or of all with `~`); dates filter on the logical, start, end and update dates."""
    from tradewind.store.api_queries import RunQuery

    if dag_id != "~":
        dags.require_dag(dag_id)
    query = RunQuery(
        dag_ids=None if dag_id == "~" else [dag_id], states=check_states(state), order_by=order_by, **ranges(dates)
    )
    out = run_page(query, limit, offset)
    if fields:
        out["dag_runs"] = [{k: v for k, v in r.items() if k in fields} for r in out["dag_runs"]]
    return out


@router.post("/dags/~/dagRuns/list", operation_id="get_dag_runs_batch")
def list_runs_batch(body: ListDagRunsForm, _: Reader) -> dict[str, Any]:
    """Airflow's batch form: runs of several DAGs, filtered in the body rather than the URL."""
    from tradewind.store.api_queries import RunQuery

    query = RunQuery(dag_ids=body.dag_ids, states=check_states(body.states), order_by=body.order_by, **ranges(body))
    return run_page(query, body.page_limit, body.page_offset)


@router.post("/dags/{dag_id}/dagRuns", operation_id="post_dag_run", responses=errors(404, 409))
def trigger_run(dag_id: str, body: TriggerBody, _: Editor) -> dict[str, Any]:
    if body.logical_date and body.execution_date and body.logical_date != body.execution_date:
        raise UsageError("logical_date and execution_date (its old name) differ: give one of them")
    if (body.data_interval_start is None) != (body.data_interval_end is None):
        raise UsageError("give both data_interval_start and data_interval_end, or neither")
    run = runs.trigger(dag_id, body.conf, body.dag_run_id, body.logical_date or body.execution_date, body.note)
    return serialize.dag_run(run)


@router.get("/dags/{dag_id}/dagRuns/{dag_run_id}", operation_id="get_dag_run", responses=errors(404))
def get_run(dag_id: str, dag_run_id: str, _: Reader, fields: Annotated[list[str] | None, Query()] = None) -> Any:
    out = serialize.dag_run(runs.require_run(dag_id, dag_run_id))
    return {k: v for k, v in out.items() if k in fields} if fields else out


@router.patch("/dags/{dag_id}/dagRuns/{dag_run_id}", operation_id="update_dag_run_state", responses=errors(404))
def set_run_state(dag_id: str, dag_run_id: str, body: UpdateDagRunState, _: Editor) -> dict[str, Any]:
    return serialize.dag_run(runs.mark_run(dag_id, dag_run_id, body.state))


@router.patch("/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", operation_id="set_dag_run_note", responses=errors(404))
def set_run_note(dag_id: str, dag_run_id: str, body: SetDagRunNote, _: Editor) -> dict[str, Any]:
    return serialize.dag_run(runs.set_note(dag_id, dag_run_id, body.note))


@router.delete(
    "/dags/{dag_id}/dagRuns/{dag_run_id}", operation_id="delete_dag_run", status_code=204, responses=errors(404)
)
def delete_run(dag_id: str, dag_run_id: str, _: Editor) -> Response:
    runs.delete_run(dag_id, dag_run_id)
    return Response(status_code=204)


@router.post("/dags/{dag_id}/dagRuns/{dag_run_id}/clear", operation_id="clear_dag_run", responses=errors(404))
def clear_run(dag_id: str, dag_run_id: str, body: ClearDagRun, _: Editor) -> dict[str, Any]:
    run = runs.require_run(dag_id, dag_run_id)
    tis = runs.clear(dag_id, dag_run_id, only_failed=body.only_failed, dry_run=body.dry_run)
    if body.dry_run:
        return {
            "task_instances": [serialize.task_instance(t, run.logical_date) for t in tis],
            "total_entries": len(tis),
        }
    return serialize.dag_run(runs.require_run(dag_id, dag_run_id))


@router.get(
    "/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents",
    operation_id="get_upstream_dataset_events",
    tags=["Dataset"],
    responses=errors(404),
)
def upstream_dataset_events(dag_id: str, dag_run_id: str, _: Reader) -> dict[str, Any]:
    """The dataset events that triggered this run."""
    from tradewind.store.api_queries import run_dataset_events, runs_created_by_events

    run = runs.require_run(dag_id, dag_run_id)
    rows = run_dataset_events(run.id)
    created = runs_created_by_events([r.id for r in rows])
    return {
        "dataset_events": [serialize.dataset_event(r, created.get(r.id)) for r in rows],
        "total_entries": len(rows),
    }
