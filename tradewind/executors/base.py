"""What the scheduler hands an executor, what it hears back, and the interface in between."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

TIKey = tuple[str, str, str, int]  # dag_id, run_id, task_id, map_index

DAG_CALLBACK = "__dag_callback__"
"""The task_id of a workload that fires a finished run's DAG-level callback instead of a task."""


@dataclass(frozen=True, slots=True)
class Workload:
    """Everything a worker needs to run one try: which instance, and which file defines its DAG.

    `dag_run` is the run's record when the scheduler has it at hand: the worker then need not
    read it (its conf, dates and interval never change; a DAG callback reads the final state).
    """

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    fileloc: str
    dag_run: Any = None

    @property
    def key(self) -> TIKey:
        return (self.dag_id, self.run_id, self.task_id, self.map_index)


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """A worker finished with a workload: the task's process ended with `exit_code`.

    The state itself is in the database; the event says *which* instance to look at, so the
    scheduler re-plans just that instance's downstream. `record` is the row as the worker stored
    it, when it did: the scheduler then need not read it back.
    """

    key: TIKey
    exit_code: int
    record: Any = None


class Executor(Protocol):
    parallelism: int

    def start(self) -> None: ...

    def queue(self, workload: Workload) -> None: ...

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
