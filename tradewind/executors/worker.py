"""A warm worker process of the LocalExecutor: take a workload, fork a child to run it, report.

The worker caches each DAG file it has imported (re-imported when the file changes), so the
forked child starts with the DAG ready. The worker claims each try and stores its result over its
own warm database connection; the child runs the task, sends the result back through a pipe, and
runs callbacks once the result is stored. After each task the worker forks the next task's
process ahead of need (a standby, used only if the DAG file has not changed since), so the fork
is not on the path from one task's end to the next one's start. The child heartbeats its task instance; if the state is
changed from outside (cleared, marked failed) the child stops itself, as Airflow's task runner does.
If the child dies without a result (crash, OOM kill, segfault), the worker records the failure by
the task's retry rules.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.executors.base import DAG_CALLBACK, TaskEvent, Workload

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG

log = logging.getLogger(__name__)

_current_child: int | None = None
_stopping = False
_standby: Standby | None = None


def worker_main(tasks: Any, events: Connection, scheduler_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the scheduler decides
    signal.signal(signal.SIGTERM, _on_sigterm)
    _rehearse()
    cache = DagFileCache()
    while not _stopping:
        try:
            workload = tasks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != scheduler_pid:
                break  # the scheduler is gone (kill -9): take no more work
            continue
        if workload is None:
            break
        if not run_workload(workload, cache,
                            lambda code, record=None, key=workload.key: events.send(TaskEvent(key, code, record))):
            break
    if _standby is not None:
        _standby.dismiss()
    events.close()


def _rehearse() -> None:
    """Run one throwaway task in this worker, inside a transaction that is rolled back.

    A forked child's caches die with it: whatever it compiles (SQL statements), builds (Jinja
    environments, loggers) or imports, the next child pays for again. Done once here, in the
    long-lived worker, every child inherits it warm.
    """
    import shutil
    import tempfile

    from tradewind.store.engine import rehearsal

    logs = tempfile.mkdtemp(prefix="tradewind-rehearsal-")
    saved = os.environ.get("TRADEWIND__LOGGING__BASE_LOG_FOLDER")
    os.environ["TRADEWIND__LOGGING__BASE_LOG_FOLDER"] = logs
    try:
        with rehearsal():
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
    from tradewind.scheduler.structure import DagStructure
    from tradewind.sdk.dag import DAG
    from tradewind.serialization import serialize_dag
    from tradewind.store import runs

    now = datetime.now(timezone.utc)
    with DAG("__tradewind_rehearsal__", schedule=None, start_date=now) as dag:
        PythonOperator(task_id="noop", python_callable=lambda: 1)  # a return value: XCom is warmed too
    structure = DagStructure.from_serialized(serialize_dag(dag))
    run = runs.create_dag_run(
        dag_id=dag.dag_id, run_id="rehearsal", logical_date=now, data_interval=(now, now), run_type="manual",
        conf={}, state="running", external_trigger=True, task_instances=structure.initial_task_instances(),
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


def add_dag_folders_to_path() -> None:
    """As at parse time (and in Airflow): DAG files may import helper modules from the DAGs and examples folders."""
    from tradewind.config import conf
    from tradewind.parsing.dagbag import example_folders

    folders = [Path(conf.getpath("core", "dags_folder"))]
    if conf.getboolean("core", "load_examples"):
        folders += example_folders()
    for folder in folders:
        if folder.is_dir() and str(folder) not in sys.path:
            sys.path.append(str(folder))


class DagFileCache:
    """DAG files imported once per worker, re-imported when their mtime changes."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[float, dict[str, DAG]]] = {}

    @property
    def entries(self) -> dict[str, tuple[float, dict[str, DAG]]]:
        """fileloc → (mtime, DAGs) as imported; an entry is replaced, never changed, on re-import."""
        return self._files

    def get_dag(self, fileloc: str, dag_id: str) -> DAG:
        from tradewind.exceptions import DagNotFound
        from tradewind.parsing.dagbag import DagBag

        try:
            mtime = Path(fileloc).stat().st_mtime
        except OSError:
            raise DagNotFound(f"the DAG file {fileloc} of DAG '{dag_id}' is gone") from None
        hit = self._files.get(fileloc)
        if hit is None or hit[0] != mtime:
            add_dag_folders_to_path()
            bag = DagBag(fileloc, include_examples=False, safe_mode=False)
            if fileloc in bag.import_errors:
                raise DagNotFound(f"cannot import {fileloc}: {bag.import_errors[fileloc].message}")
            hit = self._files[fileloc] = (mtime, dict(bag.dags))
            for loaded in bag.dags.values():
                loaded.get_template_env()  # built here once, inherited by every forked child
        dag = hit[1].get(dag_id)
        if dag is None:
            raise DagNotFound(f"DAG '{dag_id}' is no longer defined in {fileloc}")
        return dag


def run_workload(workload: Workload, cache: DagFileCache, report: Callable[..., None]) -> bool:
    """Run one workload in a forked child and `report` its exit code once; False if reporting failed.

    For a task, this worker claims the try and stores its result over its own warm connection;
    the child only runs the task and sends the result back. The scheduler hears of the result
    as soon as it is stored, while the child still runs callbacks and exits.
    """
    from tradewind.store import runs

    try:
        dag = cache.get_dag(workload.fileloc, workload.dag_id)
        dag_run = runs.get_dag_run(workload.dag_id, workload.run_id)
    except Exception as exc:  # noqa: BLE001 — a DAG that cannot load fails its task, not the worker
        _fail_unstartable(workload, f"{type(exc).__name__}: {exc}")
        return _report(report, 1)
    if dag_run is None:
        return _report(report, 1)
    if workload.task_id == DAG_CALLBACK:
        return _report(report, _fork(lambda: _dag_callbacks(dag, dag_run)))
    from tradewind.runtime.runner import claim_task_instance

    try:
        claim = claim_task_instance(dag_run, workload.task_id, workload.map_index)
    except Exception:  # noqa: BLE001 — the database is unwell: the scheduler's orphan checks retry later
        log.exception("cannot claim %s", workload.key)
        return _report(report, 1)
    if claim is None:
        return _report(report, 3)  # someone else had already claimed it: nothing ran here
    reported: list[bool] = []

    def on_result(code: int, record: Any) -> None:
        reported.append(_report(report, code, record))

    global _standby
    standby, _standby = _standby, None
    if standby is not None and standby.fits(cache, workload.fileloc):
        standby.start(workload, dag_run, claim)
        code = _wait(standby.pid, lambda: _store_results(standby.conn, claim, on_result))
        standby.conn.close()
    else:
        if standby is not None:
            standby.dismiss()
        here, there = multiprocessing.Pipe()
        code = _fork(lambda: _child(dag, dag_run, claim, there),
                     parent=lambda: _store_results(here, claim, on_result), close_in_parent=there)
        here.close()
    _standby = Standby(cache)  # the next task's process, forked while this worker would idle anyway
    if not reported:  # the child died before sending its result (crash, OOM kill, segfault)
        _record_if_vanished(workload, dag, claim, code)
        return _report(report, code or 1)
    return reported[0]


def _report(report: Callable[..., None], code: int, record: Any = None) -> bool:
    try:
        report(code, record)
        return True
    except (BrokenPipeError, OSError):
        return False  # the scheduler is gone


def _fork(child: Callable[[], int], parent: Callable[[], None] | None = None, close_in_parent: Any = None) -> int:
    """Run `child()` in a forked process (its return value is the exit code); `parent()` meanwhile."""
    pid = _spawn(child)
    if close_in_parent is not None:
        close_in_parent.close()
    return _wait(pid, parent)


def _spawn(child: Callable[[], int]) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()  # the child's garbage collector leaves inherited objects (and their pages) alone
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = child()
        finally:
            os._exit(code)
    return pid


def _wait(pid: int, parent: Callable[[], None] | None = None) -> int:
    """Run `parent()` (talking to the child) and reap the child; SIGTERM to the worker reaches it meanwhile."""
    global _current_child
    _current_child = pid
    try:
        if parent is not None:
            parent()
        _, status = os.waitpid(pid, 0)
    finally:
        _current_child = None
    return os.waitstatus_to_exitcode(status)


class Standby:
    """A task process forked ahead of need: it waits for its try, so the fork is off the hand-off's path.

    It inherited the worker's DAG cache as it was at the fork; it serves a workload only if the
    DAG's file is still cached as it was then (same cache entry), else it is dismissed unused.
    """

    def __init__(self, cache: DagFileCache) -> None:
        self.snapshot = dict(cache.entries)
        here, there = multiprocessing.Pipe()
        self.pid = _spawn(lambda: _standby_main(cache, there, here))
        there.close()
        self.conn = here

    def fits(self, cache: DagFileCache, fileloc: str) -> bool:
        entry = cache.entries.get(fileloc)
        return entry is not None and self.snapshot.get(fileloc) is entry

    def start(self, workload: Workload, dag_run: Any, claim: Any) -> None:
        self.conn.send((workload.fileloc, workload.dag_id, dag_run, claim))

    def dismiss(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.conn.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _standby_main(cache: DagFileCache, conn: Any, other_end: Any) -> int:
    """In a standby child: wait for a try (or None: not needed), then run it as any task child."""
    other_end.close()
    try:
        job = conn.recv()
    except (EOFError, OSError):
        return 0  # the worker is gone
    if job is None:
        return 0
    fileloc, dag_id, dag_run, claim = job
    return _child(cache.entries[fileloc][1][dag_id], dag_run, claim, conn)


def _store_results(conn: Any, claim: Any, on_result: Callable[[int, Any], None]) -> None:
    """In the worker: store the result the child sends, tell it whether it was ours, then report."""
    from tradewind.runtime.runner import record_try
    from tradewind.states import TaskState

    try:
        result = conn.recv()
    except (EOFError, OSError):
        return  # no result: the child died mid-try
    try:
        stored = record_try(claim.record, result)
    except Exception:  # noqa: BLE001 — cannot store: the try stays running and is handled as an orphan
        log.exception("cannot record the result of %s", claim.record.key)
        stored = None
    try:
        conn.send(stored is not None)
    except (BrokenPipeError, OSError):
        pass
    on_result(0 if result.state in (TaskState.SUCCESS.value, TaskState.SKIPPED.value) else 1, stored)


def _dag_callbacks(dag: DAG, dag_run: Any) -> int:
    from tradewind.runtime.dag_callbacks import run_dag_callbacks

    run_dag_callbacks(dag, dag_run, dag_run.state, "success" if dag_run.state == "success" else "task_failure")
    return 0


def _child(dag: DAG, dag_run: Any, claim: Any, conn: Any) -> int:
    """In the forked child: run the claimed try with a heartbeat; its result goes to the worker."""
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


def _record_if_vanished(workload: Workload, dag: DAG, claim: Any, code: int) -> None:
    """The child died without a result while the try is still ours and running: apply retry rules."""
    from tradewind.scheduler.orphans import fail_orphan
    from tradewind.store import task_instances

    try:
        current = task_instances.get_task_instance(*workload.key)
    except Exception:  # noqa: BLE001 — left to the scheduler's orphan checks
        log.exception("cannot check %s after its process died", workload.key)
        return
    if (current is None or current.state != "running" or current.pid != os.getpid()
            or current.try_number != claim.record.try_number):
        return
    reason = f"the task's process exited with code {code} without recording a result"
    fail_orphan(current, reason, retries_left=current.try_number <= current.max_tries,
                retry_delay=dag.get_task(workload.task_id).retry_delay_for(current.try_number)
                if workload.task_id in dag.task_dict else None)


def _fail_unstartable(workload: Workload, reason: str) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    log.error("cannot start %s: %s", workload.key, reason)
    task_instances.set_states([StateChange(*workload.key, frozenset({"queued", "scheduled"}), "failed",
                                           {"end_date": datetime.now(timezone.utc)})])
