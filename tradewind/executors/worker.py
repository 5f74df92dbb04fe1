"""A warm worker process of the LocalExecutor: take a workload from the scheduler, supervise it, report.

The worker is a supervisor (supervisor.py): it claims each try and stores its result over its
own warm database connection, and answers every store request of the task's process, which is
forked by the worker's fork server (a fresh interpreter without the store, see forkserver.py)
and talks only to the worker. The scheduler hears of the result as soon as it is stored, while
the task's process still runs callbacks and exits.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from typing import Any

from tradewind.executors.messages import Outcome, StopWorker, TaskEvent
from tradewind.executors.supervisor import TaskProcesses, supervise, terminate_current
from tradewind.states import DagRunState, DagRunType

log = logging.getLogger(__name__)

_stopping = False


def worker_main(conn: Connection, scheduler_pid: int) -> None:
    """Take workloads from the scheduler over `conn` (until StopWorker) and send a TaskEvent back for each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the scheduler decides
    signal.signal(signal.SIGTERM, _on_sigterm)
    from tradewind.store.engine import database_url, pin_database_url

    pin_database_url(database_url())  # the scheduler's database, for this worker's lifetime
    processes = TaskProcesses()  # the fork server starts (a fresh interpreter) while the worker warms up
    _rehearse()
    try:
        processes.server.wait_ready()
    except (EOFError, OSError):  # it could not start: the first workload's request starts another
        log.exception("the fork server of worker %s did not start", os.getpid())
    while not _stopping:
        try:
            if not conn.poll(1.0):
                if os.getppid() != scheduler_pid:
                    break  # the scheduler is gone (kill -9): take no more work
                continue
            workload = conn.recv()
        except (EOFError, OSError):
            break  # the scheduler is gone
        if isinstance(workload, StopWorker):
            break
        sent: list[bool] = []

        def report(outcome: Outcome, record: Any = None, key: Any = workload.key, sent: list[bool] = sent) -> None:
            sent.append(_send(conn, TaskEvent(key, outcome, record)))

        try:
            supervise(workload, processes, report)
        except (EOFError, OSError):  # the fork server died mid-workload: report it, start a new server
            log.exception("the fork server of worker %s died", os.getpid())
            if not sent:
                report(Outcome.FAILED)
            processes.restart()
        if not all(sent):
            break  # the scheduler is gone
    processes.close()
    conn.close()


def _send(conn: Connection, event: TaskEvent) -> bool:
    try:
        # the bytes `conn.send` makes, without its ForkingPickler (which copies pickle's dispatch table per call)
        conn.send_bytes(pickle.dumps(event))
        return True
    except (BrokenPipeError, OSError):
        return False


def _rehearse() -> None:
    """Run one throwaway task in this worker, inside a transaction that is rolled back.

    The worker's own part of every task (claiming, answering XCom requests, storing the result)
    then runs on statements compiled and caches filled once, not on the first real task.
    """
    import shutil
    import tempfile

    from tradewind import listeners
    from tradewind.store.engine import rehearsal

    logs = tempfile.mkdtemp(prefix="tradewind-rehearsal-")
    saved = os.environ.get("TRADEWIND__LOGGING__BASE_LOG_FOLDER")
    os.environ["TRADEWIND__LOGGING__BASE_LOG_FOLDER"] = logs
    try:
        with rehearsal(), listeners.silenced():
            _rehearsal_task()
    except Exception:  # noqa: BLE001 — only a warm-up: the real tasks report real errors
        log.debug("worker warm-up failed", exc_info=True)
    finally:
        if saved is None:
            os.environ.pop("TRADEWIND__LOGGING__BASE_LOG_FOLDER", None)
        else:
            os.environ["TRADEWIND__LOGGING__BASE_LOG_FOLDER"] = saved
        shutil.rmtree(logs, ignore_errors=True)


def _rehearsal_task() -> None:
    from tradewind.operators.python import PythonOperator
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.runs import create_run
    from tradewind.sdk.dag import DAG
    from tradewind.serialization import serialize_dag
    from tradewind.structure import DagStructure

    now = datetime.now(timezone.utc)
    with DAG("__tradewind_rehearsal__", schedule=None, start_date=now) as dag:
        PythonOperator(task_id="noop", python_callable=lambda: 1)  # a return value: XCom is warmed too
    structure = DagStructure.from_serialized(serialize_dag(dag))
    run = create_run(
        structure,
        DagRunType.MANUAL,
        now,
        (now, now),
        run_id="rehearsal",
        state=DagRunState.RUNNING,
        external_trigger=True,
    )
    run_task_instance(dag, run, "noop")


def _on_sigterm(signum: int, frame: object) -> None:
    global _stopping
    _stopping = True
    terminate_current(signal.SIGTERM)
