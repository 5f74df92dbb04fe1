"""Run one DAG run to the end in this process — `dags test` — with the real state machine.

Every decision comes from the planner and every transition goes through the store, exactly as
under the scheduler; only the executor differs (tasks run here, one after another).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from tradewind.states import EXECUTING, DagRunState, TaskState

if TYPE_CHECKING:
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
) -> InlineResult:
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.apply import apply_plan
    from tradewind.scheduler.planner import plan
    from tradewind.store import runs, task_instances

    runs.start_run(dag.dag_id, dag_run.run_id, start_date=clock())  # unless a scheduler beside us started it
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
                _dag_callbacks(
                    dag,
                    dag_run,
                    decided.run_state.value,
                    "success" if decided.run_state is DagRunState.SUCCESS else "task_failure",
                )
            return InlineResult(decided.run_state)
        if decided.ready:
            for task_id, map_index in decided.ready:
                if progress:
                    current = next((t for t in tis if t.task_id == task_id and t.map_index == map_index), None)
                    progress.task_started(task_id, map_index, (current.try_number if current else 0) + 1)
                outcome = run_task_instance(
                    dag,
                    dag_run,
                    task_id,
                    map_index,
                    retry_delay_override=retry_delay_override,
                    test_mode=test_mode,
                    echo=echo,
                )
                if outcome is not None and progress:
                    progress.task_finished(outcome)
            continue
        if decided.changes:
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
            _dag_callbacks(dag, dag_run, DagRunState.FAILED.value, "deadlock")
        return InlineResult(DagRunState.FAILED, f"the run cannot make progress: {reasons or 'no task is ready'}")


def _executing_elsewhere(tis: list[Any], now: datetime) -> bool:
    """Instances queued or running in another process that is still heard from (heartbeat)."""
    from tradewind.config import conf

    timeout = timedelta(seconds=conf.getfloat("scheduler", "task_heartbeat_timeout", fallback=120.0))
    return any(t.state in EXECUTING and t.updated_at is not None and now - t.updated_at < timeout for t in tis)


def _dag_callbacks(dag: DAG, dag_run: DagRunRecord, state: str, reason: str) -> None:
    from tradewind.runtime.dag_callbacks import run_dag_callbacks
    from tradewind.store import runs

    run_dag_callbacks(dag, runs.get_dag_run(dag.dag_id, dag_run.run_id) or dag_run, state, reason)
