"""At most N forked children importing DAG files, each file under a deadline.

A child gets a small chunk of files and sends one result per file, in order; the parent knows
which file a child is on, so a child that dies or overruns `timeout` is blamed on that file
alone (an import error naming the exit code, signal or timeout) and the rest of its chunk goes
to a new child. Forking from the parent keeps the imports of Tradewind itself warm.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import signal
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait
from typing import cast

from tradewind.parsing.child import FileOutcome, child_main

log = logging.getLogger(__name__)

#: Longest a wait blocks, so a stop request is seen promptly.
_POLL = 0.5


@dataclass
class _Child:
    pid: int
    conn: Connection
    pending: deque[str]
    started: float = field(default_factory=time.monotonic)  # when the current file began


class ParsePool:
    """Parses submitted files in children, calling `on_result` once per file as results come.

    `submit()` queues files; `pump()` works until they are done, or with `until=...` returns in
    time for the caller (the scheduler's loop) while children keep working, to be pumped again later.
    """

    def __init__(self, processes: int, timeout: float, sys_paths: Iterable[str] = (), chunk_size: int = 0) -> None:
        self.processes = max(1, processes)
        self.timeout = timeout
        self.sys_paths = list(sys_paths)
        self.chunk_size = chunk_size  # 0: chosen from the number of files
        self._stop = False
        self._queue: deque[str] = deque()
        self._children: dict[Connection, _Child] = {}
        self._owner = os.getpid()  # a forked worker inherits this object: only the owner kills
        atexit.register(_close_at_exit, weakref.ref(self))

    @property
    def busy(self) -> bool:
        """Files queued or in flight."""
        return bool(self._queue or self._children)

    def stop(self) -> None:
        """Kill the children at the next chance and do no more work (safe from a signal handler)."""
        self._stop = True

    def submit(self, files: Iterable[str]) -> None:
        self._queue.extend(files)

    def pump(self, on_result: Callable[[FileOutcome], None], until: float | None = None) -> None:
        """Work until every submitted file is done, stop() is called, or `time.monotonic()` reaches `until`."""
        while self.busy and not self._stop:
            self._spawn_up_to_limit()
            budget = None if until is None else until - time.monotonic()
            self._collect(on_result, budget)
            self._enforce_deadlines(on_result)
            if budget is not None and budget <= 0:
                break
        if self._stop:
            self.close()

    def close(self) -> None:
        """Kill every child and forget the queue (what was in flight gets no result)."""
        if os.getpid() != self._owner:
            return
        for child in list(self._children.values()):
            self._kill(child)
        self._children.clear()
        self._queue.clear()

    # --- one round ---------------------------------------------------------------------------
    def _spawn_up_to_limit(self) -> None:
        size = self.chunk_size or max(1, min(25, -(-len(self._queue) // (self.processes * 4))))
        while self._queue and len(self._children) < self.processes:
            chunk = [self._queue.popleft() for _ in range(min(size, len(self._queue)))]
            child = self._spawn(chunk)
            self._children[child.conn] = child

    def _collect(self, on_result: Callable[[FileOutcome], None], budget: float | None) -> None:
        now = time.monotonic()
        first_deadline = min(c.started + self.timeout for c in self._children.values())
        limit = min(_POLL, max(0.0, first_deadline - now))
        if budget is not None:
            limit = min(limit, max(0.0, budget))
        for ready in wait(list(self._children), timeout=limit):
            conn = cast(Connection, ready)  # only our children's connections were waited on
            child = self._children[conn]
            try:
                outcome: FileOutcome = conn.recv()
            except (EOFError, OSError):
                del self._children[child.conn]
                status = self._reap(child)
                if child.pending:  # died before finishing its chunk: blame the file it was on
                    fileloc = child.pending.popleft()
                    elapsed = time.monotonic() - child.started
                    message = f"DagFileCrashed: the process importing it {status} before finishing {fileloc}"
                    on_result(_failed(fileloc, message, elapsed))
                    self._queue.extendleft(reversed(child.pending))
                continue
            if child.pending and child.pending[0] == outcome.fileloc:
                child.pending.popleft()
            child.started = time.monotonic()
            on_result(outcome)

    def _enforce_deadlines(self, on_result: Callable[[FileOutcome], None]) -> None:
        now = time.monotonic()
        for child in list(self._children.values()):
            if now - child.started < self.timeout:
                continue
            del self._children[child.conn]
            self._kill(child)
            if child.pending:
                fileloc = child.pending.popleft()
                message = (
                    f"DagFileProcessorTimeout: importing {fileloc} timed out after {self.timeout:g} s "
                    "([core] dag_file_processor_timeout); the process was killed"
                )
                on_result(_failed(fileloc, message, now - child.started))
                self._queue.extendleft(reversed(child.pending))

    # --- processes ---------------------------------------------------------------------------
    def _spawn(self, files: list[str]) -> _Child:
        reader, writer = Pipe(duplex=False)
        # Frozen objects are skipped by the collector: the short-lived child, which never collects,
        # then does not dirty (copy) every page of the parent's heap.
        gc.freeze()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            try:
                gc.disable()
                _die_with(parent)
                reader.close()
                for other in self._children:
                    other.close()
            finally:
                child_main(writer, files, self.sys_paths)
        gc.unfreeze()
        writer.close()
        return _Child(pid, reader, deque(files))

    def _kill(self, child: _Child) -> None:
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._reap(child)

    @staticmethod
    def _reap(child: _Child) -> str:
        """Wait for the child; how it ended, in words."""
        child.conn.close()
        try:
            _, status = os.waitpid(child.pid, 0)
        except ChildProcessError:
            return "ended (status unknown)"
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            return f"was killed by signal {name} ({sig})"
        return f"exited with code {os.waitstatus_to_exitcode(status)}"


def _failed(fileloc: str, message: str, elapsed: float) -> FileOutcome:
    """The file's outcome when its importing process crashed or timed out: one import error."""
    return FileOutcome(fileloc, errors=[(fileloc, None, message, "")], duration=elapsed)


def _close_at_exit(ref: weakref.ref[ParsePool]) -> None:
    pool = ref()
    if pool is not None:
        pool.close()


def _die_with(parent: int) -> None:
    """In a child: be killed if the parent dies (kill -9 of the scheduler must not leave a hung import behind)."""
    from tradewind.utils.parent_death import die_with

    die_with(parent, signal.SIGKILL)
