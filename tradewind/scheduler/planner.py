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
from enum import StrEnum
from typing import Protocol

from tradewind.scheduler.trigger_rules import Decision, TriggerRule, UpstreamSummary, evaluate, setup_constraint
from tradewind.states import DELAYED, EXECUTING, FAILED_LIKE, FINISHED, SUCCESS_LIKE, WAITING, DagRunState, TaskState
from tradewind.structure import DagStructure, TaskNode

TIKey = tuple[str, int]  # (task_id, map_index)


class TIView(Protocol):
    """What planning reads of a task instance; read-only, so a frozen `TaskInstanceRecord` is one."""

    @property
    def task_id(self) -> str: ...
    @property
    def map_index(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def next_retry_at(self) -> datetime | None: ...
    @property
    def reschedule_at(self) -> datetime | None: ...


class WaitCode(StrEnum):
    """Why a not-yet-ready instance waits (callers branch on the code, never on the wording)."""

    TIMER = "timer"  # a retry delay or a sensor's reschedule
    UPSTREAM = "upstream"  # its trigger rule needs more upstream instances to finish
    DEPENDS_ON_PAST = "depends_on_past"  # the previous run's instance of the task did not succeed


@dataclass(frozen=True, slots=True)
class Waiting:
    code: WaitCode
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(slots=True)
class Plan:
    ready: list[TIKey] = field(default_factory=list)  # in priority order
    changes: dict[TIKey, TaskState] = field(default_factory=dict)  # skipped / upstream_failed
    expand: list[str] = field(default_factory=list)  # mapped task ids to expand now
    wake_at: datetime | None = None
    run_state: DagRunState | None = None  # set when the run is over
    waiting_reasons: dict[TIKey, Waiting] = field(default_factory=dict)


def past_states(task_instances: Iterable[TIView]) -> dict[str, str]:
    """task_id → its state in a (previous) run, for depends_on_past: any unsuccessful map index wins."""
    states: dict[str, str] = {}
    for ti in task_instances:
        if ti.task_id not in states or ti.state not in SUCCESS_LIKE:
            states[ti.task_id] = ti.state
    return states


class RunView:
    """A run's task-instance states indexed for planning, updated one instance at a time.

    The scheduler keeps one per running run, with, for every task, a count of its upstream
    instances per state: an event then costs work in proportion to what it touches, not to the
    size of the DAG (the 10,000th task of a fan-in costs what the 100th does).
    """

    __slots__ = ("states", "by_task", "timers", "unfinished", "structure", "upstream_counts")

    def __init__(self, task_instances: Iterable[TIView] = (), structure: DagStructure | None = None) -> None:
        self.states: dict[TIKey, TaskState] = {}
        self.by_task: dict[str, list[TIKey]] = defaultdict(list)
        self.timers: dict[TIKey, datetime | None] = {}
        self.unfinished: set[TIKey] = set()
        self.structure: DagStructure | None = None
        self.upstream_counts: dict[str, dict[TaskState, int]] = {}
        for ti in task_instances:
            self.update(ti)
        if structure is not None:
            self.bind(structure)

    def bind(self, structure: DagStructure) -> None:
        """Count upstream states for `structure`'s edges (again, if the DAG changed)."""
        if self.structure is structure:
            return
        self.structure = structure
        counts: dict[str, dict[TaskState, int]] = {t: defaultdict(int) for t in structure.nodes}
        for (task_id, _), state in self.states.items():
            node = structure.nodes.get(task_id)
            if node is not None:
                for down in node.downstream:
                    counts[down][state] += 1
        self.upstream_counts = counts

    def update(self, ti: TIView) -> None:
        key = (ti.task_id, ti.map_index)
        state = TaskState(ti.state)
        old = self.states.get(key)
        if old is None:
            self.by_task[ti.task_id].append(key)
        self.states[key] = state
        if state == TaskState.UP_FOR_RETRY:
            self.timers[key] = ti.next_retry_at
        elif state == TaskState.UP_FOR_RESCHEDULE:
            self.timers[key] = ti.reschedule_at
        else:
            self.timers.pop(key, None)
        if state in FINISHED:
            self.unfinished.discard(key)
        else:
            self.unfinished.add(key)
        if self.structure is not None and old is not state:
            node = self.structure.nodes.get(ti.task_id)
            if node is not None:
                for down in node.downstream:
                    counts = self.upstream_counts[down]
                    if old is not None:
                        counts[old] -= 1
                    counts[state] += 1

    def upstream_summary(
        self, node: TaskNode, changes: Mapping[TIKey, TaskState], changed_tasks: Mapping[str, list[TIKey]]
    ) -> UpstreamSummary:
        """The node's upstream summary, counting this pass's not-yet-stored `changes` too."""
        if self.structure is None or self.structure.nodes.get(node.task_id) is not node:
            return UpstreamSummary.from_states(
                changes.get(k) or self.states[k] for up in node.upstream for k in self.by_task.get(up, [])
            )
        counts = self.upstream_counts[node.task_id]
        if changed_tasks:
            upstream = self.structure.upstream_sets[node.task_id]
            touched = [t for t in changed_tasks if t in upstream]
            if touched:
                counts = dict(counts)
                for task_id in touched:
                    for key in changed_tasks[task_id]:
                        counts[self.states[key]] -= 1
                        counts[changes[key]] = counts.get(changes[key], 0) + 1
        return UpstreamSummary.from_counts(counts)


class _Overlay:
    """The view's states plus this pass's own decisions (applied to the view only once stored)."""

    __slots__ = ("view", "changes")

    def __init__(self, view: RunView, changes: dict[TIKey, TaskState]) -> None:
        self.view = view
        self.changes = changes

    def __getitem__(self, key: TIKey) -> TaskState:
        changed = self.changes.get(key)
        return changed if changed is not None else self.view.states[key]


def plan(
    structure: DagStructure,
    task_instances: Iterable[TIView] | RunView,
    now: datetime,
    *,
    past_states: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
) -> Plan:
    """One pass in topological order, so a decision cascades downstream within the same pass.

    `task_instances` is the run's instances, or a `RunView` of them kept by the caller.
    `past_states` maps task_id → state of that task in the previous run (for depends_on_past).
    `only` limits evaluation to those task ids (their downstream is what an event touched).
    """
    view = task_instances if isinstance(task_instances, RunView) else RunView(task_instances, structure)
    view.bind(structure)
    by_task = view.by_task
    result = Plan()
    changed_tasks: dict[str, list[TIKey]] = defaultdict(list)
    states = _Overlay(view, result.changes)
    order = structure.order if only is None else _in_order(structure, only)
    for task_id in order:
        node = structure.nodes[task_id]
        keys = by_task.get(task_id, [])
        summary: UpstreamSummary | None = None
        for key in sorted(keys, key=lambda k: k[1]):
            state = states[key]
            if state in DELAYED:
                when = view.timers.get(key)
                if when is None or when <= now:
                    result.ready.append(key)
                else:
                    result.wake_at = when if result.wake_at is None else min(result.wake_at, when)
                    result.waiting_reasons[key] = Waiting(
                        WaitCode.TIMER, f"waiting until {when.isoformat()} ({state.value})"
                    )
                continue
            if state not in WAITING:
                continue
            paired = structure.same_index_upstream.get(task_id)
            if paired and all(_expanded(by_task.get(u, [])) for u in paired):
                if key[1] == -1:  # expand once the group's upstream instances are all done
                    if all(states[k] in FINISHED for u in node.upstream for k in by_task.get(u, [])):
                        result.expand.append(task_id)
                    else:
                        result.waiting_reasons[key] = Waiting(
                            WaitCode.UPSTREAM, "waiting for its task group's instances"
                        )
                    continue
                decision, why = _decide(
                    structure, node, _paired_summary(node, key[1], paired, by_task, states), by_task, states
                )
            else:
                if summary is None:
                    summary = view.upstream_summary(node, result.changes, changed_tasks)
                decision, why = _decide(structure, node, summary, view.by_task, states)
            if decision is Decision.WAIT:
                result.waiting_reasons[key] = Waiting(WaitCode.UPSTREAM, why)
                continue
            if decision is Decision.SKIP or decision is Decision.UPSTREAM_FAILED:
                result.changes[key] = TaskState.SKIPPED if decision is Decision.SKIP else TaskState.UPSTREAM_FAILED
                changed_tasks[task_id].append(key)
                continue
            if node.depends_on_past and past_states is not None:
                past = past_states.get(task_id)
                if past is not None and past not in SUCCESS_LIKE:
                    result.waiting_reasons[key] = Waiting(
                        WaitCode.DEPENDS_ON_PAST, f"depends_on_past: the previous run's {task_id} is {past}"
                    )
                    continue
            if node.is_mapped and key[1] == -1:
                result.expand.append(task_id)
            else:
                result.ready.append(key)
    position = structure.position
    result.ready.sort(key=lambda k: (-structure.nodes[k[0]].priority_weight, position[k[0]], k[1]))
    result.run_state = _run_state(structure, view, states, result, detect_deadlock=only is None)
    return result


def _in_order(structure: DagStructure, only: Iterable[str]) -> list[str]:
    """The focus tasks in topological order, without walking the whole DAG."""
    position = structure.position
    return sorted((t for t in set(only) if t in position), key=position.__getitem__)


def _decide(
    structure: DagStructure,
    node: TaskNode,
    summary: UpstreamSummary,
    by_task: Mapping[str, list[TIKey]],
    states: _Overlay,
) -> tuple[Decision, str]:
    """The trigger rule's decision, after the setup constraint (Airflow 2.7+): a work task's
    indirect setups must all succeed, and a teardown's rule reads its direct setups."""
    setups = structure.indirect_setups.get(node.task_id)
    if setups:
        setup_summary = _summary_of(setups, by_task, states)
        decision = setup_constraint(setup_summary)
        if decision is not None:
            why = f"setup task(s) {', '.join(setups)} not all succeeded yet"
            return decision, why
    direct = None
    if node.trigger_rule == TriggerRule.ALL_DONE_SETUP_SUCCESS:
        direct = _summary_of([u for u in node.upstream if structure.nodes[u].is_setup], by_task, states)
    decision = evaluate(node.trigger_rule, summary, direct)
    return decision, _why_waiting(node.trigger_rule, summary) if decision is Decision.WAIT else ""


def _expanded(keys: list[TIKey]) -> bool:
    return any(k[1] >= 0 for k in keys)


def _paired_summary(
    node: TaskNode, index: int, paired: tuple[str, ...], by_task: Mapping[str, list[TIKey]], states: _Overlay
) -> UpstreamSummary:
    """Upstream states for instance `index` of a task in a mapped task group: the same instance of
    upstream tasks in its group, every instance of the others (Airflow's relevant map indexes)."""
    keys = [(u, index) for u in paired if (u, index) in states.view.states or (u, index) in states.changes]
    keys += [k for u in node.upstream if u not in paired for k in by_task.get(u, [])]
    return UpstreamSummary.from_states(states[k] for k in keys)


def _summary_of(task_ids: Iterable[str], by_task: Mapping[str, list[TIKey]], states: _Overlay) -> UpstreamSummary:
    return UpstreamSummary.from_states(states[k] for t in task_ids for k in by_task.get(t, []))


def _why_waiting(rule: str, s: UpstreamSummary) -> str:
    pending = s.total - s.done
    return (
        f"trigger rule {rule}: {pending} of {s.total} upstream task instance(s) not finished "
        f"(success={s.success}, failed={s.failed}, skipped={s.skipped}, upstream_failed={s.upstream_failed})"
    )


def _run_state(
    structure: DagStructure,
    view: RunView,
    states: _Overlay,
    result: Plan,
    *,
    detect_deadlock: bool,
) -> DagRunState | None:
    """Failed once every leaf is finished and one failed; success once everything is finished.

    As Airflow, teardowns are left out of the judgement unless `on_failure_fail_dagrun` (the
    structure's `state_leaves`), but a run is not over before its teardown leaves have run.
    """
    if result.ready or result.expand:
        return None
    by_task = view.by_task
    leaf_states = [states[k] for leaf in structure.leaves for k in by_task.get(leaf, [])]
    judged = leaf_states
    if structure.state_leaves is not structure.leaves:
        judged = [states[k] for leaf in structure.state_leaves for k in by_task.get(leaf, [])]
    leaves_done = all(s in FINISHED for s in leaf_states) and all(s in FINISHED for s in judged)
    if leaves_done and any(s in FAILED_LIKE for s in judged):
        return DagRunState.FAILED
    if not leaves_done and not detect_deadlock:
        return None  # cannot have succeeded; looking further would cost a walk over every instance
    unfinished = [k for k in view.unfinished if states[k] not in FINISHED]
    if not unfinished:
        return DagRunState.SUCCESS
    active = EXECUTING | DELAYED | {TaskState.DEFERRED}  # a deferred instance resumes when its trigger fires
    if not detect_deadlock:
        return None
    if not any(states[k] in active for k in unfinished) and all(
        k in result.waiting_reasons and result.waiting_reasons[k].code is not WaitCode.DEPENDS_ON_PAST
        for k in unfinished
    ):
        return DagRunState.FAILED  # deadlock: nothing runs and nothing can start
    return None
