"""What runs in a task's own process: read the job from the supervisor, run it, send the result.

The process is forked by a fork server (a fresh interpreter with only the task runtime, the DAG
already imported). Its one channel is a stream socket to its supervisor, speaking the task
protocol (runtime/protocol.py): a job — `StartTry`, `StartCallbacks` or `NoJob` — comes in;
every XCom, Variable, Connection or other store access of the task goes out as a request and
waits for its answer; the try's `TaskResult` is answered by `ResultStored`. The process opens no
database connection and imports no store code.

The supervisor heartbeats the try meanwhile and sends SIGTERM if its state is changed from
outside; the task then stops as on any SIGTERM (its `on_kill` runs).

With `[executor] tasks_per_process` above 1 (or a task's `executor_config`), the process may
take further jobs of the same DAG file (see reuse.py); otherwise it exits after one.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import TaskTerminated
from tradewind.executors.reuse import ReuseGuard
from tradewind.runtime import comms
from tradewind.runtime.dag_callbacks import run_dag_callbacks
from tradewind.runtime.protocol import Channel, JobDone, StartCallbacks, StartTry, TaskResult
from tradewind.runtime.runner import run_claimed
from tradewind.states import DagRunState, TaskState

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


def _c_signal() -> Callable[[int, Any], Any]:
    """The C function `signal.signal` wraps (CPython's `_signal`; the wrapper has no `__wrapped__`)."""
    try:
        import _signal  # type: ignore[import-not-found]

        c_signal: Callable[[int, Any], Any] = _signal.signal
        return c_signal
    except (ImportError, AttributeError):
        return signal.signal


_signal = _c_signal()
"""Without the wrapper's enum conversions of the old and new handler (an exception raised and
formatted for a function): ~40 pages for a try's two handlers, measured in a child forked from a
warmed fork server; ~20 µs a try in a reused process."""


def set_handler(signum: int, handler: Callable[[int, Any], Any] | int) -> None:
    """`signal.signal(signum, handler)` for a task's process; `handler` a function, SIG_DFL or SIG_IGN."""
    _signal(int(signum), handler if callable(handler) else int(handler))


def task_main(dag: DAG, fd: int) -> int:
    """Run the jobs the supervisor sends over `fd`; the return value is the process's exit code."""
    channel = Channel.from_fd(fd)
    comms.install(comms.ChannelClient(channel))
    guard = ReuseGuard(dag)
    code = 0
    while True:
        try:
            job = channel.recv()
        except (EOFError, OSError):
            return 1 if guard.jobs == 0 else code  # the supervisor is gone (or done with an idle process)
        if isinstance(job, StartCallbacks):
            code = _dag_callbacks(dag, job.dag_run)
        elif isinstance(job, StartTry):
            code = _run_try(dag, job, guard)
        else:
            return code  # NoJob: not needed (any more)
        reusable = guard.after_job(dag, job)
        if reusable:
            try:
                channel.send(JobDone(reusable=True))
            except OSError:
                return code
            continue
        return code


def _dag_callbacks(dag: DAG, dag_run: Any) -> int:
    reason = "success" if dag_run.state == DagRunState.SUCCESS else "task_failure"
    run_dag_callbacks(dag, dag_run, dag_run.state, reason)
    return 0


def _run_try(dag: DAG, job: StartTry, guard: ReuseGuard) -> int:
    """Run the claimed try; its result goes to the supervisor, which stores it."""
    set_handler(signal.SIGINT, signal.SIG_IGN)

    def _terminate(signum: int, frame: object) -> None:
        guard.killed = True
        raise TaskTerminated(f"received signal {signal.Signals(signum).name}")

    def send(claimed: Any, result: Any) -> bool:
        stored: bool = comms.request(TaskResult(result))
        return stored

    set_handler(signal.SIGTERM, _terminate)
    outcome = run_claimed(dag, job.dag_run, job.claim, record=send, defer_inline=False)  # the triggerer waits for it
    return 0 if outcome.state in (TaskState.SUCCESS, TaskState.SKIPPED, TaskState.DEFERRED) else 1
