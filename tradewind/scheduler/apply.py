"""Store what the planner decided for one run: one function for the scheduler and for `dags test`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradewind.states import TaskState

if TYPE_CHECKING:
    from tradewind.scheduler.planner import Plan, TIKey
    from tradewind.structure import DagStructure

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Applied:
    """What took effect: `changes` stored, and whether some decision lost a race (re-read the run)."""

    changes: dict[TIKey, TaskState] = field(default_factory=dict)
    lost_race: bool = False
    expanded: bool = False


def apply_plan(dag_id: str, run_id: str, structure: DagStructure, decided: Plan) -> Applied:
    """Store the plan's state changes (each only from a waiting state), then expand its mapped tasks.

    A decision that finds the instance no longer waiting lost a race with another writer (a clear,
    a mark, a second scheduler): it is dropped and `lost_race` says to re-read the run.
    """
    from tradewind.store import task_instances

    applied = Applied()
    if decided.changes:
        changes = list(decided.changes.items())
        results = task_instances.settle_waiting(dag_id, run_id, decided.changes)
        for (key, state), ok in zip(changes, results, strict=True):
            if ok:
                applied.changes[key] = state
            else:
                applied.lost_race = True
    if decided.expand:
        _expand(dag_id, run_id, structure, decided.expand)
        applied.expanded = True
    return applied


def _expand(dag_id: str, run_id: str, structure: DagStructure, task_ids: list[str]) -> None:
    """One instance per mapped input; a bad mapping input fails that task only."""
    from tradewind.scheduler.expansion import expand_task, expansion_length, store_pull
    from tradewind.store import task_instances

    mapped = {tid for tid, node in structure.nodes.items() if node.is_mapped}
    pull = store_pull(dag_id, run_id, mapped)
    for task_id in task_ids:
        node = structure.nodes[task_id]
        try:
            length = expansion_length(node.expand or {}, pull, task_id)
        except Exception as exc:  # noqa: BLE001 — user data: the task fails, the run goes on
            log.error("cannot expand %s.%s: %s", dag_id, task_id, exc)
            task_instances.settle_waiting(dag_id, run_id, {(task_id, -1): TaskState.FAILED})
            continue
        expand_task(dag_id, run_id, node, length)
