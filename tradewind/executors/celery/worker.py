"""The worker's side: `tradewind celery worker` is Celery's worker, and each of its pool processes a supervisor.

Each pool process keeps one `TaskProcesses` (a fork server and, opt-in, a reused task process) for
its life and runs every workload it receives with `supervise()`: the same claim, heartbeat and
result storing as a LocalExecutor worker. Once the result is stored it publishes a hint to the
executor that sent the workload (events.py).

The worker's main process records itself in the `job` table (`CeleryWorkerJob`) and heartbeats
there, so `tradewind jobs check --job-type CeleryWorkerJob` and `/health` see live workers.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import TYPE_CHECKING, Any

from tradewind.executors.messages import Outcome

if TYPE_CHECKING:
    from tradewind.executors.supervisor import TaskProcesses

log = logging.getLogger(__name__)

JOB_TYPE = "CeleryWorkerJob"

_processes: TaskProcesses | None = None


def execute(message: dict[str, Any]) -> str:
    """Run one workload in this pool process; the outcome's name (Celery stores no result: see app.py)."""
    from tradewind.executors.celery.app import celery_app, from_message
    from tradewind.executors.celery.events import publish_event
    from tradewind.executors.supervisor import supervise

    workload, reply_to, token = from_message(message)
    processes = _task_processes()
    reported: list[Outcome] = []

    def report(outcome: Outcome, record: Any = None) -> None:
        reported.append(outcome)
        if outcome != Outcome.NOT_OURS:  # a duplicate or late message: nothing changed, nobody to wake
            publish_event(celery_app(), reply_to, {"key": list(workload.key), "outcome": outcome.value, "token": token})

    try:
        outcome, _ = supervise(workload, processes, report)
    except (EOFError, OSError):  # the fork server died mid-workload: the try is left to the orphan checks
        log.exception("the fork server of celery pool process %s died", os.getpid())
        if not reported:
            report(Outcome.FAILED)
        processes.restart()
        return Outcome.FAILED.value
    return outcome.value


def _task_processes() -> TaskProcesses:
    global _processes
    if _processes is None:
        from tradewind.executors.supervisor import TaskProcesses

        _processes = TaskProcesses()
    return _processes


def _on_process_init(**_: Any) -> None:
    """A new pool process: pin its database, start its fork server, warm the supervisor's part of a task."""
    from tradewind.executors.worker import _rehearse
    from tradewind.store.engine import database_url, pin_database_url

    pin_database_url(database_url())  # as a LocalExecutor worker: no config lookup per transaction
    processes = _task_processes()
    _rehearse()
    try:
        processes.server.wait_ready()
    except (EOFError, OSError):
        log.exception("the fork server of celery pool process %s did not start", os.getpid())


def _on_process_shutdown(**_: Any) -> None:
    global _processes
    if _processes is not None:
        _processes.close()
        _processes = None


class _Heartbeat:
    """The worker's row in the `job` table, beating every `[scheduler] scheduler_heartbeat_sec` seconds."""

    def __init__(self, nodename: str) -> None:
        self.nodename = nodename
        self.job_id: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="tradewind-worker-heartbeat", daemon=True)

    def start(self, **_: Any) -> None:
        from tradewind.store import jobs

        self.job_id = jobs.start_job(
            JOB_TYPE, hostname=socket.gethostname(), pid=os.getpid(), executor_class="CeleryExecutor"
        )
        self._thread.start()
        log.info("celery worker %s is job %s", self.nodename, self.job_id)

    def _beat(self) -> None:
        from tradewind.config import conf
        from tradewind.store import jobs

        interval = conf.getfloat("scheduler", "scheduler_heartbeat_sec")
        while not self._stop.wait(interval):
            try:
                if self.job_id is not None:
                    jobs.heartbeat(self.job_id)
            except Exception as exc:  # noqa: BLE001 — the next beat tries again
                log.warning("worker heartbeat failed: %s", exc)

    def stop(self, **_: Any) -> None:
        from tradewind.store import jobs

        self._stop.set()
        if self.job_id is not None:
            try:
                jobs.end_job(self.job_id)
            except Exception as exc:  # noqa: BLE001 — the row ages out of "alive" by itself
                log.warning("cannot end job %s: %s", self.job_id, exc)
            self.job_id = None


def run_worker(*, queues: list[str], concurrency: int, hostname: str | None, loglevel: str = "INFO") -> int:
    """Run Celery's worker in the foreground (SIGTERM: finish running tasks, then exit); its exit code."""
    from celery import signals

    from tradewind.executors.celery.app import celery_app
    from tradewind.executors.local import _warm_up
    from tradewind.store.migrate import ensure_ready

    ensure_ready()
    app = celery_app()
    _warm_up()  # imported once here, before the pool forks: every pool process starts with it
    from celery.utils.nodenames import default_nodename, host_format

    nodename = host_format(default_nodename(hostname or "tradewind@%h"))
    beat = _Heartbeat(nodename)
    signals.worker_process_init.connect(_on_process_init, weak=False)
    signals.worker_process_shutdown.connect(_on_process_shutdown, weak=False)
    signals.worker_ready.connect(beat.start, weak=False)
    signals.worker_shutdown.connect(beat.stop, weak=False)
    worker = app.Worker(
        queues=queues,
        concurrency=concurrency,
        hostname=nodename,
        pool="prefork",
        loglevel=loglevel,
        optimization="fair",
        without_gossip=True,
        without_mingle=True,
    )
    worker.start()
    return int(worker.exitcode or 0)
