"""A warm worker process of the LocalExecutor: take a workload, have its process forked, store its result.

The worker claims each try and stores its result over its own warm database connection; the
task runs in a process of its own, forked by the worker's fork server (see forkserver.py for why
the worker does not fork itself), and sends its result back over a socket. While it runs, the
worker heartbeats the try; if the state is changed from outside (cleared, marked failed) it
stops the task's process, as Airflow's task runner does. The scheduler hears
of the result as soon as it is stored, while the task's process still runs callbacks and exits.
If the process dies without a result (crash, OOM kill, segfault), the worker records the failure
by the task's retry rules.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from typing import Any

from tradewind.executors.forkserver import ForkServer
from tradewind.executors.messages import (
    DAG_CALLBACK,
    NoJob,
    Outcome,
    ResultStored,
    RunCallbacks,
    RunTry,
    StopWorker,
    TaskEvent,
    Workload,
)
from tradewind.states import SUCCESS_LIKE, DagRunState, DagRunType, TaskState

log = logging.getLogger(__name__)

_current_child: int | None = None
_stopping = False


def worker_main(conn: Connection, scheduler_pid: int) -> None:
    """Take workloads from the scheduler over `conn` (until StopWorker) and send a TaskEvent back for each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the scheduler decides
    signal.signal(signal.SIGTERM, _on_sigterm)
    _rehearse()
    server = ForkServer(close_in_server=(conn,))
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

        def report(outcome: Outcome, record: Any = None, key: Any = workload.key) -> None:
            conn.send(TaskEvent(key, outcome, record))

        try:
            sent = run_workload(workload, server, report)
        except (EOFError, OSError):  # the fork server died mid-workload: report it, start a new server
            log.exception("the fork server of worker %s died", os.getpid())
            sent = _report(report, Outcome.FAILED)
            server.restart()
        if not sent:
            break
    server.close()
    conn.close()


def _rehearse() -> None:
    """Run one throwaway task in this worker, inside a transaction that is rolled back.

    A forked child's caches die with it: whatever it compiles (SQL statements), builds (Jinja
    environments, loggers) or imports, the next child pays for again. Done once here, in the
    long-lived worker, every child inherits it warm.
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
    if _current_child is not None:
        try:
            os.kill(_current_child, signal.SIGTERM)
        except ProcessLookupError:
            pass


def run_workload(workload: Workload, server: ForkServer, report: Callable[..., None]) -> bool:
    """Run one workload in a process of its own and `report` its outcome once; False if reporting failed."""
    from tradewind.exceptions import DagNotFound
    from tradewind.store import runs

    try:
        dag_run = workload.dag_run or runs.get_dag_run(workload.dag_id, workload.run_id)
    except Exception as exc:  # noqa: BLE001 — the database is unwell: the task fails, not the worker
        _fail_unstartable(workload, f"{type(exc).__name__}: {exc}")
        return _report(report, Outcome.FAILED)
    if dag_run is None:
        return _report(report, Outcome.FAILED)
    with server.request(workload.fileloc, workload.dag_id) as conn:
        job: RunTry | RunCallbacks | NoJob
        if workload.task_id == DAG_CALLBACK:
            claim, unclaimed, job = None, Outcome.FAILED, RunCallbacks(dag_run)
        else:
            claim, unclaimed = _claim(workload, dag_run)
            job = RunTry(dag_run, claim) if claim is not None else NoJob()
        _send_job(conn, job)  # waits in the socket if the process is not there yet
        try:
            pid = server.started()
        except DagNotFound as exc:  # a DAG that cannot load fails its task, not the worker
            _fail_unloadable(workload, claim, str(exc))
            return _report(report, Outcome.FAILED)
        except (EOFError, OSError):  # the fork server died before starting it: the try ends by its retry rules
            if claim is not None:
                _record_if_vanished(workload, claim, 1)
            raise
        if claim is None:  # DAG callbacks (their exit code is the report), or a try that is not ours
            exit_code = _wait_exit(server, pid)
            if isinstance(job, RunCallbacks):
                return _report(report, Outcome.SUCCEEDED if exit_code == 0 else Outcome.FAILED)
            return _report(report, unclaimed)
        reported: list[bool] = []

        def on_result(outcome: Outcome, record: Any) -> None:
            reported.append(_report(report, outcome, record))

        code = _wait_exit(server, pid, lambda: _store_results(conn, claim, pid, on_result))
    if not reported:  # the process died before sending its result (crash, OOM kill, segfault)
        _record_if_vanished(workload, claim, code)
        return _report(report, Outcome.FAILED)
    return reported[0]


def _claim(workload: Workload, dag_run: Any) -> tuple[Any, Outcome]:
    """Claim the try (while the fork server readies its process); and the outcome to report if not claimed."""
    from tradewind.runtime.runner import claim_task_instance

    try:
        claim = claim_task_instance(dag_run, workload.task_id, workload.map_index)
    except Exception:  # noqa: BLE001 — the database is unwell: the scheduler's orphan checks retry later
        log.exception("cannot claim %s", workload.key)
        return None, Outcome.FAILED
    return claim, Outcome.NOT_OURS


def _fail_unloadable(workload: Workload, claim: Any, reason: str) -> None:
    """The DAG's file cannot be imported now: the claimed try fails, with the reason in its log."""
    from tradewind.runtime.runner import TryResult, record_try
    from tradewind.runtime.task_log import log_line

    log.error("cannot run %s: %s", workload.key, reason)
    if claim is None:
        return
    log_line(claim.log_path, "ERROR", f"cannot load the DAG: {reason}")
    try:
        record_try(claim.record, TryResult(TaskState.FAILED, datetime.now(timezone.utc), None, None, None))
    except Exception:  # noqa: BLE001 — left running: the scheduler's orphan checks finish it
        log.exception("cannot record the failure of %s", workload.key)


def _report(report: Callable[..., None], outcome: Outcome, record: Any = None) -> bool:
    try:
        report(outcome, record)
        return True
    except (BrokenPipeError, OSError):
        return False  # the scheduler is gone


def _wait_exit(server: ForkServer, pid: int, talk: Callable[[], None] | None = None) -> int:
    """Run `talk()` (with the task's process) and wait for the process to exit; SIGTERM to the worker reaches it."""
    global _current_child
    _current_child = pid
    try:
        if talk is not None:
            talk()
        return server.wait_exit()
    finally:
        _current_child = None


def _send_job(conn: Connection, job: RunTry | RunCallbacks | NoJob) -> None:
    try:
        conn.send(job)
    except OSError:
        pass  # the process died before its job: its exit code tells the rest


def _store_results(conn: Connection, claim: Any, pid: int, on_result: Callable[[Outcome, Any], None]) -> None:
    """Heartbeat the try until the task's process sends its result; store it, report, tell the process."""
    from tradewind.config import conf
    from tradewind.runtime.runner import record_try

    interval = conf.getfloat("scheduler", "task_heartbeat_interval", fallback=5.0)
    stopped = False
    try:
        while not conn.poll(interval):
            if not stopped and not _heartbeat(claim.record):
                _stop_changed_task(claim, pid)
                stopped = True
        result = conn.recv()
    except (EOFError, OSError):
        return  # no result: the process died mid-try
    try:
        stored = record_try(claim.record, result)
    except Exception:  # noqa: BLE001 — cannot store: the try stays running and is handled as an orphan
        log.exception("cannot record the result of %s", claim.record.key)
        stored = None
    # the scheduler first (the next task waits on it), then the task's process (its callbacks)
    if result.state == TaskState.DEFERRED:
        outcome = Outcome.DEFERRED
    else:
        outcome = Outcome.SUCCEEDED if result.state in SUCCESS_LIKE else Outcome.FAILED
    on_result(outcome, stored)
    try:
        conn.send(ResultStored(stored is not None))
    except (BrokenPipeError, OSError):
        pass


def _heartbeat(claimed: Any) -> bool:
    """Record that the try is alive; False if its state was changed from outside meanwhile."""
    from tradewind.store import tries

    try:
        return tries.heartbeat_task(
            claimed.dag_id, claimed.run_id, claimed.task_id, claimed.map_index, claimed.try_number
        )
    except Exception:  # noqa: BLE001 — a missed heartbeat is retried on the next beat
        return True


def _stop_changed_task(claim: Any, pid: int) -> None:
    """Say why in the task's log, then SIGTERM its process (the task stops as on any SIGTERM)."""
    from tradewind.runtime.task_log import log_line

    log_line(claim.log_path, "WARNING", "the task instance's state was changed from outside: terminating")
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def _record_if_vanished(workload: Workload, claim: Any, code: int) -> None:
    """The task's process died without a result while the try is still ours and running: apply retry rules."""
    from tradewind.executors.dag_file_cache import DagFileCache
    from tradewind.scheduler.orphans import fail_orphan
    from tradewind.store import task_instances

    try:
        current = task_instances.get_task_instance(*workload.key)
    except Exception:  # noqa: BLE001 — left to the scheduler's orphan checks
        log.exception("cannot check %s after its process died", workload.key)
        return
    if (
        current is None
        or current.state != TaskState.RUNNING
        or current.pid != os.getpid()
        or current.try_number != claim.record.try_number
    ):
        return
    reason = f"the task's process exited with code {code} without recording a result"
    try:  # the task's own retry_delay; this (rare) path imports the DAG file here, in the worker
        dag = DagFileCache().get_dag(workload.fileloc, workload.dag_id)
        retry_delay = dag.get_task(workload.task_id).retry_delay_for(current.try_number)
    except Exception:  # noqa: BLE001 — the file changed or broke since: the configured default applies
        retry_delay = None
    fail_orphan(current, reason, retries_left=current.try_number <= current.max_tries, retry_delay=retry_delay)


def _fail_unstartable(workload: Workload, reason: str) -> None:
    from tradewind.store import task_instances

    log.error("cannot start %s: %s", workload.key, reason)
    task_instances.fail_unstarted(workload.key, datetime.now(timezone.utc))
