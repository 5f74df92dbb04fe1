"""LocalExecutor: `parallelism` warm worker processes; each task runs in its own forked process.

Workers are forked from the scheduler once; each has a fork server that keeps parsed DAG files
cached, so a task starts with a fork, not a fresh interpreter. A task that crashes or leaks takes
only its own process down; the worker hears of the exit and reports it. Events come back over one pipe per
worker, which the scheduler waits on together with its timers — no polling.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection
from typing import Any

from tradewind.executors.base import TaskEvent, TIKey, Workload

log = logging.getLogger(__name__)


class LocalExecutor:
    def __init__(self, parallelism: int) -> None:
        self.parallelism = parallelism
        self._ctx = multiprocessing.get_context("fork")
        self._tasks: Any = None
        self._workers: list[Any] = []
        self._readers: list[Connection] = []
        self._running: set[TIKey] = set()

    def start(self) -> None:
        _warm_up()
        self._tasks = self._ctx.Queue()
        self._spawn()

    def _spawn(self) -> None:
        """One more warm worker (forked from this process, so it starts with everything imported)."""
        from tradewind.executors.worker import worker_main

        reader, writer = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(
            target=worker_main, args=(self._tasks, writer, os.getpid()),
            name=f"tradewind-worker-{len(self._workers)}", daemon=False,
        )
        proc.start()
        writer.close()
        self._workers.append(proc)
        self._readers.append(reader)

    def queue(self, workload: Workload) -> None:
        self._running.add(workload.key)
        # Workers are started as work needs them, up to `parallelism`, and then kept warm; one
        # more than the running tasks, so a task never waits for a worker whose last task is still
        # exiting (its result is in, its process not yet gone).
        if len(self._running) >= len(self._workers) and len(self._workers) < self.parallelism:
            self._spawn()
        self._tasks.put(workload)

    @property
    def open_slots(self) -> int:
        return self.parallelism - len(self._running)

    @property
    def running(self) -> set[TIKey]:
        return self._running

    def event_handles(self) -> list[Any]:
        return list(self._readers)

    def get_events(self) -> list[TaskEvent]:
        events: list[TaskEvent] = []
        for reader in list(self._readers):
            try:
                while reader.poll():
                    event = reader.recv()
                    events.append(event)
                    self._running.discard(event.key)
            except (EOFError, OSError):
                self._readers.remove(reader)  # that worker died; its task is found by the orphan check
        return events

    def end(self, timeout: float) -> None:
        """Send each worker a stop; wait for running tasks up to `timeout`, then terminate them."""
        if self._tasks is None:
            return
        for _ in self._workers:
            self._tasks.put(None)
        deadline = time.monotonic() + max(0.0, timeout)
        for proc in self._workers:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in self._workers:
            if proc.is_alive():
                log.warning("worker %s still busy after %.0fs: terminating its task", proc.pid, timeout)
                os.kill(proc.pid, signal.SIGTERM)
        for proc in self._workers:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self.get_events()
        self._workers.clear()
        self._tasks = None


def _warm_up() -> None:
    """Import what every task needs before forking workers, so no task pays for it."""
    import tradewind.operators.bash  # noqa: F401
    import tradewind.operators.python  # noqa: F401
    import tradewind.parsing.dagbag  # noqa: F401
    import tradewind.runtime.context  # noqa: F401
    import tradewind.runtime.runner  # noqa: F401
    import tradewind.runtime.task_log  # noqa: F401
    import tradewind.runtime.templating  # noqa: F401
