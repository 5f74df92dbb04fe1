"""A stored DAG as typed values: the one reader of the serialized JSON (serialization.py writes it).

The scheduler, `tasks explain`, the API, the UI, the CLI and sensors that look at another DAG read
a DAG they cannot import (no user code runs outside a task) through `DagStructure`, never by
walking the JSON themselves, so the format has one reader to keep in step with its one writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tradewind.states import TaskState

if TYPE_CHECKING:
    from tradewind.sdk.param import ParamsDict
    from tradewind.timetables.base import Timetable


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
    max_active_tis_per_dagrun: int | None
    task_group: str | None = None
    owner: str | None = None
    outlets: tuple[str, ...] = ()  # dataset URIs the task updates when it succeeds
    is_setup: bool = False
    is_teardown: bool = False
    on_failure_fail_dagrun: bool = False  # a teardown whose failure fails the run (else ignored)
    mapped_group: str | None = None  # the mapped task group the task is in: instance i is group instance i

    @property
    def ignored_for_run_state(self) -> bool:
        """A teardown's outcome does not decide its run's state unless on_failure_fail_dagrun (Airflow)."""
        return self.is_teardown and not self.on_failure_fail_dagrun

    def retry_delay_for(self, try_number: int) -> timedelta:
        """Delay after try `try_number` failed (the task runner's rule, from the stored DAG)."""
        from tradewind.runtime.retries import retry_delay

        return retry_delay(
            self.retry_delay, try_number, exponential=self.retry_exponential_backoff, ceiling=self.max_retry_delay
        )


def _td(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One DAG param as stored: its default (when it has one), description and JSON schema."""

    key: str
    value: Any
    has_default: bool
    description: str | None
    schema: dict[str, Any]

    @classmethod
    def from_serialized(cls, key: str, data: dict[str, Any]) -> ParamSpec:
        return cls(
            key, data.get("value"), bool(data.get("has_default")), data.get("description"), data.get("schema") or {}
        )


@dataclass(frozen=True, slots=True)
class GroupNode:
    """A task group: its id (None for the DAG's root group) and its children, tasks by id or groups."""

    group_id: str | None
    tooltip: str | None = None
    children: tuple[GroupNode | str, ...] = ()

    @classmethod
    def from_serialized(cls, data: dict[str, Any] | None) -> GroupNode:
        data = data or {}
        children = tuple(cls.from_serialized(c) if isinstance(c, dict) else str(c) for c in data.get("children", []))
        return cls(data.get("group_id"), data.get("tooltip"), children)

    def walk(self, parent: str | None = None) -> Iterator[tuple[GroupNode, str | None]]:
        """Every group below this one, each with its parent's id, depth first."""
        for child in self.children:
            if isinstance(child, GroupNode):
                yield child, parent
                yield from child.walk(child.group_id)

    def find(self, group_id: str) -> GroupNode | None:
        if self.group_id == group_id:
            return self
        return next((g for g, _ in self.walk() if g.group_id == group_id), None)

    def task_ids(self) -> list[str]:
        """Every task inside the group, nested groups included."""
        return [t for c in self.children for t in (c.task_ids() if isinstance(c, GroupNode) else [c])]


@dataclass(frozen=True, slots=True)
class DagStructure:
    dag_id: str
    nodes: dict[str, TaskNode]
    order: tuple[str, ...]  # topological
    max_active_tasks: int
    max_active_runs: int
    dagrun_timeout: timedelta | None
    fileloc: str = ""
    timetable_spec: dict[str, Any] = field(default_factory=dict, compare=False)
    start_date: datetime | None = None
    end_date: datetime | None = None
    catchup: bool = True
    has_dag_callbacks: bool = False
    params: dict[str, ParamSpec] = field(default_factory=dict, compare=False)
    task_group: GroupNode = field(default_factory=lambda: GroupNode(None), compare=False)
    # Derived once, read on every scheduling event (keeps an event's cost independent of DAG size).
    leaves: tuple[str, ...] = field(init=False, repr=False, compare=False)
    position: dict[str, int] = field(init=False, repr=False, compare=False)
    upstream_sets: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    depends_on_past: bool = field(init=False, repr=False, compare=False)  # any task does
    state_leaves: tuple[str, ...] = field(init=False, repr=False, compare=False)  # decide the run's state
    relevant_setups: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    indirect_setups: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    #: task → its upstream tasks in the same mapped task group: instance i reads only their instance i
    same_index_upstream: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "leaves", tuple(t for t in self.order if not self.nodes[t].downstream))
        object.__setattr__(self, "position", {t: i for i, t in enumerate(self.order)})
        object.__setattr__(self, "upstream_sets", {t: frozenset(n.upstream) for t, n in self.nodes.items()})
        object.__setattr__(self, "depends_on_past", any(n.depends_on_past for n in self.nodes.values()))
        object.__setattr__(self, "state_leaves", self._state_leaves())
        relevant = self._relevant_setups()
        object.__setattr__(self, "relevant_setups", relevant)
        indirect: dict[str, tuple[str, ...]] = {}
        for task_id, setups in relevant.items():
            if self.nodes[task_id].is_teardown:
                continue  # a teardown has no indirect setups: its rule reads its direct ones (Airflow)
            beyond = tuple(s for s in setups if s not in self.upstream_sets[task_id])
            if beyond:
                indirect[task_id] = beyond
        object.__setattr__(self, "indirect_setups", indirect)
        paired = {
            t: tuple(u for u in n.upstream if self.nodes[u].mapped_group == n.mapped_group)
            for t, n in self.nodes.items()
            if n.mapped_group is not None
        }
        object.__setattr__(self, "same_index_upstream", {t: ups for t, ups in paired.items() if ups})

    def _state_leaves(self) -> tuple[str, ...]:
        """The tasks whose states decide the run's: leaves once teardowns are set aside (Airflow's
        `_tis_for_dagrun_state`), or the plain leaves when the DAG is nothing but teardowns."""
        nodes = self.nodes
        if not any(n.ignored_for_run_state for n in nodes.values()):
            return self.leaves  # the same object: the planner skips a second pass over them
        found = tuple(
            t
            for t in self.order
            if not nodes[t].ignored_for_run_state and all(nodes[d].ignored_for_run_state for d in nodes[t].downstream)
        )
        return found or self.leaves

    def _relevant_setups(self) -> dict[str, tuple[str, ...]]:
        """task → the setups upstream of it that are *relevant* to it, as Airflow's
        `get_upstreams_only_setups`: a setup with no teardown, or one of whose teardowns is
        downstream of the task. Its work waits for them and clearing the task clears them."""
        found: dict[str, list[str]] = {}
        for setup_id in self.order:
            if not self.nodes[setup_id].is_setup:
                continue
            below = set(self.relatives([setup_id], upstream=False)[1:])
            teardowns = self.teardowns_of(setup_id)
            if teardowns:
                below &= {t for td in teardowns for t in self.relatives([td], upstream=True)[1:]}
            for task_id in below:
                found.setdefault(task_id, []).append(setup_id)
        return {t: tuple(s) for t, s in found.items()}

    def teardowns_of(self, setup_id: str) -> list[str]:
        """The teardowns directly downstream of a setup (`as_teardown(setups=…)` links them so)."""
        return [d for d in self.nodes[setup_id].downstream if self.nodes[d].is_teardown]

    def clear_selection(
        self, task_ids: list[str] | set[str], *, upstream: bool = False, downstream: bool = False
    ) -> list[str]:
        """What clearing `task_ids` clears, as Airflow's `partial_subset`: each task with its relevant
        setups and their teardowns (a setup: its teardowns), plus the tasks' upstream / downstream
        if asked, upstream setups bringing their teardowns. Unknown ids are kept."""
        found = dict.fromkeys(task_ids)
        for task_id in task_ids:
            node = self.nodes.get(task_id)
            if node is None:
                continue
            for setup_id in (task_id,) if node.is_setup else self.relevant_setups.get(task_id, ()):
                found[setup_id] = None
                found.update(dict.fromkeys(self.teardowns_of(setup_id)))
        if downstream:
            found.update(dict.fromkeys(self.relatives(task_ids, upstream=False)))
        if upstream:
            for task_id in self.relatives(task_ids, upstream=True):
                found[task_id] = None
                if task_id in self.nodes and self.nodes[task_id].is_setup:
                    found.update(dict.fromkeys(self.teardowns_of(task_id)))
        return list(found)

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
                max_active_tis_per_dagrun=t.get("max_active_tis_per_dagrun"),
                task_group=t.get("task_group"),
                owner=t.get("owner"),
                outlets=tuple(t.get("outlets") or ()),
                is_setup=bool(t.get("is_setup")),
                is_teardown=bool(t.get("is_teardown")),
                on_failure_fail_dagrun=bool(t.get("on_failure_fail_dagrun")),
                mapped_group=t.get("mapped_group"),
            )
        return cls(
            dag_id=data["dag_id"],
            nodes=nodes,
            order=tuple(t["task_id"] for t in data["tasks"]),
            max_active_tasks=int(data["max_active_tasks"]),
            max_active_runs=int(data["max_active_runs"]),
            dagrun_timeout=_td(data.get("dagrun_timeout")),
            fileloc=data.get("fileloc", ""),
            timetable_spec=data.get("timetable") or {},
            start_date=_dt(data.get("start_date")),
            end_date=_dt(data.get("end_date")),
            catchup=bool(data.get("catchup", True)),
            has_dag_callbacks=bool(data.get("has_dag_callbacks")),
            params={k: ParamSpec.from_serialized(k, p) for k, p in (data.get("params") or {}).items()},
            task_group=GroupNode.from_serialized(data.get("task_group")),
        )

    def params_dict(self) -> ParamsDict:
        """The DAG's params rebuilt as the authoring API's ParamsDict (validates a run's conf)."""
        from tradewind.sdk.param import _NOTSET, Param, ParamsDict

        return ParamsDict(
            {
                key: Param(p.value if p.has_default else _NOTSET, p.description, **p.schema)
                for key, p in self.params.items()
            }
        )

    def timetable(self) -> Timetable:
        """The DAG's schedule as a timetable object (built on each call: callers keep what they need)."""
        from tradewind.timetables import deserialize_timetable

        return deserialize_timetable(self.timetable_spec)

    @property
    def schedule_uris(self) -> list[str]:
        """The dataset URIs the DAG is scheduled on ([] for any other schedule)."""
        spec = self.timetable_spec
        return list(spec.get("datasets") or []) if spec.get("type") in ("dataset", "dataset_or_time") else []

    @property
    def schedule_aliases(self) -> list[str]:
        """The DatasetAlias names the DAG is scheduled on ([] for any other schedule)."""
        from tradewind.datasets import condition_aliases

        spec = self.timetable_spec
        condition = spec.get("condition") if spec.get("type") in ("dataset", "dataset_or_time") else None
        return condition_aliases(condition) if condition else []

    def relatives(self, task_ids: set[str] | list[str], *, upstream: bool) -> list[str]:
        """`task_ids` and everything upstream (or downstream) of them, transitively; unknown ids are kept."""
        found = list(dict.fromkeys(task_ids))
        seen, todo = set(found), list(found)
        while todo:
            node = self.nodes.get(todo.pop())
            for other in (node.upstream if upstream else node.downstream) if node is not None else ():
                if other not in seen:
                    seen.add(other)
                    found.append(other)
                    todo.append(other)
        return found

    @property
    def edges(self) -> list[tuple[str, str]]:
        """(upstream, downstream) pairs, in task order."""
        return [(up, t) for t in self.order for up in self.nodes[t].upstream]

    def initial_task_instances(self) -> list[dict[str, Any]]:
        """The TI rows a new run starts with (a mapped task starts as one unexpanded row, index -1)."""
        return [
            {
                "task_id": n.task_id,
                "map_index": -1,
                "state": TaskState.NONE,
                "max_tries": n.retries,
                "operator": n.operator,
                "pool": n.pool,
                "pool_slots": n.pool_slots,
                "queue": n.queue,
                "priority_weight": n.priority_weight,
            }
            for n in (self.nodes[tid] for tid in self.order)
        ]
