"""LocalExecutor: `parallelism` warm worker processes; each task runs in its own forked process.

Workers are forked from the scheduler once; each has a fork server that keeps parsed DAG files
cached, so a task starts with a fork, not a fresh interpreter. A task that crashes or leaks takes
only its own process down; the worker hears of the exit and reports it.

Each worker has one socket to the scheduler: workloads go one way, events come back the other,
and the scheduler waits on all of them together with its timers — no polling, and no queue
feeder thread between the scheduler and its workers (handing a workload to that thread cost the
scheduler ~0.6 ms per task in GIL hand-offs, measured).
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import os
import select
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from tradewind.executors.messages import StopWorker, TaskEvent, TIKey, Workload

log = logging.getLogger(__name__)


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    task: TIKey | None = None  # what it runs; None when idle


class LocalExecutor:
    def __init__(self, parallelism: int) -> None:
        self.parallelism = parallelism
        self._ctx = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        self._idle: collections.deque[_Worker] = collections.deque()  # longest idle first
        self._running: set[TIKey] = set()
        # every worker's socket, registered once: asking each connection `poll()` builds a selector
        # per call, several per scheduler pass
        self._poller = select.poll()
        self._by_fd: dict[int, _Worker] = {}
        self._started = False
        self._ending = False  # end() is stopping the workers: their exits are planned

    def start(self) -> None:
        _warm_up()
        self._started = True
        self._spawn()

    def _spawn(self) -> None:
        """One more warm worker (forked from this process, so it starts with everything imported)."""
        from tradewind.executors.worker import worker_main

        ours, theirs = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=worker_main,
            args=(theirs, os.getpid()),
            name=f"tradewind-worker-{len(self._workers)}",
            daemon=False,
        )
        proc.start()
        theirs.close()
        worker = _Worker(proc, ours)
        self._workers.append(worker)
        self._idle.append(worker)
        self._by_fd[ours.fileno()] = worker
        self._poller.register(ours.fileno(), select.POLLIN)

    def queue(self, workload: Workload) -> None:
        # Workers are started as work needs them, up to `parallelism`, and then kept warm; one
        # more than the running tasks, so a task never waits for a worker whose last task is still
        # exiting (its result is in, its process not yet gone): the longest idle worker gets it.
        while not self.hand_to_idle(workload):
            if len(self._workers) >= self.parallelism:  # cannot happen while a worker can be started; kept as a guard
                log.error("no worker left to run %s", workload.key)
                return
            self._spawn()  # none idle (or the idle one was dead): a new one takes the workload
        self.top_up()

    def top_up(self) -> None:
        """Fork the spare worker if the running tasks use every worker (up to `parallelism`): called
        once workloads are on their way, outside any transaction."""
        if len(self._running) >= len(self._workers) and len(self._workers) < self.parallelism:
            self._spawn()

    def hand_to_idle(self, workload: Workload) -> bool:
        """Send `workload` to the longest idle worker, starting none; False if no worker is idle.

        The scheduler may call this inside a SQLite write transaction: a worker forked there would
        inherit SQLite's in-process lock records mid-transaction, and find the database locked
        for as long as it lives. It calls `top_up` after the commit.
        """
        while self._idle:
            worker = self._idle.popleft()
            try:
                worker.conn.send(workload)
            except OSError:
                self._lose(worker)
                continue
            worker.task = workload.key
            self._running.add(workload.key)
            return True
        return False

    @property
    def open_slots(self) -> int:
        return self.parallelism - len(self._running)

    @property
    def running(self) -> set[TIKey]:
        return self._running

    def event_handles(self) -> list[Any]:
        return [w.conn for w in self._workers]

    def get_events(self) -> list[TaskEvent]:
        events: list[TaskEvent] = []
        while ready := self._poller.poll(0):
            for fd, _ in ready:
                worker = self._by_fd.get(fd)
                if worker is None:  # closed meanwhile
                    self._unregister(fd)
                    continue
                try:
                    event = worker.conn.recv()
                except (EOFError, OSError):
                    self._lose(worker)
                    continue
                events.append(event)
                self._running.discard(event.key)
                if worker.task == event.key:
                    worker.task = None
                    self._idle.append(worker)
        return events

    def _unregister(self, fd: int) -> None:
        self._by_fd.pop(fd, None)
        try:
            self._poller.unregister(fd)
        except KeyError:
            pass

    def _lose(self, worker: _Worker) -> None:
        """A worker died: forget it (a new one is started when work needs it); its task is left to
        the scheduler's orphan checks, which find it by its dead process."""
        if not self._ending:
            log.warning("worker %s exited unexpectedly", worker.proc.pid)
        if worker in self._workers:
            self._workers.remove(worker)
        if worker in self._idle:
            self._idle.remove(worker)
        if worker.task is not None:
            self._running.discard(worker.task)
        if not worker.conn.closed:
            self._unregister(worker.conn.fileno())
        worker.conn.close()
        worker.proc.join(0)

    def end(self, timeout: float) -> None:
        """Send each worker a stop; wait for running tasks up to `timeout`, then terminate them."""
        if not self._started:
            return
        self._ending = True
        for worker in self._workers:
            try:
                worker.conn.send(StopWorker())
            except OSError:
                pass
        deadline = time.monotonic() + max(0.0, timeout)
        procs = [w.proc for w in self._workers]
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive():
                log.warning("worker %s still busy after %.0fs: terminating its task", proc.pid, timeout)
                os.kill(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self.get_events()
        for worker in self._workers:
            if not worker.conn.closed:
                self._unregister(worker.conn.fileno())
        self._workers.clear()
        self._idle.clear()
        self._started = self._ending = False


def _warm_up() -> None:
    """Import what every task needs before forking workers, so no task pays for it."""
    import tradewind.operators.bash
    import tradewind.operators.python
    import tradewind.parsing.dagbag
    import tradewind.runtime.context
    import tradewind.runtime.runner
    import tradewind.runtime.task_log
    import tradewind.runtime.templating  # noqa: F401
