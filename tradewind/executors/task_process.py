"""What runs in a task's own forked process: read the job from the worker, run it, send the result.

The process is forked by the worker slot's fork server with the DAG already imported. Its
channel to the worker carries one job — `RunTry`, `RunCallbacks` or `NoJob` (messages.py) — then
the try's `TryResult` one way and the worker's `ResultStored` back. The
worker heartbeats the try meanwhile and sends SIGTERM if its state is changed from outside; the
task then stops as on any SIGTERM (its `on_kill` runs).
"""

from __future__ import annotations

import signal
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from tradewind.executors.messages import ResultStored, RunCallbacks, RunTry

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


def task_main(dag: DAG, fd: int) -> int:
    """Run the one job the worker sends over `fd`; the return value is the process's exit code."""
    conn = Connection(fd)
    try:
        job = conn.recv()
    except (EOFError, OSError):
        return 1  # the worker is gone
    if isinstance(job, RunCallbacks):
        return _dag_callbacks(dag, job.dag_run)
    if isinstance(job, RunTry):
        return _run_try(dag, job.dag_run, job.claim, conn)
    return 0  # NoJob


def _dag_callbacks(dag: DAG, dag_run: Any) -> int:
    from tradewind.runtime.dag_callbacks import run_dag_callbacks
    from tradewind.states import DagRunState

    reason = "success" if dag_run.state == DagRunState.SUCCESS else "task_failure"
    run_dag_callbacks(dag, dag_run, dag_run.state, reason)
    return 0


def _run_try(dag: DAG, dag_run: Any, claim: Any, conn: Connection) -> int:
    """Run the claimed try; its result goes to the worker, which stores it."""
    from tradewind.exceptions import TaskTerminated
    from tradewind.runtime.runner import TryResult, run_claimed
    from tradewind.states import TaskState

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _terminate(signum: int, frame: object) -> None:
        raise TaskTerminated(f"received signal {signal.Signals(signum).name}")

    def send(claimed: Any, result: TryResult) -> bool:
        conn.send(result)
        reply: ResultStored = conn.recv()
        return reply.stored

    signal.signal(signal.SIGTERM, _terminate)
    outcome = run_claimed(dag, dag_run, claim, record=send, defer_inline=False)  # the triggerer waits for it
    return 0 if outcome.state in (TaskState.SUCCESS, TaskState.SKIPPED, TaskState.DEFERRED) else 1
