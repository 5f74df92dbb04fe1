"""Every message that crosses a process boundary in an executor, as a small frozen dataclass.

Two channels here, each one message per pickle (a `multiprocessing` connection or a SOCK_SEQPACKET
socket), all on one machine and between processes of the same install:

- scheduler ⇄ worker: `Workload` one way, `TaskEvent` back, `StopWorker` to end the worker;
- supervisor ⇄ fork server: `ForkRequest` (with the task channel's file descriptor beside it),
  answered by `Started` or `StartFailed`, then `Exited`; `StopServer` ends the server.

The third, supervisor ⇄ task process, is the task protocol (JSON lines, versioned on its own):
`tradewind/runtime/protocol.py` and docs/task-protocol.md.

Receivers branch on the type (or an enum), never on the wording of a text. `PROTOCOL_VERSION`
changes whenever a message changes shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

PROTOCOL_VERSION = 4

TIKey = tuple[str, str, str, int]  # dag_id, run_id, task_id, map_index

DAG_CALLBACK = "__dag_callback__"
"""The task_id of a workload that fires a finished run's DAG-level callback instead of a task."""


# --- scheduler ⇄ worker --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Workload:
    """Everything a worker needs to run one try: which instance, and which file defines its DAG.

    `dag_run` is the run's record when the scheduler has it at hand: the worker then need not
    read it (its conf, dates and interval never change; a DAG callback reads the final state).
    `queue` is the task's operator `queue` (a distributed executor routes on it). `queued_only`:
    claim the try only while the instance is still `queued` — a workload a broker may deliver
    twice or late (Celery) must not start a try the scheduler has since retried or reset.
    """

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    fileloc: str
    dag_run: Any = None
    queue: str | None = None
    queued_only: bool = False

    @property
    def key(self) -> TIKey:
        return (self.dag_id, self.run_id, self.task_id, self.map_index)


class Outcome(StrEnum):
    """How a worker's workload ended, as far as the worker knows."""

    SUCCEEDED = "succeeded"  # the try ended success or skipped (or the DAG callbacks ran)
    FAILED = "failed"  # the try failed, or its process died, or it could not start
    NOT_OURS = "not_ours"  # another worker had already claimed the try: nothing ran here
    DEFERRED = "deferred"  # the try deferred: its process is gone, the triggerer waits for its trigger


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """A worker is done with a workload.

    The state itself is in the database; the event says *which* instance to look at, so the
    scheduler re-plans just that instance's downstream. `record` is the row as the worker stored
    it, when it did: the scheduler then need not read it back.
    """

    key: TIKey
    outcome: Outcome
    record: Any = None


@dataclass(frozen=True, slots=True)
class StopWorker:
    """Take no more work; exit once the current workload is done."""


# --- worker ⇄ fork server ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ForkRequest:
    """Start a process for a job of this DAG; the task channel's descriptor travels with the message."""

    fileloc: str
    dag_id: str


@dataclass(frozen=True, slots=True)
class Started:
    pid: int


@dataclass(frozen=True, slots=True)
class StartFailed:
    """The DAG cannot be loaded from its file now (the reason is the import error)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Exited:
    exit_code: int


@dataclass(frozen=True, slots=True)
class StopServer:
    """The worker is done with its fork server."""
