"""The interface between the scheduler and an executor (the messages themselves are in messages.py)."""

from __future__ import annotations

from typing import Any, Protocol

from tradewind.executors.messages import TaskEvent, TIKey, Workload


class Executor(Protocol):
    parallelism: int

    def start(self) -> None: ...

    def queue(self, workload: Workload) -> None: ...

    def hand_to_idle(self, workload: Workload) -> bool:
        """Hand `workload` over only if that is instant (a warm, idle worker): starting no process,
        waiting for no network. The scheduler may call it inside its `queued` write transaction;
        False (always, for an executor with no such worker) means `queue` it after the commit."""
        ...

    def top_up(self) -> None:
        """After the commit: start what the workloads given by `hand_to_idle` call for (a spare worker)."""
        ...

    @property
    def open_slots(self) -> int: ...

    @property
    def running(self) -> set[TIKey]: ...

    def event_handles(self) -> list[Any]:
        """Objects `multiprocessing.connection.wait` can wait on: readable when events arrive."""
        ...

    def get_events(self) -> list[TaskEvent]: ...

    def end(self, timeout: float) -> None:
        """Stop taking work, let running tasks finish for up to `timeout` seconds, then stop them."""
        ...
