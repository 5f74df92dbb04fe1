"""Run one DAG run to the end in this process — `dags test`, `DAG.test()` — with the real state machine.

Every decision comes from the planner and every transition goes through the store, exactly as
under the scheduler; only the executor differs: tasks run here, one after another (a debugger's
breakpoints in them are hit), or, given an `executor`, are handed to it as the scheduler does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from tradewind import listeners
from tradewind.states import EXECUTING, DagRunState, TaskState

if TYPE_CHECKING:
    from tradewind.executors.base import Executor
    from tradewind.runtime.runner import Outcome
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord
    from tradewind.structure import DagStructure


class Progress(Protocol):
    """What the inline runner reports as it goes (the CLI draws it)."""

    def task_started(self, task_id: str, map_index: int, try_number: int) -> None: ...
    def task_finished(self, outcome: Outcome) -> None: ...
    def tasks_changed(self, changes: dict[tuple[str, int], TaskState]) -> None: ...
    def waiting(self, until: datetime, reason: str) -> None: ...


@dataclass(frozen=True, slots=True)
class InlineResult:
    state: DagRunState
    reason: str | None = None


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def run_inline(
    dag: DAG,
    structure: DagStructure,
    dag_run: DagRunRecord,
    *,
    progress: Progress | None = None,
    retry_delay_override: timedelta | None = None,
    clock: Callable[[], datetime] = _utcnow,
    sleep: Callable[[float], None] = time.sleep,
    test_mode: bool = True,
    echo: TextIO | None = None,
    mark_success: Callable[[str], bool] | None = None,
    executor: Executor | None = None,
) -> InlineResult:
    """Plan, run what is ready, repeat until the run ends. `mark_success(task_id)`: end it successful unrun."""
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.apply import apply_plan
    from tradewind.scheduler.planner import plan
    from tradewind.store import runs, task_instances

    if runs.start_run(dag.dag_id, dag_run.run_id, start_date=clock()):  # unless a scheduler beside us started it
        listeners.dag_run_changed(dag.dag_id, dag_run.run_id, "running")
    while True:
        tis = task_instances.list_task_instances(dag.dag_id, dag_run.run_id)
        decided = plan(structure, tis, clock())
        applied = apply_plan(dag.dag_id, dag_run.run_id, structure, decided)
        if applied.changes and progress:
            progress.tasks_changed(applied.changes)
        if applied.expanded:
            continue
        if decided.run_state is not None:
            # compare-and-set: if a running scheduler finished this run first, it fired the callbacks
            if runs.finish_run(dag.dag_id, dag_run.run_id, decided.run_state, end_date=clock()):
                _run_ended(
                    dag,
                    dag_run,
                    decided.run_state.value,
                    "success" if decided.run_state is DagRunState.SUCCESS else "task_failure",
                )
            return InlineResult(decided.run_state)
        handed = 0
        for task_id, map_index in decided.ready:
            marked = mark_success is not None and mark_success(task_id)
            if executor is not None and not marked:
                if executor.open_slots > 0:
                    _hand_over(executor, dag, dag_run, tis, task_id, map_index, progress)
                    handed += 1
                continue
            if progress:
                progress.task_started(task_id, map_index, _try_number(tis, task_id, map_index) + 1)
            outcome = run_task_instance(
                dag,
                dag_run,
                task_id,
                map_index,
                retry_delay_override=retry_delay_override,
                test_mode=test_mode,
                echo=echo,
                mark_success=marked,
                emit_datasets=True,  # `dags test` records dataset events, as Airflow's does
            )
            if outcome is not None and progress:
                progress.task_finished(outcome)
            handed += 1
        if handed or decided.changes:
            continue
        if executor is not None and executor.running:
            _await_executor(executor, progress, decided.wake_at, clock())
            continue
        if any(t.state == TaskState.DEFERRED for t in tis):  # deferred by the executor's task processes
            _be_the_triggerer(dag.dag_id, dag_run.run_id)
            continue
        if _executing_elsewhere(tis, clock()):
            sleep(0.1)  # claimed by a scheduler's worker running beside us: wait for its result
            continue
        if decided.wake_at is not None:
            if progress:
                rescheduled = any(t.state == TaskState.UP_FOR_RESCHEDULE for t in tis)
                progress.waiting(decided.wake_at, "a sensor's next poke" if rescheduled else "retry delay")
            sleep(max(0.0, (decided.wake_at - clock()).total_seconds()))
            continue
        reasons = "; ".join(f"{tid}: {why}" for (tid, _), why in sorted(decided.waiting_reasons.items()))
        if runs.finish_run(dag.dag_id, dag_run.run_id, DagRunState.FAILED, end_date=clock()):
            _run_ended(dag, dag_run, DagRunState.FAILED.value, "deadlock")
        return InlineResult(DagRunState.FAILED, f"the run cannot make progress: {reasons or 'no task is ready'}")


def _try_number(tis: list[Any], task_id: str, map_index: int) -> int:
    current = next((t for t in tis if t.task_id == task_id and t.map_index == map_index), None)
    return current.try_number if current else 0


def _hand_over(
    executor: Executor,
    dag: DAG,
    dag_run: DagRunRecord,
    tis: list[Any],
    task_id: str,
    map_index: int,
    progress: Progress | None,
) -> None:
    """Queue a ready instance (from the state it was planned in) and give it to the executor, as dispatch does."""
    from tradewind.executors.messages import Workload
    from tradewind.store import task_instances

    key = (dag.dag_id, dag_run.run_id, task_id, map_index)
    current = next(t for t in tis if t.task_id == task_id and t.map_index == map_index)
    if not task_instances.queue_ready([(key, current.state)])[0]:
        return  # moved meanwhile (cleared, marked): the next plan sees its new state
    if progress:
        progress.task_started(task_id, map_index, current.try_number + 1)
    executor.queue(Workload(*key, fileloc=dag.fileloc, dag_run=dag_run))


def _await_executor(executor: Executor, progress: Progress | None, wake_at: datetime | None, now: datetime) -> None:
    """Wait for the executor's next results (or the next retry/poke time) and report them."""
    from multiprocessing.connection import wait

    from tradewind.runtime.runner import Outcome
    from tradewind.store import task_instances

    timeout = 5.0 if wake_at is None else min(5.0, max(0.0, (wake_at - now).total_seconds()))
    wait(executor.event_handles(), timeout)
    for event in executor.get_events():
        record = event.record or task_instances.get_task_instance(*event.key)
        if progress is None or record is None or record.state in EXECUTING:
            continue
        progress.task_finished(
            Outcome(
                task_id=record.task_id,
                map_index=record.map_index,
                state=TaskState(record.state),
                try_number=record.try_number,
                duration=record.duration or 0.0,
                log_path=record.log_path,
                next_retry_at=record.next_retry_at,
            )
        )


def _be_the_triggerer(dag_id: str, run_id: str) -> None:
    """Run this run's waiting triggers here until one of its deferred instances resumes (Airflow's dags test)."""
    from tradewind.store import task_instances
    from tradewind.triggerer.job import Triggerer

    def resumed() -> bool:
        return all(t.state != TaskState.DEFERRED for t in task_instances.list_task_instances(dag_id, run_id))

    Triggerer(until=resumed).run()


def _executing_elsewhere(tis: list[Any], now: datetime) -> bool:
    """Instances queued or running in another process that is still heard from (heartbeat)."""
    from tradewind.scheduler.orphans import heartbeat_timeout

    timeout = heartbeat_timeout()
    return any(t.state in EXECUTING and t.updated_at is not None and now - t.updated_at < timeout for t in tis)


def _run_ended(dag: DAG, dag_run: DagRunRecord, state: str, reason: str) -> None:
    """The run ended here: tell the listeners, then call the DAG's own callbacks."""
    from tradewind.runtime.dag_callbacks import run_dag_callbacks
    from tradewind.store import runs

    listeners.dag_run_changed(dag.dag_id, dag_run.run_id, state, reason)
    run_dag_callbacks(dag, runs.get_dag_run(dag.dag_id, dag_run.run_id) or dag_run, state, reason)
