"""What runs in a task's own forked process: read the job from the worker, run it, send the result.

The process is forked by the worker slot's fork server with the DAG already imported. Its
channel to the worker carries one job — `("task", dag_run, claim)`, `("callbacks", dag_run)` or
None (not needed after all) — then the try's result one way and the worker's "stored" back. The
process heartbeats its task instance; if the state is changed from outside (cleared, marked
failed) it stops itself, as Airflow's task runner does.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


def task_main(dag: DAG, fd: int) -> int:
    """Run the one job the worker sends over `fd`; the return value is the process's exit code."""
    conn = Connection(fd)
    try:
        job = conn.recv()
    except (EOFError, OSError):
        return 1  # the worker is gone
    if job is None:
        return 0
    if job[0] == "callbacks":
        return _dag_callbacks(dag, job[1])
    return _run_try(dag, job[1], job[2], conn)


def _dag_callbacks(dag: DAG, dag_run: Any) -> int:
    from tradewind.runtime.dag_callbacks import run_dag_callbacks

    run_dag_callbacks(dag, dag_run, dag_run.state, "success" if dag_run.state == "success" else "task_failure")
    return 0


def _run_try(dag: DAG, dag_run: Any, claim: Any, conn: Connection) -> int:
    """Run the claimed try with a heartbeat; its result goes to the worker, which stores it."""
    from tradewind.exceptions import TaskTerminated
    from tradewind.runtime.runner import TryResult, run_claimed
    from tradewind.states import TaskState

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _terminate(signum: int, frame: object) -> None:
        raise TaskTerminated(f"received signal {signal.Signals(signum).name}")

    def send(claimed: Any, result: TryResult) -> bool:
        conn.send(result)
        return bool(conn.recv())

    signal.signal(signal.SIGTERM, _terminate)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(claim.record, stop), daemon=True)
    beat.start()
    try:
        outcome = run_claimed(dag, dag_run, claim, record=send)
    finally:
        stop.set()
    return 0 if outcome.state in (TaskState.SUCCESS, TaskState.SKIPPED) else 1


def _heartbeat(claimed: Any, stop: threading.Event) -> None:
    from tradewind.config import conf
    from tradewind.store import task_instances

    interval = conf.getfloat("scheduler", "task_heartbeat_interval", fallback=5.0)
    while not stop.wait(interval):
        try:
            alive = task_instances.heartbeat_task(
                claimed.dag_id, claimed.run_id, claimed.task_id, claimed.map_index, claimed.try_number
            )
        except Exception:  # noqa: BLE001 — a missed heartbeat is retried on the next beat
            continue
        if not alive:
            if not stop.is_set():
                logging.getLogger("tradewind.task").warning("the task instance's state was changed from outside: terminating")
                os.kill(os.getpid(), signal.SIGTERM)
            return
