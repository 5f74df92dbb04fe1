"""Whether a ready task instance may take a slot now: one rule for the scheduler and for `tasks explain`.

Five limits hold a ready instance back, checked in this order: its pool (Airflow's: a pool that
does not exist holds it forever, -1 slots is unlimited), the DAG's `max_active_tasks`, the task's
`max_active_tis_per_dag` (its instances across all runs) and `max_active_tis_per_dagrun` (in one
run), and the executor's free slots (`[core] parallelism` minus what it runs). The scheduler
reads the counts once per sweep (`Occupancy.read`) and keeps them current as it queues and hears
back; `tasks explain` reads them once and asks the same `blocking()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.store.records import PoolRecord
    from tradewind.structure import DagStructure

TIKey = tuple[str, str, str, int]  # dag_id, run_id, task_id, map_index


class LimitCode(StrEnum):
    """Which limit holds an instance back (stable names: `tasks explain` reports them)."""

    POOL_MISSING = "pool_missing"
    POOL_FULL = "pool_full"
    MAX_ACTIVE_TASKS = "max_active_tasks"
    MAX_ACTIVE_TIS_PER_DAG = "max_active_tis_per_dag"
    MAX_ACTIVE_TIS_PER_DAGRUN = "max_active_tis_per_dagrun"
    PARALLELISM = "parallelism"


def pool_slots_used(pool_list: list[PoolRecord]) -> dict[str, int]:
    """Slots in use per pool: queued and running instances, and deferred ones in an `include_deferred` pool."""
    from tradewind.states import TaskState
    from tradewind.store import task_instances

    used = task_instances.count_active("pool", slots=True)
    deferring = {p.pool for p in pool_list if p.include_deferred}
    if deferring:
        for pool, n in task_instances.count_active("pool", states={TaskState.DEFERRED}, slots=True).items():
            if pool in deferring:
                used[pool] = used.get(pool, 0) + n
    return used


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit reached: `used` of `limit` taken, and the request needs `needed` more."""

    code: LimitCode
    limit: int
    used: int
    needed: int = 1
    pool: str | None = None


@dataclass(frozen=True, slots=True)
class SlotRequest:
    """What one instance takes while queued or running, and the limits that apply to it."""

    key: TIKey
    pool: str
    pool_slots: int
    max_active_tasks: int
    max_active_tis_per_dag: int | None = None
    max_active_tis_per_dagrun: int | None = None

    @classmethod
    def for_instance(cls, key: TIKey, pool: str, pool_slots: int, structure: DagStructure) -> SlotRequest:
        node = structure.nodes.get(key[2])
        return cls(
            key,
            pool,
            pool_slots,
            structure.max_active_tasks,
            node.max_active_tis_per_dag if node is not None else None,
            node.max_active_tis_per_dagrun if node is not None else None,
        )


@dataclass(slots=True)
class Occupancy:
    """Pool sizes and slots in use by queued and running instances (per pool, DAG, task, task in a run)."""

    pool_size: dict[str, int]  # -1: unlimited
    pool_used: dict[str, int] = field(default_factory=dict)
    dag_used: dict[str, int] = field(default_factory=dict)
    task_used: dict[tuple[str, str], int] = field(default_factory=dict)  # (dag_id, task_id)
    run_task_used: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (dag_id, run_id, task_id)

    @classmethod
    def read(cls) -> Occupancy:
        """The counts as the database has them now (three grouped queries)."""
        from tradewind.store import pools, task_instances

        pool_list = pools.list_pools()
        occupancy = cls({p.pool: p.slots for p in pool_list}, pool_used=pool_slots_used(pool_list))
        for (dag_id, run_id, task_id), n in task_instances.count_active_per_task().items():
            occupancy.dag_used[dag_id] = occupancy.dag_used.get(dag_id, 0) + n
            occupancy.task_used[(dag_id, task_id)] = occupancy.task_used.get((dag_id, task_id), 0) + n
            occupancy.run_task_used[(dag_id, run_id, task_id)] = n
        return occupancy

    def blocking(self, req: SlotRequest, open_slots: int) -> list[Limit]:
        """Every limit that holds `req` back now; empty when it may be queued."""
        dag_id, run_id, task_id, _ = req.key
        limits: list[Limit] = []
        size = self.pool_size.get(req.pool)
        used = self.pool_used.get(req.pool, 0)
        if size is None:
            limits.append(Limit(LimitCode.POOL_MISSING, 0, used, req.pool_slots, req.pool))
        elif size >= 0 and used + req.pool_slots > size:
            limits.append(Limit(LimitCode.POOL_FULL, size, used, req.pool_slots, req.pool))
        used = self.dag_used.get(dag_id, 0)
        if used >= req.max_active_tasks:
            limits.append(Limit(LimitCode.MAX_ACTIVE_TASKS, req.max_active_tasks, used))
        if req.max_active_tis_per_dag is not None:
            used = self.task_used.get((dag_id, task_id), 0)
            if used >= req.max_active_tis_per_dag:
                limits.append(Limit(LimitCode.MAX_ACTIVE_TIS_PER_DAG, req.max_active_tis_per_dag, used))
        if req.max_active_tis_per_dagrun is not None:
            used = self.run_task_used.get((dag_id, run_id, task_id), 0)
            if used >= req.max_active_tis_per_dagrun:
                limits.append(Limit(LimitCode.MAX_ACTIVE_TIS_PER_DAGRUN, req.max_active_tis_per_dagrun, used))
        if open_slots <= 0:
            limits.append(Limit(LimitCode.PARALLELISM, 0, 0))
        return limits

    def take(self, req: SlotRequest) -> None:
        self._add(req, 1)

    def release(self, req: SlotRequest) -> None:
        self._add(req, -1)

    def _add(self, req: SlotRequest, sign: int) -> None:
        dag_id, run_id, task_id, _ = req.key
        self.pool_used[req.pool] = self.pool_used.get(req.pool, 0) + sign * req.pool_slots
        self.dag_used[dag_id] = self.dag_used.get(dag_id, 0) + sign
        self.task_used[(dag_id, task_id)] = self.task_used.get((dag_id, task_id), 0) + sign
        self.run_task_used[(dag_id, run_id, task_id)] = self.run_task_used.get((dag_id, run_id, task_id), 0) + sign


class SlotBook:
    """The scheduler's slot accounting: the counts, read lazily, and what each queued instance holds.

    `invalidate()` (at each sweep) makes the next `occupancy` read the database again, so what
    other processes queued or finished is counted; in between, `take`/`release` keep it current.
    """

    __slots__ = ("_occupancy", "_holding")

    def __init__(self) -> None:
        self._occupancy: Occupancy | None = None
        self._holding: dict[TIKey, SlotRequest] = {}

    @property
    def occupancy(self) -> Occupancy:
        if self._occupancy is None:
            self._occupancy = Occupancy.read()
        return self._occupancy

    def invalidate(self) -> None:
        self._occupancy = None
        self._holding.clear()

    def take(self, req: SlotRequest) -> None:
        self.occupancy.take(req)

    def hold(self, req: SlotRequest) -> None:
        """`req` was queued: release its slots when the executor reports its end."""
        self._holding[req.key] = req

    def undo(self, req: SlotRequest) -> None:
        """A `take` whose queueing did not happen (another process changed the instance first)."""
        self.occupancy.release(req)

    def release(self, key: TIKey) -> bool:
        """The executor is done with `key`: free what it held; False if it held nothing here."""
        req = self._holding.pop(key, None)
        if req is None:
            return False
        if self._occupancy is not None:
            self._occupancy.release(req)
        return True
