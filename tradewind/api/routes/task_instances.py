"""Task instances: list (one run, `~` runs and DAGs, or the `list` batch form), get (mapped too), tries,
dependencies, links, log, set state, notes. Many at once: `task_instance_batch`; XCom: `xcom`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tradewind.actions import runs, tasks
from tradewind.api import serialize
from tradewind.api.date_filters import DateForm, TaskInstanceQuery, ranges
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, UsageError
from tradewind.permissions import EDIT_DAGS, READ_DAGS
from tradewind.states import TaskState

router = APIRouter(tags=["TaskInstance"])
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Editor = Annotated[Caller, Depends(api_user(EDIT_DAGS))]
MapIndex = Annotated[int, Query(ge=-1, le=tasks.MAX_MAP_INDEX)]
MapPath = Annotated[int, Path(ge=0, le=tasks.MAX_MAP_INDEX)]
Many = Annotated[list[str] | None, Query()]
RUN = "/dags/{dag_id}/dagRuns/{dag_run_id}"
TI = RUN + "/taskInstances/{task_id}"
MAPPED = TI + "/{map_index:int}"
NEW_STATES = ("success", "failed", "skipped")


class UpdateTaskInstance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = False
    new_state: str


class SetTaskInstanceNote(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    note: str = Field(max_length=1000)


class ListTaskInstanceForm(DateForm):
    model_config = ConfigDict(extra="forbid")
    dag_ids: list[str] | None = None
    dag_run_ids: list[str] | None = None
    task_ids: list[str] | None = None
    duration_gte: float | None = None
    duration_lte: float | None = None
    state: list[str | None] | None = None
    pool: list[str] | None = None
    queue: list[str] | None = None
    executor: list[str] | None = None


def new_state(value: str) -> str:
    if value not in NEW_STATES:
        raise UsageError(f"new_state must be one of {', '.join(NEW_STATES)}, not {value!r}")
    return value


def _states(values: Sequence[str | None] | None) -> list[str] | None:
    """Airflow's state filter: `none`, `null` or null match instances with no state yet."""
    if not values:
        return None
    known = {s.value for s in TaskState}
    out = []
    for v in values:
        name = "none" if v in (None, "null", "") else v
        if name not in known:
            raise UsageError(f"unknown task instance state {v!r}: use one of {', '.join(sorted(known))}")
        out.append(name)
    return out


def _ti_page(query: Any, limit: int, offset: int) -> dict[str, Any]:
    from tradewind.store.api_queries import task_instances

    found, total = task_instances(query, limit, offset)
    return {"task_instances": [serialize.task_instance(t, when) for t, when in found], "total_entries": total}


def _ti_query(
    dag_id: str,
    dag_run_id: str,
    filters: TaskInstanceQuery,
    state: Sequence[str | None] | None,
    pool: list[str] | None,
    queue: list[str] | None,
    *,
    task_ids: list[str] | None = None,
    mapped: bool = False,
    order_by: str = "map_index",
) -> Any:
    from tradewind.store.api_queries import TIQuery

    if dag_id != "~":
        from tradewind.actions.dags import require_dag

        require_dag(dag_id)
    if dag_id != "~" and dag_run_id != "~":
        runs.require_run(dag_id, dag_run_id)
    return TIQuery(
        dag_ids=None if dag_id == "~" else [dag_id],
        run_ids=None if dag_run_id == "~" else [dag_run_id],
        task_ids=task_ids,
        map_indexes_of_mapped=mapped,
        states=_states(state),
        pools=pool,
        queues=queue,
        order_by=order_by,
        **ranges(filters),
    )


@router.get(RUN + "/taskInstances", operation_id="get_task_instances", responses=errors(404))
def list_tis(
    dag_id: str,
    dag_run_id: str,
    _: Reader,
    filters: Annotated[TaskInstanceQuery, Depends()],
    state: Many = None,
    pool: Many = None,
    queue: Many = None,
    executor: Many = None,  # Airflow's filter; every instance here ran on the one configured executor
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Instances of a run (`~` for every run, and `~` DAG for every DAG)."""
    return _ti_page(_ti_query(dag_id, dag_run_id, filters, state, pool, queue), limit, offset)


@router.post("/dags/~/dagRuns/~/taskInstances/list", operation_id="get_task_instances_batch")
def list_tis_batch(body: ListTaskInstanceForm, _: Reader) -> dict[str, Any]:
    from tradewind.store.api_queries import TIQuery

    query = TIQuery(
        dag_ids=body.dag_ids,
        run_ids=body.dag_run_ids,
        task_ids=body.task_ids,
        states=_states(body.state),
        pools=body.pool,
        queues=body.queue,
        order_by="id",
        **ranges(body),
    )
    return _ti_page(query, 10000, 0)


@router.get(TI + "/listMapped", operation_id="get_mapped_task_instances", responses=errors(404))
def list_mapped(
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    _: Reader,
    filters: Annotated[TaskInstanceQuery, Depends()],
    limit: Limit = 100,
    offset: Offset = 0,
    state: Many = None,
    pool: Many = None,
    queue: Many = None,
    executor: Many = None,
    order_by: str = "map_index",
) -> dict[str, Any]:
    """The expanded instances (map_index ≥ 0) of a mapped task; 404 if the task is not mapped."""
    from tradewind.store import task_instances

    run = runs.require_run(dag_id, dag_run_id)
    if not any(t.task_id == task_id for t in task_instances.list_task_instances(dag_id, run.run_id)):
        raise NotFound(f"task instance '{task_id}' of run '{dag_run_id}' not found")
    query = _ti_query(
        dag_id, dag_run_id, filters, state, pool, queue, task_ids=[task_id], mapped=True, order_by=order_by
    )
    return _ti_page(query, limit, offset)


def _get(dag_id: str, dag_run_id: str, task_id: str, map_index: int) -> dict[str, Any]:
    run = runs.require_run(dag_id, dag_run_id)
    return serialize.task_instance(tasks.require_ti(dag_id, dag_run_id, task_id, map_index), run.logical_date)


@router.get(TI, operation_id="get_task_instance", responses=errors(404))
def get_ti(dag_id: str, dag_run_id: str, task_id: str, _: Reader) -> dict[str, Any]:
    return _get(dag_id, dag_run_id, task_id, -1)


def _tries(dag_id: str, dag_run_id: str, task_id: str, map_index: int) -> list[dict[str, Any]]:
    """Every try: the finished ones from the history, then the current one (if it has started)."""
    from tradewind.store import tries

    run = runs.require_run(dag_id, dag_run_id)
    ti = tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    out = [
        serialize.task_try(t, ti, run.logical_date) for t in tries.list_tries(dag_id, dag_run_id, task_id, map_index)
    ]
    if ti.try_number > 0 and all(t["try_number"] != ti.try_number for t in out):
        out.append(serialize.task_instance(ti, run.logical_date))
    return sorted(out, key=lambda t: t["try_number"])


def _try(dag_id: str, dag_run_id: str, task_id: str, map_index: int, task_try_number: int) -> dict[str, Any]:
    for t in _tries(dag_id, dag_run_id, task_id, map_index):
        if t["try_number"] == task_try_number:
            return t
    raise NotFound(f"task instance '{task_id}' has no try {task_try_number}")


def _tries_page(items: list[dict[str, Any]], limit: int, offset: int, order_by: str) -> dict[str, Any]:
    key = order_by.lstrip("-")
    if items and key not in items[0]:
        raise UsageError(f"order_by {order_by!r}: no such field")
    items.sort(key=lambda t: (t[key] is None, str(t[key]) if not isinstance(t[key], int) else t[key]))
    if order_by.startswith("-"):
        items.reverse()
    return {"task_instances": items[offset : offset + limit], "total_entries": len(items)}


@router.get(TI + "/tries", operation_id="get_task_instance_tries", responses=errors(404))
def list_tries(
    dag_id: str, dag_run_id: str, task_id: str, _: Reader, limit: Limit = 100, offset: Offset = 0,
    order_by: str = "try_number",
) -> dict[str, Any]:  # fmt: skip
    return _tries_page(_tries(dag_id, dag_run_id, task_id, -1), limit, offset, order_by)


@router.get(TI + "/tries/{task_try_number}", operation_id="get_task_instance_try_details", responses=errors(404))
def get_try(dag_id: str, dag_run_id: str, task_id: str, task_try_number: int, _: Reader) -> dict[str, Any]:
    return _try(dag_id, dag_run_id, task_id, -1, task_try_number)


def _dependencies(dag_id: str, dag_run_id: str, task_id: str, map_index: int) -> dict[str, Any]:
    """Why the instance is not running (the scheduler's own reasons, as `tasks explain` gives them)."""
    from tradewind.scheduler.explain import Code, explain_task_instance

    tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    reasons = explain_task_instance(dag_id, dag_run_id, task_id, map_index)
    return {
        "dependencies": [
            {"name": r.code.value.replace("_", " ").title(), "reason": r.sentence}
            for r in reasons
            if r.code not in (Code.READY, Code.RUNNING)
        ]
    }


@router.get(TI + "/dependencies", operation_id="get_task_instance_dependencies", responses=errors(404))
def dependencies(dag_id: str, dag_run_id: str, task_id: str, _: Reader) -> dict[str, Any]:
    return _dependencies(dag_id, dag_run_id, task_id, -1)


@router.get(TI + "/links", operation_id="get_extra_links", responses=errors(404))
def extra_links(dag_id: str, dag_run_id: str, task_id: str, _: Reader) -> dict[str, Any]:
    """Operator extra links: Tradewind's operators define none, so the list is empty (for a real instance)."""
    tasks.require_ti(dag_id, dag_run_id, task_id, -1)
    return {"extra_links": []}


@router.get(TI + "/logs/{task_try_number}", operation_id="get_log", responses=errors(400, 404))
def get_log(
    request: Request,
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    task_try_number: int,
    _: Reader,
    full_content: bool = False,
    map_index: MapIndex = -1,
    token: str | None = None,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    """One try's log: JSON {content, continuation_token} (Airflow's), or text/plain if asked.

    Reading resumes where `token` (the last answer's continuation_token) says; `full_content` reads to the end.
    """
    ti = tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    start = offset
    if token:
        if not token.isdigit():
            raise UsageError("token: not a continuation token this server gave")
        start = int(token)
    text, next_offset, _exists = tasks.read_log(ti, task_try_number, start)
    while full_content and text and next_offset - start == len(text.encode()):
        more, after, _found = tasks.read_log(ti, task_try_number, next_offset)
        if not more:
            break
        text, next_offset = text + more, after
    if "text/plain" in request.headers.get("accept", "") and "application/json" not in request.headers.get(
        "accept", ""
    ):
        return PlainTextResponse(text, headers={"X-Log-Offset": str(next_offset)})
    return JSONResponse({"content": text, "continuation_token": str(next_offset)})


def _patch(dag_id: str, dag_run_id: str, task_id: str, map_index: int, body: UpdateTaskInstance) -> dict[str, Any]:
    run = runs.require_run(dag_id, dag_run_id)
    state = new_state(body.new_state)
    ti = tasks.require_ti(dag_id, dag_run_id, task_id, map_index)
    if not body.dry_run:
        ti = tasks.set_ti_state(dag_id, dag_run_id, task_id, map_index, state)
    return serialize.ti_reference(ti, run.logical_date)


@router.patch(TI, operation_id="patch_task_instance", responses=errors(404, 409))
def set_ti_state(dag_id: str, dag_run_id: str, task_id: str, body: UpdateTaskInstance, _: Editor) -> dict[str, Any]:
    return _patch(dag_id, dag_run_id, task_id, -1, body)


@router.patch(TI + "/setNote", operation_id="set_task_instance_note", responses=errors(404))
def set_note(dag_id: str, dag_run_id: str, task_id: str, body: SetTaskInstanceNote, _: Editor) -> dict[str, Any]:
    run = runs.require_run(dag_id, dag_run_id)
    return serialize.task_instance(tasks.set_note(dag_id, dag_run_id, task_id, -1, body.note), run.logical_date)


# --- mapped instances (`/{map_index}` after the literal routes above, digits only) ----------------
@router.get(MAPPED, operation_id="get_mapped_task_instance", responses=errors(404))
def get_mapped(dag_id: str, dag_run_id: str, task_id: str, map_index: MapPath, _: Reader) -> dict[str, Any]:
    return _get(dag_id, dag_run_id, task_id, map_index)


@router.patch(MAPPED, operation_id="patch_mapped_task_instance", responses=errors(404, 409))
def set_mapped_state(
    dag_id: str, dag_run_id: str, task_id: str, map_index: MapPath, body: UpdateTaskInstance, _: Editor
) -> dict[str, Any]:
    return _patch(dag_id, dag_run_id, task_id, map_index, body)


@router.get(MAPPED + "/tries", operation_id="get_mapped_task_instance_tries", responses=errors(404))
def list_mapped_tries(
    dag_id: str, dag_run_id: str, task_id: str, map_index: MapPath, _: Reader, limit: Limit = 100,
    offset: Offset = 0, order_by: str = "try_number",
) -> dict[str, Any]:  # fmt: skip
    return _tries_page(_tries(dag_id, dag_run_id, task_id, map_index), limit, offset, order_by)


@router.get(
    MAPPED + "/tries/{task_try_number}", operation_id="get_mapped_task_instance_try_details", responses=errors(404)
)
def get_mapped_try(
    dag_id: str, dag_run_id: str, task_id: str, map_index: MapPath, task_try_number: int, _: Reader
) -> dict[str, Any]:
    return _try(dag_id, dag_run_id, task_id, map_index, task_try_number)


@router.get(MAPPED + "/dependencies", operation_id="get_mapped_task_instance_dependencies", responses=errors(404))
def mapped_dependencies(dag_id: str, dag_run_id: str, task_id: str, map_index: MapPath, _: Reader) -> dict[str, Any]:
    return _dependencies(dag_id, dag_run_id, task_id, map_index)


@router.patch(MAPPED + "/setNote", operation_id="set_mapped_task_instance_note", responses=errors(404))
def set_mapped_note(
    dag_id: str, dag_run_id: str, task_id: str, map_index: MapPath, body: SetTaskInstanceNote, _: Editor
) -> dict[str, Any]:
    run = runs.require_run(dag_id, dag_run_id)
    return serialize.task_instance(tasks.set_note(dag_id, dag_run_id, task_id, map_index, body.note), run.logical_date)
