"""The supervisor: run one workload in a task process of its own, and be that process's only way to the store.

`supervise(workload, processes)` claims the try, has a task process started (by the fork server
of `processes`), sends it the job, answers its requests of the task protocol
(runtime/protocol.py) from the store, heartbeats the try while it runs, stores its result, and
returns the outcome. It assumes nothing of the local executor: whatever runs workloads (a
LocalExecutor worker, a Celery worker) keeps one `TaskProcesses` and calls `supervise` per
workload. The store is this process's configured one (`[database] sql_alchemy_conn`).

A task process that breaks the protocol (garbage, a message over `protocol.MAX_LINE` bytes,
dying mid-message) is killed and its try failed by its retry rules, with the reason in the log;
the supervisor carries on with the next workload.
"""

from __future__ import annotations

import logging
import os
import select
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tradewind.executors.forkserver import ForkServer
from tradewind.executors.messages import DAG_CALLBACK, Outcome, Workload
from tradewind.runtime import protocol
from tradewind.states import SUCCESS_LIKE, TaskState

log = logging.getLogger(__name__)

SEND_TIMEOUT = 60.0
"""Seconds an answer may wait for a task process that does not read its channel (then it is failed)."""

OnOutcome = Callable[[Outcome, Any], None]

_current_child: int | None = None


@dataclass
class _Idle:
    """A task process that finished its job and may take another of the same DAG (opt-in reuse)."""

    channel: protocol.Channel
    pid: int
    fileloc: str
    dag_id: str
    mtime: float


class TaskProcesses:
    """Where a supervisor gets its task processes: a fork server, and the one process kept for reuse."""

    def __init__(self, server: ForkServer | None = None) -> None:
        from tradewind.config import conf
        from tradewind.runtime.task_log import log_folder_prefix

        self.server = server if server is not None else ForkServer()
        self._idle: _Idle | None = None
        # read once: a lookup per task costs as much as a store statement
        self.heartbeat_interval = conf.getfloat("scheduler", "task_heartbeat_interval", fallback=5.0)
        self.log_folder = log_folder_prefix()  # where tries' logs go: read once, as the interval

    def open(self, fileloc: str, dag_id: str) -> tuple[protocol.Channel, int | None]:
        """A channel to a process for a job of this DAG, and its pid if it is a reused one (else see `started`)."""
        idle, self._idle = self._idle, None
        if idle is not None:
            same = idle.fileloc == fileloc and idle.dag_id == dag_id and _mtime(fileloc) == idle.mtime
            if (
                same and not select.select([idle.channel.sock], [], [], 0)[0]
            ):  # readable: it died (or talks out of turn)
                return idle.channel, idle.pid
            self._dismiss(idle)
        sock = self.server.request(fileloc, dag_id)
        sock.settimeout(SEND_TIMEOUT)
        return protocol.Channel(sock), None

    def started(self) -> int:
        return self.server.started()

    def wait_exit(self) -> int:
        return self.server.wait_exit()

    def keep(self, channel: protocol.Channel, pid: int, fileloc: str, dag_id: str) -> None:
        """The process sent `JobDone`: keep it for the next job of its DAG."""
        self._idle = _Idle(channel, pid, fileloc, dag_id, _mtime(fileloc))

    def _dismiss(self, idle: _Idle) -> None:
        try:
            idle.channel.send(protocol.NoJob())
        except OSError:
            pass
        idle.channel.close()
        self.server.wait_exit()

    def close(self) -> None:
        """End the idle process (if any) and the fork server."""
        idle, self._idle = self._idle, None
        if idle is not None:
            try:
                self._dismiss(idle)
            except (EOFError, OSError):
                pass
        self.server.close()

    def restart(self) -> None:
        """The fork server died: forget the idle process (it went with it) and start a new server."""
        if self._idle is not None:
            self._idle.channel.close()
            self._idle = None
        self.server.restart()


def _mtime(fileloc: str) -> float:
    try:
        return os.stat(fileloc).st_mtime  # (a Path costs more than the stat itself: this runs per task)
    except OSError:
        return -1.0


def terminate_current(signum: int = signal.SIGTERM) -> None:
    """Pass a signal on to the task process being supervised (the supervisor is asked to stop)."""
    if _current_child is not None:
        try:
            os.kill(_current_child, signum)
        except ProcessLookupError:
            pass


def supervise(workload: Workload, processes: TaskProcesses, on_outcome: OnOutcome | None = None) -> tuple[Outcome, Any]:
    """Run `workload` to completion in a task process; its (outcome, stored task instance row or None).

    `on_outcome(outcome, record)` is called once, as soon as the outcome is known and stored —
    before the task's process has run its callbacks and exited — so the caller can tell the
    scheduler early. Raises EOFError/OSError only if the fork server itself died (the caller
    restarts it with `processes.restart()`); the try is then failed by its retry rules.
    """
    from tradewind.exceptions import DagNotFound
    from tradewind.store import runs

    reported: list[tuple[Outcome, Any]] = []

    def report(outcome: Outcome, record: Any = None) -> tuple[Outcome, Any]:
        if not reported:
            reported.append((outcome, record))
            if on_outcome is not None:
                on_outcome(outcome, record)
        return reported[0]

    try:
        dag_run = workload.dag_run or runs.get_dag_run(workload.dag_id, workload.run_id)
    except Exception as exc:  # noqa: BLE001 — the database is unwell: the task fails, not the supervisor
        _fail_unstartable(workload, f"{type(exc).__name__}: {exc}")
        return report(Outcome.FAILED)
    if dag_run is None:
        return report(Outcome.FAILED)
    channel, reused_pid = processes.open(workload.fileloc, workload.dag_id)
    callbacks = workload.task_id == DAG_CALLBACK
    if reused_pid is not None:
        pid = reused_pid
    else:
        # The try is claimed once its process is there (its DAG imported): its start_date is when
        # it can start, even when the fork server imports a DAG file for the first time.
        try:
            pid = processes.started()
        except DagNotFound as exc:  # a DAG that cannot load fails its task, not the supervisor
            channel.close()
            _fail_unloadable(
                workload, None if callbacks else _claim(workload, dag_run, processes.log_folder)[0], str(exc)
            )
            return report(Outcome.FAILED)
        except (EOFError, OSError):  # the fork server died before starting it: the scheduler retries the workload
            channel.close()
            raise
    job: Any
    if callbacks:
        claim, unclaimed, job = None, Outcome.FAILED, protocol.StartCallbacks(dag_run)
    else:
        claim, unclaimed = _claim(workload, dag_run, processes.log_folder)
        job = protocol.StartTry(dag_run, claim) if claim is not None else protocol.NoJob()
    if reused_pid is not None and claim is None and isinstance(job, protocol.NoJob):
        processes.keep(channel, reused_pid, workload.fileloc, workload.dag_id)  # nothing to run: it stays idle
        return report(unclaimed)
    _send_job(channel, job)
    global _current_child
    _current_child = pid
    try:
        served = _serve(channel, workload, claim, pid, report, processes.heartbeat_interval)
    finally:
        _current_child = None
    if served.done:  # the process took the job and may take another
        processes.keep(channel, pid, workload.fileloc, workload.dag_id)
        if claim is None:
            return report(Outcome.SUCCEEDED if isinstance(job, protocol.StartCallbacks) else unclaimed)
        return report(*served.result) if served.result else report(Outcome.FAILED)
    channel.close()
    code = processes.wait_exit()
    if claim is None:  # DAG callbacks (their exit code is the report), or a try that is not ours
        if isinstance(job, protocol.StartCallbacks):
            return report(Outcome.SUCCEEDED if code == 0 else Outcome.FAILED)
        return report(unclaimed)
    if served.result is None:  # the process died (or was killed) before its result was stored
        _record_if_vanished(workload, claim, code, served.reason)
        return report(Outcome.FAILED)
    return report(*served.result)


@dataclass
class _Served:
    result: tuple[Outcome, Any] | None = None  # the stored outcome, once the TaskResult came
    done: bool = False  # the process sent JobDone (reuse)
    reason: str | None = None  # why the process was stopped, when the supervisor stopped it


def _serve(
    channel: protocol.Channel,
    workload: Workload,
    claim: Any,
    pid: int,
    report: Callable[..., Any],
    interval: float,
) -> _Served:
    """Answer the process's requests until it exits (or sends JobDone); heartbeat the try every `interval` s."""
    from tradewind.runtime.store_requests import answer

    served = _Served()
    stopped = False
    while True:
        try:
            message = channel.recv(timeout=interval)
        except EOFError:
            if channel.partial:
                served.reason = _broke(workload, claim, pid, "died in the middle of a message")
            return served
        except protocol.ProtocolError as exc:
            served.reason = _broke(workload, claim, pid, f"sent what is not a message of the task protocol: {exc}")
            return served
        except OSError:
            return served
        if message is None:  # nothing for a heartbeat's interval
            if claim is not None and served.result is None and not stopped and not _heartbeat(claim.record):
                _stop_changed_task(claim, pid)
                stopped = True
            continue
        if isinstance(message, protocol.JobDone):
            served.done = True
            return served
        try:
            if isinstance(message, protocol.TaskResult):
                if claim is None or served.result is not None:
                    raise protocol.ProtocolError("a result for no try, or a second result")
                served.result = report(*_store_result(claim, message.result))
                reply = protocol.encode(protocol.ResultStored(served.result[1] is not None))
            elif type(message) in protocol.REQUESTS:
                reply = _answer(answer, message)
            else:
                raise protocol.ProtocolError(f"{type(message).__name__} is not a request")
            channel.send_line(reply)
        except protocol.ProtocolError as exc:
            served.reason = _broke(workload, claim, pid, str(exc))
            return served
        except OSError as exc:  # it does not read its answers (or is gone)
            served.reason = _broke(workload, claim, pid, f"does not read its channel ({exc})")
            return served


def _answer(answer: Callable[[Any], Any], message: Any) -> bytes:
    """The encoded answer to a request: its value, or the error the task then raises (also when the
    value has no JSON form)."""
    try:
        value = answer(message)
    except Exception as exc:  # noqa: BLE001 — the task's request failed: the task gets the error
        return protocol.encode(protocol.ErrorReply(type(exc).__name__, str(exc)))
    try:
        return protocol.encode(protocol.Value(value))
    except TypeError as exc:
        return protocol.encode(protocol.ErrorReply("TypeError", str(exc)))


def _broke(workload: Workload, claim: Any, pid: int, what: str) -> str:
    """Kill a process that broke the protocol; say so in the supervisor's log and the task's."""
    reason = f"the task's process {pid} {what}: killed"
    log.error("%s: %s", workload.key, reason)
    if claim is not None:
        from tradewind.runtime.task_log import log_line

        log_line(claim.log_path, "ERROR", reason)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return reason


def _store_result(claim: Any, result: protocol.TryResult) -> tuple[Outcome, Any]:
    from tradewind.runtime.runner import record_try

    try:
        stored = record_try(claim.record, result)
    except Exception:  # noqa: BLE001 — cannot store: the try stays running and is handled as an orphan
        log.exception("cannot record the result of %s", claim.record.key)
        stored = None
    if result.state == TaskState.DEFERRED:
        return Outcome.DEFERRED, stored
    return (Outcome.SUCCEEDED if result.state in SUCCESS_LIKE else Outcome.FAILED), stored


def _claim(workload: Workload, dag_run: Any, log_folder: str) -> tuple[Any, Outcome]:
    """Claim the try (its process is there); and the outcome to report if not claimed."""
    from tradewind.runtime.runner import claim_task_instance

    try:
        claim = claim_task_instance(
            dag_run, workload.task_id, workload.map_index, queued_only=workload.queued_only, log_folder=log_folder
        )
    except Exception:  # noqa: BLE001 — the database is unwell: the scheduler's orphan checks retry later
        log.exception("cannot claim %s", workload.key)
        return None, Outcome.FAILED
    return claim, Outcome.NOT_OURS


def _send_job(channel: protocol.Channel, job: Any) -> None:
    try:
        channel.send(job)
    except OSError:
        pass  # the process died before its job: its exit code tells the rest


def _fail_unloadable(workload: Workload, claim: Any, reason: str) -> None:
    """The DAG's file cannot be imported now: the claimed try fails, with the reason in its log."""
    from tradewind.runtime.runner import record_try
    from tradewind.runtime.task_log import log_line

    log.error("cannot run %s: %s", workload.key, reason)
    if claim is None:
        return
    log_line(claim.log_path, "ERROR", f"cannot load the DAG: {reason}")
    try:
        record_try(claim.record, protocol.TryResult(TaskState.FAILED, datetime.now(timezone.utc), None, None, None))
    except Exception:  # noqa: BLE001 — left running: the scheduler's orphan checks finish it
        log.exception("cannot record the failure of %s", workload.key)


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


def _record_if_vanished(workload: Workload, claim: Any, code: int, reason: str | None = None) -> None:
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
    reason = reason or f"the task's process exited with code {code} without recording a result"
    try:  # the task's own retry_delay; this (rare) path imports the DAG file here, in the supervisor
        dag = DagFileCache().get_dag(workload.fileloc, workload.dag_id)
        retry_delay = dag.get_task(workload.task_id).retry_delay_for(current.try_number)
    except Exception:  # noqa: BLE001 — the file changed or broke since: the configured default applies
        retry_delay = None
    fail_orphan(current, reason, retries_left=current.try_number <= current.max_tries, retry_delay=retry_delay)


def _fail_unstartable(workload: Workload, reason: str) -> None:
    from tradewind.store import task_instances

    log.error("cannot start %s: %s", workload.key, reason)
    task_instances.fail_unstarted(workload.key, datetime.now(timezone.utc))
