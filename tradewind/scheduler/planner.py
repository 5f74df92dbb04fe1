"""Decide, for one DAG run, what happens next: pure logic over states and a clock.

Given the run's task-instance states and `now`, `plan()` says which instances are ready to
queue, which become skipped or upstream_failed by their trigger rules, which mapped tasks must be
expanded, when to wake up next, and whether the run has finished. It touches no database, so the
inline `dags test` runner and the scheduler share it, and tests drive it with a fixed clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tradewind.scheduler.structure import DagStructure
from tradewind.scheduler.trigger_rules import Decision, UpstreamSummary, evaluate
from tradewind.states import FINISHED, DagRunState, TaskState

TIKey = tuple[str, int]  # (task_id, map_index)


class TIView(Protocol):
    task_id: str
    map_index: int
    state: str
    next_retry_at: datetime | None
    reschedule_at: datetime | None


@dataclass(slots=True)
class Plan:
    ready: list[TIKey] = field(default_factory=list)  # in priority order
    changes: dict[TIKey, TaskState] = field(default_factory=dict)  # skipped / upstream_failed
    expand: list[str] = field(default_factory=list)  # mapped task ids to expand now
    wake_at: datetime | None = None
    run_state: DagRunState | None = None  # set when the run is over
    waiting_reasons: dict[TIKey, str] = field(default_factory=dict)


_SUCCESS_LIKE = frozenset({TaskState.SUCCESS, TaskState.SKIPPED})


def plan(
    structure: DagStructure,
    task_instances: Iterable[TIView],
    now: datetime,
    *,
    past_states: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
) -> Plan:
    """One pass in topological order, so a decision cascades downstream within the same pass.

    `past_states` maps task_id → state of that task in the previous run (for depends_on_past).
    `only` limits evaluation to those task ids (their downstream is what an event touched);
    the run-state check still looks at every instance.
    """
    states: dict[TIKey, TaskState] = {}
    by_task: dict[str, list[TIKey]] = defaultdict(list)
    timers: dict[TIKey, datetime | None] = {}
    for ti in task_instances:
        key = (ti.task_id, ti.map_index)
        states[key] = TaskState(ti.state)
        by_task[ti.task_id].append(key)
        if ti.state == TaskState.UP_FOR_RETRY:
            timers[key] = ti.next_retry_at
        elif ti.state == TaskState.UP_FOR_RESCHEDULE:
            timers[key] = ti.reschedule_at
    result = Plan()
    focus = None if only is None else set(only)
    for task_id in structure.order:
        if focus is not None and task_id not in focus:
            continue
        node = structure.nodes[task_id]
        keys = by_task.get(task_id, [])
        summary: UpstreamSummary | None = None
        for key in sorted(keys, key=lambda k: k[1]):
            state = states[key]
            if state in (TaskState.UP_FOR_RETRY, TaskState.UP_FOR_RESCHEDULE):
                when = timers.get(key)
                if when is None or when <= now:
                    result.ready.append(key)
                else:
                    result.wake_at = when if result.wake_at is None else min(result.wake_at, when)
                    result.waiting_reasons[key] = f"waiting until {when.isoformat()} ({state.value})"
                continue
            if state not in (TaskState.NONE, TaskState.SCHEDULED):
                continue
            if summary is None:
                summary = UpstreamSummary.from_states(
                    states[k] for up in node.upstream for k in by_task.get(up, [])
                )
            decision = evaluate(node.trigger_rule, summary)
            if decision is Decision.WAIT:
                result.waiting_reasons[key] = _why_waiting(node.trigger_rule, summary)
                continue
            if decision is Decision.SKIP:
                states[key] = result.changes[key] = TaskState.SKIPPED
                continue
            if decision is Decision.UPSTREAM_FAILED:
                states[key] = result.changes[key] = TaskState.UPSTREAM_FAILED
                continue
            if node.depends_on_past and past_states is not None:
                past = past_states.get(task_id)
                if past is not None and past not in _SUCCESS_LIKE:
                    result.waiting_reasons[key] = f"depends_on_past: the previous run's {task_id} is {past}"
                    continue
            if node.is_mapped and key[1] == -1:
                result.expand.append(task_id)
            else:
                result.ready.append(key)
    position = {tid: i for i, tid in enumerate(structure.order)}
    result.ready.sort(key=lambda k: (-structure.nodes[k[0]].priority_weight, position[k[0]], k[1]))
    result.run_state = _run_state(structure, states, by_task, result, detect_deadlock=focus is None)
    return result


def _why_waiting(rule: str, s: UpstreamSummary) -> str:
    pending = s.total - s.done
    return (
        f"trigger rule {rule}: {pending} of {s.total} upstream task instance(s) not finished "
        f"(success={s.success}, failed={s.failed}, skipped={s.skipped}, upstream_failed={s.upstream_failed})"
    )


def _run_state(
    structure: DagStructure,
    states: dict[TIKey, TaskState],
    by_task: Mapping[str, list[TIKey]],
    result: Plan,
    *,
    detect_deadlock: bool,
) -> DagRunState | None:
    """Failed once every leaf is finished and one failed; success once everything is finished."""
    if result.ready or result.expand:
        return None
    leaf_states = [states[k] for leaf in structure.leaves for k in by_task.get(leaf, [])]
    leaves_done = all(s in FINISHED for s in leaf_states)
    if leaves_done and any(s in (TaskState.FAILED, TaskState.UPSTREAM_FAILED) for s in leaf_states):
        return DagRunState.FAILED
    unfinished = [k for k, s in states.items() if s not in FINISHED]
    if not unfinished:
        return DagRunState.SUCCESS
    active = {TaskState.QUEUED, TaskState.RUNNING, TaskState.UP_FOR_RETRY, TaskState.UP_FOR_RESCHEDULE}
    if not detect_deadlock:
        return None
    if not any(states[k] in active for k in unfinished) and all(
        k in result.waiting_reasons and not result.waiting_reasons[k].startswith("depends_on_past") for k in unfinished
    ):
        return DagRunState.FAILED  # deadlock: nothing runs and nothing can start
    return None
