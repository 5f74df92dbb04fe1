"""The part of a DAG the planner needs, read from its serialized form (no user code imported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class TaskNode:
    task_id: str
    operator: str
    upstream: tuple[str, ...]
    downstream: tuple[str, ...]
    trigger_rule: str
    retries: int
    retry_delay: timedelta
    retry_exponential_backoff: bool
    max_retry_delay: timedelta | None
    execution_timeout: timedelta | None
    depends_on_past: bool
    wait_for_downstream: bool
    pool: str
    pool_slots: int
    queue: str
    priority_weight: int
    is_mapped: bool
    expand: dict[str, Any] | None
    max_active_tis_per_dag: int | None

    def retry_delay_for(self, try_number: int) -> timedelta:
        """Delay after try `try_number` failed (exponential backoff doubles it each try)."""
        delay = self.retry_delay
        ceiling: timedelta | None
        if self.retry_exponential_backoff:
            delay = timedelta(seconds=delay.total_seconds() * (2 ** max(try_number - 1, 0)))
            ceiling = self.max_retry_delay or timedelta(days=1)
        else:
            ceiling = self.max_retry_delay
        return min(delay, ceiling) if ceiling is not None else delay


def _td(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class DagStructure:
    dag_id: str
    nodes: dict[str, TaskNode]
    order: tuple[str, ...]  # topological
    max_active_tasks: int
    max_active_runs: int
    dagrun_timeout: timedelta | None
    # Derived once, read on every scheduling event (keeps an event's cost independent of DAG size).
    leaves: tuple[str, ...] = field(init=False, repr=False, compare=False)
    position: dict[str, int] = field(init=False, repr=False, compare=False)
    upstream_sets: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    depends_on_past: bool = field(init=False, repr=False, compare=False)  # any task does

    def __post_init__(self) -> None:
        object.__setattr__(self, "leaves", tuple(t for t in self.order if not self.nodes[t].downstream))
        object.__setattr__(self, "position", {t: i for i, t in enumerate(self.order)})
        object.__setattr__(self, "upstream_sets", {t: frozenset(n.upstream) for t, n in self.nodes.items()})
        object.__setattr__(self, "depends_on_past", any(n.depends_on_past for n in self.nodes.values()))

    @classmethod
    def from_serialized(cls, data: dict[str, Any]) -> DagStructure:
        nodes = {}
        for t in data["tasks"]:
            nodes[t["task_id"]] = TaskNode(
                task_id=t["task_id"],
                operator=t["operator"],
                upstream=tuple(t["upstream"]),
                downstream=tuple(t["downstream"]),
                trigger_rule=t["trigger_rule"],
                retries=int(t["retries"]),
                retry_delay=_td(t["retry_delay"]) or timedelta(0),
                retry_exponential_backoff=bool(t["retry_exponential_backoff"]),
                max_retry_delay=_td(t["max_retry_delay"]),
                execution_timeout=_td(t["execution_timeout"]),
                depends_on_past=bool(t["depends_on_past"]),
                wait_for_downstream=bool(t["wait_for_downstream"]),
                pool=t["pool"],
                pool_slots=int(t["pool_slots"]),
                queue=t["queue"],
                priority_weight=int(t["priority_weight"]),
                is_mapped=bool(t["is_mapped"]),
                expand=t.get("expand"),
                max_active_tis_per_dag=t.get("max_active_tis_per_dag"),
            )
        return cls(
            dag_id=data["dag_id"],
            nodes=nodes,
            order=tuple(t["task_id"] for t in data["tasks"]),
            max_active_tasks=int(data["max_active_tasks"]),
            max_active_runs=int(data["max_active_runs"]),
            dagrun_timeout=_td(data.get("dagrun_timeout")),
        )

    def initial_task_instances(self) -> list[dict[str, Any]]:
        """The TI rows a new run starts with (a mapped task starts as one unexpanded row, index -1)."""
        return [
            {
                "task_id": n.task_id,
                "map_index": -1,
                "state": "none",
                "max_tries": n.retries,
                "operator": n.operator,
                "pool": n.pool,
                "pool_slots": n.pool_slots,
                "queue": n.queue,
                "priority_weight": n.priority_weight,
            }
            for n in (self.nodes[tid] for tid in self.order)
        ]
