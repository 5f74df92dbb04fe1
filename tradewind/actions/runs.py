"""DAG runs: trigger one (one run_id rule and one conf check for the UI, the API and the CLI), clear it,
mark it, delete it. Clearing and marking are each one transaction, from the run state just read."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tradewind.actions import audit
from tradewind.exceptions import DagRunNotFound, StateConflict, TaskNotFound, UsageError
from tradewind.states import EXECUTING, FINISHED, DagRunState, DagRunType, TaskState

if TYPE_CHECKING:
    from tradewind.store.records import DagRunRecord, TaskInstanceRecord

RUN_ID = re.compile(r"[A-Za-z0-9_.~:+-]+")  # Airflow's default [scheduler] allowed_run_id_pattern: safe in a URL
MAX_RUN_ID = 250  # the column's length, as Airflow's
FAILED_STATES = frozenset({TaskState.FAILED, TaskState.UPSTREAM_FAILED})
MARKS = (DagRunState.SUCCESS, DagRunState.FAILED, DagRunState.QUEUED)


def require_run(dag_id: str, run_id: str) -> DagRunRecord:
    from tradewind.store import runs

    record = runs.get_dag_run(dag_id, run_id)
    if record is None:
        raise DagRunNotFound(f"DAG run '{run_id}' of DAG '{dag_id}' not found")
    return record


def check_run_id(run_id: str, run_type: DagRunType = DagRunType.MANUAL) -> str:
    """Airflow's rule for a run_id someone chose: 1 to 250 characters among letters, digits and `_.~:+-`
    (no '/' or space: it goes in URL paths), not starting with another run type's prefix (`scheduled__`, …)."""
    if not 1 <= len(run_id) <= MAX_RUN_ID:
        raise UsageError(f"run_id must be 1 to {MAX_RUN_ID} characters long, not {len(run_id)}")
    if not RUN_ID.fullmatch(run_id):
        shown = run_id if len(run_id) <= 60 else run_id[:60] + "…"
        raise UsageError(f"run_id {shown!r} may hold only letters, digits and _.~:+- (no '/', no spaces)")
    for other in DagRunType:
        if other != run_type and run_id.startswith(f"{other.value}__"):
            raise UsageError(
                f"run_id {run_id!r} is reserved for {other.value} runs: a {DagRunType(run_type).value} "
                f"run cannot start with '{other.value}__'"
            )
    return run_id


def parse_conf(text: str | None) -> dict[str, Any]:
    """A run's conf typed as JSON (the CLI's -c, the UI's box): an object, or {} when nothing was typed."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"invalid conf JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise UsageError("conf is nested too deeply") from None
    if not isinstance(value, dict):
        raise UsageError(f"conf must be a JSON object, not {type(value).__name__}")
    return value


def trigger(
    dag_id: str,
    conf: dict[str, Any] | None = None,
    run_id: str | None = None,
    logical_date: datetime | None = None,
    note: str | None = None,
) -> DagRunRecord:
    """A manual run, queued: the run_id checked, the conf checked against the DAG's params."""
    from tradewind.actions.dags import require_dag
    from tradewind.scheduler.trigger import trigger_dag

    if run_id is not None:
        check_run_id(run_id)
    if conf is not None and not isinstance(conf, dict):
        raise UsageError(f"conf must be a JSON object, not {type(conf).__name__}")
    require_dag(dag_id)
    try:
        run = trigger_dag(dag_id, conf=conf, run_id=run_id, logical_date=logical_date, note=note)
    except OverflowError:  # e.g. year 1 or 9999: the data interval falls off the calendar
        raise UsageError(f"logical_date {logical_date.isoformat() if logical_date else ''} is out of range") from None
    audit.record(
        "trigger", dag_id=dag_id, run_id=run.run_id, execution_date=run.logical_date, conf=conf or {}, note=note
    )
    return run


def clear(
    dag_id: str,
    run_id: str,
    task_ids: list[str] | None = None,
    *,
    downstream: bool = False,
    only_failed: bool = False,
    dry_run: bool = False,
    exact: bool = False,
) -> list[TaskInstanceRecord]:
    """Send instances back to `none` (retries restored) and the run back to queued, as Airflow does;
    returns the instances chosen (and, with `dry_run`, changes nothing).

    As Airflow, `task_ids` bring their setups and teardowns (and, with `downstream`, everything
    downstream); `exact` clears just `task_ids`, for a caller that chose them that way already.
    """
    from tradewind.scheduler.wakeup import notify
    from tradewind.store import dags, runs, task_instances

    run = require_run(dag_id, run_id)
    tis = task_instances.list_task_instances(dag_id, run_id)
    if task_ids is not None:
        unknown = set(task_ids) - {t.task_id for t in tis}
        if unknown:
            raise TaskNotFound(f"no task {', '.join(sorted(unknown))} in run '{run_id}'")
        structure = None if exact else dags.get_structure(dag_id)
        if structure is not None:
            task_ids = structure.clear_selection(task_ids, downstream=downstream)
        tis = [t for t in tis if t.task_id in set(task_ids)]
    if only_failed:
        tis = [t for t in tis if t.state in FAILED_STATES]
    if dry_run or not tis:
        return tis
    if not runs.clear_run(
        dag_id,
        run_id,
        sorted({t.task_id for t in tis}),
        expected={run.state},
        retries=_retries(dag_id),
        ti_states=FAILED_STATES if only_failed else None,
    ):
        raise _lost_race(dag_id, run_id, run.state)
    notify()
    audit.record(
        "clear",
        dag_id=dag_id,
        run_id=run_id,
        execution_date=run.logical_date,
        task_ids=sorted({t.task_id for t in tis}),
        only_failed=only_failed,
    )
    return tis


def _retries(dag_id: str) -> dict[str, int]:
    from tradewind.store import dags

    structure = dags.get_structure(dag_id)
    return {t: n.retries for t, n in structure.nodes.items()} if structure is not None else {}


def mark_run(dag_id: str, run_id: str, state: str) -> DagRunRecord:
    """Mark a run success (unfinished tasks → success) or failed (running and queued → failed, waiting → skipped);
    queued clears the whole run so that it runs again.

    As Airflow (2.7+), teardown tasks that have not finished are left alone so that they still run:
    the run then stays as it is and the scheduler ends it, by its rules, once they are done."""
    from tradewind.store import dags, runs, task_instances
    from tradewind.store.sql import utcnow

    if state not in MARKS:
        raise UsageError(f"a DAG run can be marked {', '.join(MARKS)}, not {state!r}")
    if state == DagRunState.QUEUED:
        was = require_run(dag_id, run_id).state
        clear(dag_id, run_id)
        audit.record(f"dagrun.{state}", dag_id=dag_id, run_id=run_id, was=was)
        return require_run(dag_id, run_id)
    run = require_run(dag_id, run_id)
    unfinished = [s for s in TaskState if s not in FINISHED]
    moves: dict[str, str]
    if state == DagRunState.SUCCESS:
        moves = {s: TaskState.SUCCESS for s in unfinished}
    else:
        moves = {s: TaskState.FAILED if s in EXECUTING else TaskState.SKIPPED for s in unfinished}
    structure = dags.get_structure(dag_id)
    teardowns = {t for t, n in structure.nodes.items() if n.is_teardown} if structure is not None else set()
    pending = {
        t.task_id
        for t in task_instances.list_task_instances(dag_id, run_id)
        if t.task_id in teardowns and t.state not in FINISHED
    }
    mark = None if pending else state
    if not runs.mark_run(
        dag_id, run_id, mark, expected={run.state}, moves=moves, end_date=utcnow(), keep_tasks=pending
    ):
        raise _lost_race(dag_id, run_id, run.state)
    audit.record(f"dagrun.{state}", dag_id=dag_id, run_id=run_id, execution_date=run.logical_date, was=run.state)
    if pending:
        from tradewind.scheduler.wakeup import notify

        notify()  # the scheduler runs the teardowns, then ends the run
    return require_run(dag_id, run_id)


def _lost_race(dag_id: str, run_id: str, was: str) -> DagRunNotFound | StateConflict:
    """The error for a compare-and-set on a run that did not apply: the run is gone, or moved meanwhile."""
    from tradewind.store import runs

    now = runs.get_dag_run(dag_id, run_id)
    if now is None:
        return DagRunNotFound(f"DAG run '{run_id}' of DAG '{dag_id}' not found (deleted meanwhile)")
    return StateConflict(
        f"DAG run '{run_id}' of DAG '{dag_id}' went from {was} to {now.state} meanwhile "
        "(another process moved it): nothing was changed; look again and retry"
    )


def delete_run(dag_id: str, run_id: str) -> None:
    from tradewind.store import runs

    if not runs.delete_dag_run(dag_id, run_id):
        raise DagRunNotFound(f"DAG run '{run_id}' of DAG '{dag_id}' not found")
    audit.record("dagrun.delete", dag_id=dag_id, run_id=run_id)


def set_note(dag_id: str, run_id: str, note: str | None) -> DagRunRecord:
    """A run's note (the UI's and Airflow's `setNote`); empty text removes it."""
    from tradewind.store.api_queries import set_run_note

    run = require_run(dag_id, run_id)
    if not set_run_note(dag_id, run_id, note or None):
        raise _lost_race(dag_id, run_id, run.state)
    audit.record("dagrun.note", dag_id=dag_id, run_id=run_id, note=note)
    return require_run(dag_id, run_id)
