"""The scheduler's incremental RunView must plan exactly as a fresh look at every instance does."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from tradewind.scheduler.planner import RunView, plan
from tradewind.states import TaskState
from tradewind.structure import DagStructure

NOW = datetime(2024, 3, 5, tzinfo=timezone.utc)
RULES = (
    "all_success",
    "all_failed",
    "all_done",
    "one_success",
    "one_failed",
    "none_failed",
    "none_skipped",
    "none_failed_min_one_success",
    "all_skipped",
    "always",
)
STATES = [s.value for s in TaskState if s is not TaskState.REMOVED]


@dataclass
class TI:
    task_id: str
    map_index: int
    state: str
    next_retry_at: datetime | None = None
    reschedule_at: datetime | None = None


def _structure(rng: random.Random, n: int) -> DagStructure:
    tasks = []
    for i in range(n):
        upstream = sorted({f"t{j}" for j in rng.sample(range(i), k=min(i, rng.randint(0, 3)))})
        tasks.append({"task_id": f"t{i}", "upstream": upstream, "trigger_rule": rng.choice(RULES)})
    downstream: dict[str, list[str]] = {t["task_id"]: [] for t in tasks}
    for t in tasks:
        for up in t["upstream"]:
            downstream[up].append(t["task_id"])
    return DagStructure.from_serialized(
        {
            "dag_id": "d",
            "max_active_tasks": 16,
            "max_active_runs": 16,
            "tasks": [
                {
                    **t,
                    "operator": "EmptyOperator",
                    "downstream": downstream[t["task_id"]],
                    "retries": 0,
                    "retry_delay": 0,
                    "retry_exponential_backoff": False,
                    "max_retry_delay": None,
                    "execution_timeout": None,
                    "depends_on_past": False,
                    "wait_for_downstream": False,
                    "pool": "default_pool",
                    "pool_slots": 1,
                    "queue": "default",
                    "priority_weight": 1,
                    "is_mapped": False,
                }
                for t in tasks
            ],
        }
    )


def _summary(p):  # what the scheduler acts on
    return (p.ready, p.changes, p.expand, p.wake_at, p.run_state)


@pytest.mark.parametrize("seed", range(20))
def test_incremental_view_plans_like_a_fresh_one(seed: int) -> None:
    rng = random.Random(seed)
    structure = _structure(rng, rng.randint(2, 25))
    tis = {t: TI(t, -1, "none") for t in structure.order}
    view = RunView(tis.values(), structure)
    for _ in range(60):
        task_id = rng.choice(structure.order)
        state = rng.choice(STATES)
        when = NOW + timedelta(minutes=rng.choice([-5, 5]))
        tis[task_id] = TI(task_id, -1, state, next_retry_at=when, reschedule_at=when)
        view.update(tis[task_id])
        only = None if rng.random() < 0.3 else {task_id, *structure.nodes[task_id].downstream}
        fresh = plan(structure, list(tis.values()), NOW, only=only)
        incremental = plan(structure, view, NOW, only=only)
        assert _summary(incremental) == _summary(fresh)


@pytest.mark.parametrize("seed", range(10))
def test_upstream_counts_match_a_recount(seed: int) -> None:
    from collections import defaultdict

    from tradewind.scheduler.trigger_rules import UpstreamSummary

    rng = random.Random(seed)
    structure = _structure(rng, rng.randint(2, 25))
    states = {t: rng.choice(STATES) for t in structure.order}
    view = RunView([TI(t, -1, s) for t, s in states.items()], structure)
    for _ in range(40):
        task_id = rng.choice(structure.order)
        states[task_id] = rng.choice(STATES)
        view.update(TI(task_id, -1, states[task_id]))
        pending = {(t, -1): TaskState(rng.choice(STATES)) for t in rng.sample(structure.order, k=2)}
        by_task: dict[str, list] = defaultdict(list)
        for key in pending:
            by_task[key[0]].append(key)
        for node in structure.nodes.values():
            expected = UpstreamSummary.from_states(pending.get((up, -1)) or states[up] for up in node.upstream)
            assert view.upstream_summary(node, pending, by_task) == expected


def _group_structure() -> DagStructure:
    """numbers → grp.double → grp.label → total, grp.* in the mapped task group `grp`."""
    chain = ["numbers", "grp.double", "grp.label", "total"]
    tasks = []
    for i, task_id in enumerate(chain):
        tasks.append(
            {
                "task_id": task_id,
                "upstream": chain[i - 1 : i] if i else [],
                "downstream": chain[i + 1 : i + 2],
                "trigger_rule": "all_success",
                "operator": "PythonOperator",
                "retries": 0,
                "retry_delay": 0,
                "retry_exponential_backoff": False,
                "max_retry_delay": None,
                "execution_timeout": None,
                "depends_on_past": False,
                "wait_for_downstream": False,
                "pool": "default_pool",
                "pool_slots": 1,
                "queue": "default",
                "priority_weight": 1,
                "is_mapped": task_id.startswith("grp."),
                "mapped_group": "grp" if task_id.startswith("grp.") else None,
            }
        )
    return DagStructure.from_serialized({"dag_id": "g", "max_active_tasks": 16, "max_active_runs": 16, "tasks": tasks})


def test_mapped_group_instances_pair_with_the_same_index_upstream() -> None:
    structure = _group_structure()
    assert structure.same_index_upstream == {"grp.label": ("grp.double",)}
    tis = [
        TI("numbers", -1, "success"),
        TI("grp.double", 0, "success"),
        TI("grp.double", 1, "failed"),
        TI("grp.double", 2, "running"),
        TI("grp.label", -1, "none"),
        TI("total", -1, "none"),
    ]
    p = plan(structure, tis, NOW)
    assert p.expand == [] and ("grp.label", -1) in p.waiting_reasons  # waits for every instance of its group
    tis[3] = TI("grp.double", 2, "success")
    assert plan(structure, tis, NOW).expand == ["grp.label"]
    tis[4:5] = [TI("grp.label", 0, "none"), TI("grp.label", 1, "none"), TI("grp.label", 2, "none")]
    p = plan(structure, tis, NOW)
    assert p.ready == [("grp.label", 0), ("grp.label", 2)]  # instance 1 only follows double[1]
    assert p.changes[("grp.label", 1)] == TaskState.UPSTREAM_FAILED
    assert p.changes[("total", -1)] == TaskState.UPSTREAM_FAILED  # downstream of the group sees them all
