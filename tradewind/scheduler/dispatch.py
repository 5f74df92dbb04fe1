"""Ready task instances waiting for a slot, sent to the executor best priority first, within every limit."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tradewind.scheduler.capacity import SlotBook, SlotRequest
from tradewind.states import TaskState

if TYPE_CHECKING:
    from tradewind.executors.base import Executor
    from tradewind.executors.messages import TIKey, Workload
    from tradewind.scheduler.dag_cache import DagCache
    from tradewind.scheduler.run_cache import RunCache
    from tradewind.structure import DagStructure


@dataclass(order=True)
class _Pending:
    """A ready task instance waiting for a free slot, best priority first."""

    sort_key: tuple[int, ...]
    request: SlotRequest = field(compare=False)
    state: str = field(compare=False)


class Dispatcher:
    """The scheduler's queue of ready instances and its slot accounting (`slots`)."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._keys: set[TIKey] = set()
        self.slots = SlotBook()
        #: Every pending instance waits for a pool or a task limit: wait for a task to end, don't spin.
        self.blocked = False
        #: Several schedulers: this one's salt (its job id). Instances of equal priority in one run are
        #: then taken in an order of its own, so the schedulers rarely reach for the same ones.
        self.spread: int | None = None

    def __bool__(self) -> bool:
        return bool(self._pending)

    def add(self, ti: Any, structure: DagStructure, executing: set[TIKey], run_rank: int = 0) -> None:
        """Queue `ti` (a task-instance record the planner found ready) unless it is already on its way.

        Best priority first, then oldest run first (`run_rank`: the run's id), then the instance's
        order in its run — or, with `spread`, an order of this scheduler's own.
        """
        if ti.key in self._keys or ti.key in executing:
            return
        self._keys.add(ti.key)
        request = SlotRequest.for_instance(ti.key, ti.pool, ti.pool_slots, structure)
        within = ti.id if self.spread is None else hash((ti.id, self.spread))
        heapq.heappush(self._pending, _Pending((-ti.priority_weight, run_rank, within), request, ti.state))

    def finished(self, key: TIKey) -> None:
        """The executor is done with `key`: its slots are free again."""
        self.slots.release(key)

    def dispatch(self, executor: Executor, dags: DagCache, runs: RunCache, *, job_id: int | None = None) -> None:
        """Move the best pending instances to queued (stamped with the scheduler's `job_id`) and hand them to `executor`."""
        from tradewind.store import task_instances

        open_slots = executor.open_slots
        if not self._pending or open_slots <= 0:
            return
        occupancy = self.slots.occupancy
        chosen: list[_Pending] = []
        held: list[_Pending] = []
        while self._pending and len(chosen) < open_slots:
            item = heapq.heappop(self._pending)
            req = item.request
            if dags.get(req.key[0]) is None or req.key[:2] not in runs:
                self._keys.discard(req.key)
                continue
            if occupancy.blocking(req, open_slots - len(chosen)):
                held.append(item)
                continue
            self.slots.take(req)
            chosen.append(item)
        for item in held:
            heapq.heappush(self._pending, item)
        self.blocked = bool(held) and not chosen
        if not chosen:
            return
        early: set[TIKey] = set()  # handed to an idle worker while the `queued` is written

        def hand_over() -> None:
            for item in chosen:
                if executor.hand_to_idle(_workload(item.request.key, dags, runs)):
                    early.add(item.request.key)

        results = task_instances.queue_ready(
            [(item.request.key, item.state) for item in chosen], job_id=job_id, before_write=hand_over
        )
        for item, ok in zip(chosen, results, strict=True):
            key = item.request.key
            self._keys.discard(key)
            cached = runs.cached((key[0], key[1]))
            if key in early:  # its worker claims it after the commit (or reports it NOT_OURS if lost)
                self.slots.hold(item.request)
            elif ok:
                executor.queue(_workload(key, dags, runs))  # first: the worker starts while we do the bookkeeping
                self.slots.hold(item.request)
            else:  # lost to another writer (a clear, another scheduler): re-read that row only
                self.slots.undo(item.request)
            if cached is not None:
                if ok:
                    cached.set_state((key[2], key[3]), TaskState.QUEUED.value)
                else:
                    runs.stale(key)
        if early:
            executor.top_up()


def _workload(key: TIKey, dags: DagCache, runs: RunCache) -> Workload:
    from tradewind.executors.messages import Workload

    info = dags.get(key[0])
    assert info is not None
    node = info.structure.nodes.get(key[2])
    return Workload(
        *key,
        fileloc=info.fileloc,
        dag_run=runs.runs.get((key[0], key[1])),
        queue=node.queue if node is not None else None,
    )
