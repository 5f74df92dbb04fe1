"""Task instances many at once: `clearTaskInstances` (one run, a date range or every run) and
`updateTaskInstancesState` (a task with its up/downstream, in a run and the ones before or after it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from tradewind.actions import runs, tasks
from tradewind.api import serialize
from tradewind.api.openapi import errors
from tradewind.api.routes.task_instances import new_state
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, TaskNotFound, UsageError
from tradewind.permissions import EDIT_DAGS
from tradewind.states import TaskState
from tradewind.timetables.base import as_utc, as_utc_or_none

router = APIRouter(tags=["DAG"])
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]


class ClearTaskInstances(BaseModel):
    """Airflow's ClearTaskInstances: one run (`dag_run_id`), or every run whose logical date is in
    [start_date, end_date] (all runs when neither is given)."""

    model_config = ConfigDict(extra="forbid")
    dry_run: bool = True
    task_ids: list[str] | None = Field(default=None, max_length=10000)
    start_date: datetime | None = None
    end_date: datetime | None = None
    only_failed: bool = True
    only_running: bool = False
    reset_dag_runs: bool = True
    include_subdags: bool = False
    include_parentdag: bool = False
    include_upstream: bool = False
    include_downstream: bool = False
    include_future: bool = False
    include_past: bool = False
    dag_run_id: str | None = None


class UpdateTaskInstancesState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = True
    task_id: str
    execution_date: datetime | None = None
    dag_run_id: str | None = None
    include_upstream: bool = False
    include_downstream: bool = False
    include_future: bool = False
    include_past: bool = False
    new_state: str


def _runs_of(
    dag_id: str,
    run_id: str | None,
    start: datetime | None,
    end: datetime | None,
    *,
    past: bool = False,
    future: bool = False,
) -> list[Any]:
    """One run (and, with `past`/`future`, those before/after it), or every run between `start` and `end`."""
    from tradewind.store.api_queries import Range, RunQuery, dag_runs

    if run_id is not None:
        run = runs.require_run(dag_id, run_id)
        if not (past or future):
            return [run]
        start, end = (None if past else run.logical_date), (None if future else run.logical_date)
    found, _total = dag_runs(
        RunQuery(dag_ids=[dag_id], logical_date=Range(as_utc_or_none(start), as_utc_or_none(end))), 100000, 0
    )
    return found


@router.post("/dags/{dag_id}/clearTaskInstances", operation_id="post_clear_task_instances", tags=["DAG"],
             responses=errors(404))  # fmt: skip
def clear_tis(dag_id: str, body: ClearTaskInstances, _: Editor) -> dict[str, Any]:
    """Clear the chosen tasks (with their setups and teardowns, and up- or downstream if asked) in one run,
    or in every run of the date range; `only_failed` (Airflow's default) keeps the rest."""
    from tradewind.actions.dags import require_dag
    from tradewind.store.dags import get_structure

    require_dag(dag_id)
    if body.dag_run_id is not None and (body.start_date or body.end_date):
        raise UsageError("give dag_run_id, or start_date/end_date, not both")
    task_ids = body.task_ids
    structure = get_structure(dag_id)
    if task_ids and structure is not None:
        unknown = sorted(set(task_ids) - set(structure.nodes))
        if unknown:
            raise TaskNotFound(f"no task {', '.join(unknown)} in DAG '{dag_id}'")
        if body.include_upstream:
            task_ids = structure.relatives(list(task_ids), upstream=True)
    out = []
    chosen_runs = _runs_of(
        dag_id, body.dag_run_id, body.start_date, body.end_date, past=body.include_past, future=body.include_future
    )
    for run in chosen_runs:
        present = None
        if task_ids is not None:
            from tradewind.store import task_instances

            have = {t.task_id for t in task_instances.list_task_instances(dag_id, run.run_id)}
            present = [t for t in task_ids if t in have]
            if not present:
                continue
        chosen = runs.clear(
            dag_id,
            run.run_id,
            present,
            downstream=body.include_downstream,
            only_failed=body.only_failed,
            dry_run=True,
        )
        if body.only_running:
            chosen = [t for t in chosen if t.state == TaskState.RUNNING]
        if chosen and not body.dry_run:
            runs.clear(dag_id, run.run_id, sorted({t.task_id for t in chosen}), exact=True)
        out += [serialize.ti_reference(t, run.logical_date) for t in chosen]
    return {"task_instances": out}


@router.post("/dags/{dag_id}/updateTaskInstancesState", operation_id="post_set_task_instances_state", tags=["DAG"],
             responses=errors(404, 409))  # fmt: skip
def update_tis_state(dag_id: str, body: UpdateTaskInstancesState, _: Editor) -> dict[str, Any]:
    """Set a task's instances (and, if asked, those up- or downstream of it, in this run or the ones before
    or after it) to success, failed or skipped."""
    from tradewind.store import task_instances
    from tradewind.store.dags import get_structure

    state = new_state(body.new_state)
    if (body.dag_run_id is None) == (body.execution_date is None):
        raise UsageError("give exactly one of dag_run_id and execution_date")
    from tradewind.actions.dags import require_dag

    require_dag(dag_id)
    if body.dag_run_id is not None:
        run = runs.require_run(dag_id, body.dag_run_id)
    else:
        from tradewind.store.runs import find_dag_run

        found = find_dag_run(dag_id, as_utc(body.execution_date)) if body.execution_date else None
        if found is None:
            raise NotFound(f"DAG '{dag_id}' has no run at {body.execution_date}")
        run = found
    structure = get_structure(dag_id)
    task_ids = [body.task_id]
    if structure is not None:
        if body.task_id not in structure.nodes:
            raise NotFound(f"task '{body.task_id}' not found in DAG '{dag_id}'")
        if body.include_upstream:
            task_ids = structure.relatives(task_ids, upstream=True)
        if body.include_downstream:
            task_ids = list(dict.fromkeys(task_ids + structure.relatives([body.task_id], upstream=False)))
    chosen_runs = _runs_of(dag_id, run.run_id, None, None, past=body.include_past, future=body.include_future)
    out = []
    for r in chosen_runs:
        for ti in task_instances.list_task_instances(dag_id, r.run_id):
            if ti.task_id in task_ids and ti.state != state:
                if not body.dry_run:
                    ti = tasks.set_ti_state(dag_id, r.run_id, ti.task_id, ti.map_index, state)
                out.append(serialize.ti_reference(ti, r.logical_date))
    return {"task_instances": out}
