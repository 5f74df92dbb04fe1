"""A supervisor's fork server: the process that forks each task's process, and does nothing else.

It is a fresh interpreter (not a fork of the worker), holding only the task runtime: no
SQLAlchemy, no store, no database connection, no Jinja or asyncio unless a DAG needs them; so
are the task processes it forks (they talk to their supervisor over the task protocol,
runtime/protocol.py). Nothing here assumes the local executor: any supervisor (a Celery worker
too) can keep one.

Why a process of its own: after a fork, every page the forking process writes to is copied
(copy-on-write). A worker that reads and writes the database between forks touched about 1,600
pages per task (measured), and paid a page fault and a copy for each on every fork. The fork
server only reads a short request and forks, so its pages stay shared with its children; the
worker, which no longer forks, keeps its own pages to itself.

For each DAG file the server forks a **zygote**, a process that imports that file once (a new
zygote when it changes) and forks the file's task processes, and hands the zygote's socket to the
supervisor, which then sends each request straight to its file's zygote (the `MAX_DAG_FILES`
most recently used are kept): the server is off the path of every task but a file's first. So a
task's process holds the runtime and its own DAG file, never the other files its worker ran (a
1,000-task file is ~2.6 MB, and a fork costs more the more memory it copies the page tables of),
and a DAG file whose import crashes its process takes down its zygote, not the server. A zygote
keeps one standby process forked ahead of need (after each task's process exits), so the fork is
off the path from a request to the task's start; the standby serves a request only if the DAG
file is cached as it was when the standby was forked. Only the `STANDBYS` most recently used
zygotes keep one.

Protocol (SOCK_SEQPACKET, one message per packet, the types in messages.py, each pickled as a
tuple of its class's name and its fields' values, see `_encode`): the supervisor asks the server
for a zygote with `_NewZygote`, answered by `Started` carrying the zygote's socket. To a zygote it
sends a `ForkRequest` with the file descriptor of a fresh socket for the task's process; the
zygote answers `Started` or `StartFailed`, and later `Exited`. `_DropStandby` ends a zygote's
standby; `StopServer` (or the supervisor gone) ends a zygote, or the server.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from tradewind.exceptions import DagNotFound
from tradewind.executors import reuse
from tradewind.executors.messages import Exited, ForkRequest, Started, StartFailed, StopServer
from tradewind.executors.task_process import set_handler, task_main

_MAX_MESSAGE = 65536


class ForkServer:
    """A supervisor's handle on its fork server and on the zygotes it started: one per DAG file.

    The server is a fresh interpreter that imports the task runtime once and forks a zygote when
    asked; each zygote's socket comes back here, so a job's request goes straight to its file's
    zygote (no relay through the server: two fewer wake-ups on every task's way in).
    """

    def __init__(self) -> None:
        self._zygotes: OrderedDict[str, _Zygote] = OrderedDict()  # least recently used first
        self._current: _Zygote | None = None  # the zygote of the last request
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        code = "import sys; from tradewind.executors.forkserver import main; main(int(sys.argv[1]), sys.argv[2])"
        self._proc = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno()), json.dumps(sys.path)],
            pass_fds=(theirs.fileno(),),
            close_fds=True,
        )
        self.pid = self._proc.pid
        theirs.close()
        self._sock = ours
        self._ready = False

    def wait_ready(self) -> None:
        """Wait until the server has imported the task runtime (it says so once, at start)."""
        if not self._ready:
            reply = self._recv()
            assert isinstance(reply, Started), reply
            self._ready = True

    def restart(self) -> None:
        """Reap the server (it died, or is stopped now), end its zygotes, and start a new one."""
        self.close()
        self._start()

    def request(self, fileloc: str, dag_id: str) -> socket.socket:
        """Ask for a process for a job of this DAG; returns the stream socket to it at once (see `started`).

        A zygote found dead here (it died since its last job) is replaced, and so is a dead server.
        """
        here, there = socket.socketpair()
        try:
            zygote = self._zygote(fileloc)
            if not zygote.send(ForkRequest(fileloc, dag_id), there.fileno()):
                self._forget(zygote)
                zygote = self._zygote(fileloc)
                zygote.send(ForkRequest(fileloc, dag_id), there.fileno())
        finally:
            there.close()
        self._current = zygote
        return here

    def started(self) -> int:
        """The pid of the process last requested; DagNotFound if its DAG cannot load.

        The zygote answers with its standby's pid, then hands it the request: the supervisor claims
        the try while the process wakes.
        """
        zygote = self._last()
        reply = zygote.recv()
        if reply is None:
            self._forget(zygote)
            raise DagNotFound(
                f"the process that imports {zygote.fileloc} ended while importing it (see the worker's log)"
            )
        if isinstance(reply, StartFailed):
            raise DagNotFound(reply.reason)
        assert isinstance(reply, Started), reply
        return reply.pid

    def wait_exit(self) -> int:
        """The exit code of the process last started, once it has exited (1 if its zygote died meanwhile)."""
        zygote = self._last()
        reply = zygote.recv()
        if reply is None:
            self._forget(zygote)
            return 1
        assert isinstance(reply, Exited), reply
        zygote.standby = True  # it forks one after each task's process exits
        return reply.exit_code

    def _last(self) -> _Zygote:
        if self._current is None:
            raise EOFError("no process was requested")
        return self._current

    def _zygote(self, fileloc: str) -> _Zygote:
        """The zygote of `fileloc`, current (a file that changed gets a new one), most recently used now."""
        zygote = self._zygotes.pop(fileloc, None)
        if zygote is not None and not zygote.current():
            zygote.stop()
            zygote = None
        if zygote is None:
            zygote = self._new_zygote(fileloc)
        self._zygotes[fileloc] = zygote
        while len(self._zygotes) > MAX_DAG_FILES:
            self._zygotes.popitem(last=False)[1].stop()
        for older in list(self._zygotes.values())[:-STANDBYS]:
            older.drop_standby()  # a standby only where the next requests likely go
        return zygote

    def _new_zygote(self, fileloc: str) -> _Zygote:
        """Ask the server to fork a zygote for `fileloc`; a server found dead is replaced, and asked instead."""
        try:
            return self._ask_zygote(fileloc)
        except (OSError, EOFError):
            self.restart()
            return self._ask_zygote(fileloc)

    def _ask_zygote(self, fileloc: str) -> _Zygote:
        self.wait_ready()
        self._sock.send(_encode(_NewZygote(fileloc)))
        data, fds, _, _ = socket.recv_fds(self._sock, _MAX_MESSAGE, 1)
        if not data or not fds:
            for fd in fds:
                os.close(fd)
            raise EOFError("the fork server is gone")
        reply = _decode(data)
        assert isinstance(reply, Started), reply
        return _Zygote(fileloc, socket.socket(fileno=fds[0]), reply.pid)

    def _forget(self, zygote: _Zygote) -> None:
        """A zygote that died: drop it (the next request for its file starts another)."""
        zygote.stop()
        if self._zygotes.get(zygote.fileloc) is zygote:
            del self._zygotes[zygote.fileloc]

    def _recv(self) -> Any:
        data = self._sock.recv(_MAX_MESSAGE)
        if not data:
            raise EOFError("the fork server is gone")
        return _decode(data)

    def close(self) -> None:
        """End the zygotes (each ends its standby), then the server."""
        for zygote in self._zygotes.values():
            zygote.stop()
        self._zygotes.clear()
        self._current = None
        try:
            self._sock.send(_encode(StopServer()))
        except OSError:
            pass
        self._sock.close()
        self._proc.wait()


def main(fd: int, path: str) -> None:
    """The fork server's process: the parent's import path, the task runtime imported, then `serve`."""
    sys.path[:] = [p for p in json.loads(path) if p]
    warm_up()
    sock = socket.socket(fileno=fd)
    _send(sock, Started(os.getpid()))  # ready
    sys.exit(serve(sock))


def warm_up() -> None:
    """Import what every task needs, once here, so that no forked task pays for it; then rehearse."""
    import tradewind.executors.dag_file_cache
    import tradewind.executors.reuse
    import tradewind.executors.task_process
    import tradewind.operators.bash
    import tradewind.operators.python
    import tradewind.parsing.dagbag
    import tradewind.runtime.context
    import tradewind.runtime.outlets
    import tradewind.runtime.runner
    import tradewind.runtime.task_log
    import tradewind.runtime.templating
    import tradewind.sensors.base

    try:
        _rehearse()
    except Exception:  # noqa: BLE001 — only a warm-up: real tasks report real errors
        pass
    tradewind.executors.reuse.prepare()
    tradewind.runtime.task_log.prepare_for_tasks()


_REHEARSAL_DAG = """
from datetime import datetime, timezone
from tradewind import DAG
from tradewind.operators.python import PythonOperator

def noop():
    return 1

with DAG("__tradewind_rehearsal__", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=timezone.utc)):
    PythonOperator(task_id="noop", python_callable=noop)
"""


REHEARSALS = 20
"""Runs of the rehearsal's task: enough for CPython to specialize the bytecode a task runs."""


def _rehearse() -> None:
    """Import a throwaway DAG file and run its task here, `REHEARSALS` times, as a task's process runs it.

    A forked child's caches die with it: whatever a DAG file's import or a task's first run
    imports lazily, compiles or builds (loggers, encoders), every zygote or child would pay for
    again, and write to pages it shares with this process. Done here, they inherit it warm.
    Run once only, the bytecode a task runs is still warming up (CPython 3.11 counts the calls
    of each function, then specializes its instructions): every task's process would write
    those counters into code objects it shares with this one, a page copied each, and run the
    slower generic instructions; measured: ~40 page faults and ~0.4 ms CPU more per task than
    after 20 rehearsals (which cost ~1 ms each, once per fork server). Each run is `task_main`
    itself, reading its job and the answers to its requests from a socket, so the protocol's
    code is warm too.
    """
    import shutil
    import tempfile
    from datetime import datetime, timezone
    from pathlib import Path

    from tradewind import listeners
    from tradewind.executors.dag_file_cache import DagFileCache
    from tradewind.runtime import comms
    from tradewind.runtime.protocol import Claim, ResultStored, StartTry, Value, encode
    from tradewind.store.records import DagRunRecord, TaskInstanceRecord

    now = datetime.now(timezone.utc)
    folder = Path(tempfile.mkdtemp(prefix="tradewind-rehearsal-"))
    modules = set(sys.modules)
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        (folder / "rehearsal.py").write_text(_REHEARSAL_DAG)
        dag = DagFileCache().get_dag(str(folder / "rehearsal.py"), "__tradewind_rehearsal__")
        run = DagRunRecord(
            0, dag.dag_id, "rehearsal", now, now, now, "manual", "running", {}, True, now, now, None, None, None
        )
        log = str(folder / "noop.log")
        ti = TaskInstanceRecord(
            *(0, dag.dag_id, "rehearsal", "noop", -1, "running", 1, 0, now, None, None, "", 0, "PythonOperator"),
            *("default_pool", 1, "default", 1, now, None, None, log, None, now),
        )
        # what a supervisor sends: the job, the answer to its XCom push, the answer to its result
        script = encode(StartTry(run, Claim(ti, log, now))) + encode(Value(None)) + encode(ResultStored(True))
        with listeners.silenced():
            for _ in range(REHEARSALS):
                _rehearse_once(dag, script)
                comms.current().channel.close()  # type: ignore[attr-defined]
    finally:
        comms.install(None)
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])
        shutil.rmtree(folder, ignore_errors=True)
        for name in set(sys.modules) - modules:
            if name.startswith("tradewind_dagfile_"):
                del sys.modules[name]  # the throwaway DAG file's module


def _rehearse_once(dag: Any, script: bytes) -> None:
    """`task_main` on a socket that holds `script` (then its end): what it sends back is not read."""
    ours, theirs = socket.socketpair()
    try:
        ours.sendall(script)
        ours.shutdown(socket.SHUT_WR)
        task_main(dag, theirs.detach())
    finally:
        ours.close()


def spawn(child: Callable[[], int]) -> int:
    """Run `child()` in a forked process; its return value is the exit code."""
    sys.stdout.flush()
    sys.stderr.flush()
    if len(sys.modules) != len(reuse.baseline):
        reuse.take_baseline()  # the modules this process's children start with, if they changed
    gc.freeze()  # the child's garbage collector leaves inherited objects (and their pages) alone
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = child()
        finally:
            os._exit(code)
    return pid


MAX_DAG_FILES = 16
"""DAG files a supervisor keeps a zygote for (~4 MB each; the least recently used one ends beyond that)."""
STANDBYS = 4
"""Zygotes (the most recently used) that keep a standby process (~1 MB each) between requests."""


@dataclass(frozen=True, slots=True)
class _NewZygote:
    """Supervisor → server: fork a zygote for this DAG file, and send me its socket."""

    fileloc: str


@dataclass(frozen=True, slots=True)
class _DropStandby:
    """Supervisor → zygote: end your standby process (other DAG files were asked for since)."""


_KINDS: dict[str, type] = {
    cls.__name__: cls for cls in (ForkRequest, Started, StartFailed, Exited, StopServer, _NewZygote, _DropStandby)
}
_FIELDS: dict[type, tuple[str, ...]] = {cls: tuple(f.name for f in fields(cls)) for cls in _KINDS.values()}


def _encode(message: Any) -> bytes:
    """`message` as a pickled tuple: its class's name, then its fields' values.

    Not the dataclass itself: pickling one runs dataclasses' `__getstate__`/`__setstate__` (with
    `fields()`) each time; in a zygote, whose pages every fork shares again, that was ~50 page
    copies per task (measured).
    """
    cls = type(message)
    return pickle.dumps((cls.__name__, *[getattr(message, name) for name in _FIELDS[cls]]))


def _decode(data: bytes) -> Any:
    kind, *values = pickle.loads(data)
    return _KINDS[kind](*values)


def serve(sock: socket.socket) -> int:
    """The fork server's loop: fork a zygote for each `_NewZygote`, and send its socket to the supervisor.

    A zygote is a process forked from this one that imports one DAG file and forks that file's
    task processes. A task's process so holds the task runtime and its own DAG file, not every
    file its worker ran before (measured: +2.6 MB and a slower fork per 1,000-task DAG file
    otherwise), and a DAG file whose import crashes its process takes down its zygote only.
    The supervisor then talks to each zygote directly, and ends it when its file changes or it
    is the least recently used one too many; the kernel reaps the zygotes that end.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides; it ends us by closing the socket
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # zygotes are reaped as they end (they reset it)
    while True:
        request, _ = _recv_request(sock)
        if not isinstance(request, _NewZygote):
            break
        here, there = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = spawn(functools.partial(_zygote_main, there, [sock, here]))
        there.close()
        try:
            socket.send_fds(sock, [_encode(Started(pid))], [here.fileno()])
        except OSError:
            break  # the worker is gone
        finally:
            here.close()
    return 0


class _Zygote:
    """A supervisor's handle on the process that imports one DAG file and forks its task processes."""

    def __init__(self, fileloc: str, sock: socket.socket, pid: int) -> None:
        self.fileloc = fileloc
        self.mtime = _mtime(fileloc)
        self.sock = sock
        self.pid = pid
        self.alive = True
        self.standby = False  # it forks one after each task's process exits

    def current(self) -> bool:
        """Alive, and its file is as it was when it started (else a new zygote imports it afresh)."""
        return self.alive and _mtime(self.fileloc) == self.mtime

    def send(self, message: Any, fd: int) -> bool:
        """Send a request with the task's socket; False if the zygote is gone."""
        try:
            socket.send_fds(self.sock, [_encode(message)], [fd])
        except OSError:
            self.alive = False
        return self.alive

    def recv(self) -> Any:
        """Its next answer; None if it died."""
        if self.alive:
            try:
                data = self.sock.recv(_MAX_MESSAGE)
            except OSError:
                data = b""
            if data:
                return _decode(data)
            self.alive = False
        return None

    def drop_standby(self) -> None:
        if self.standby and not _send(self.sock, _DropStandby()):
            self.alive = False
        self.standby = False

    def stop(self) -> None:
        """End it (its socket closes: it ends its standby and exits; the server reaps it)."""
        if self.alive:
            _send(self.sock, StopServer())
        self.sock.close()
        self.alive = False


def _mtime(fileloc: str) -> float | None:
    try:
        return os.stat(fileloc).st_mtime
    except OSError:
        return None


def _zygote_main(sock: socket.socket, inherited: list[socket.socket]) -> int:
    """In a zygote: close what belongs to the server (its socket to the supervisor, the supervisor's
    end of ours), wait for its own children again, then serve the requests of one DAG file."""
    for other in inherited:
        other.close()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    return serve_file(sock)


def serve_file(sock: socket.socket) -> int:
    """A zygote's loop: one request at a time, each answered with a started and an exited."""
    from tradewind.executors.dag_file_cache import DagFileCache

    cache = DagFileCache()
    standby: Standby | None = None
    while True:
        request, fds = _recv_request(sock)
        if isinstance(request, _DropStandby):
            if standby is not None:
                standby.dismiss()
                standby = None
            continue
        if not isinstance(request, ForkRequest):
            break
        fileloc, dag_id = request.fileloc, request.dag_id
        fd = fds[0]
        try:
            before = cache.entries.get(fileloc)
            dag = cache.get_dag(fileloc, dag_id)
            if cache.entries.get(fileloc) is not before:
                reuse.take_baseline()  # (re)imported: modules were added or replaced
        except Exception as exc:  # noqa: BLE001 — a DAG that cannot load fails its task, not the server
            os.close(fd)
            _send(sock, StartFailed(f"{type(exc).__name__}: {exc}"[:8000]))
            continue
        if standby is not None and standby.fits(cache, fileloc):
            # Started first: the supervisor claims the try while the standby wakes to its request
            # (measured: the standby woken first took the CPU before this answer went, ~0.15 ms)
            pid, announced = standby.pid, _send(sock, Started(standby.pid))
            standby.start(fileloc, dag_id, fd)
        else:
            if standby is not None:
                standby.dismiss()
            pid = spawn(functools.partial(_task_main, dag, fd, sock))
            announced = _send(sock, Started(pid))
        standby = None
        os.close(fd)
        if not announced:
            os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
        if not _send(sock, Exited(os.waitstatus_to_exitcode(status))):
            break
        # The next task's process, forked now: while the task ran, a fork here would take the CPU
        # from it and from the worker (measured: +1.3 ms on the worker's wake-up); now the worker
        # reports the result, and the next request usually goes to another slot.
        standby = Standby(cache, sock)
    if standby is not None:
        standby.dismiss()
    return 0


def _recv_request(sock: socket.socket) -> tuple[Any, list[int]]:
    """The next request on `sock` and the file descriptors it carries (a ForkRequest carries one).

    StopServer if the sender is gone; anything but a ForkRequest or _DropStandby carries no
    descriptor (any it had are closed here).
    """
    try:
        data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 1)
    except OSError:
        return StopServer(), []
    request = _decode(data) if data else StopServer()
    if not isinstance(request, ForkRequest):
        for fd in fds:
            os.close(fd)
        fds = []
    return request, fds


def _send(sock: socket.socket, message: Any) -> bool:
    try:
        sock.send(_encode(message))
        return True
    except OSError:
        return False  # the worker is gone


def _task_main(dag: Any, fd: int, server_sock: socket.socket) -> int:
    server_sock.close()  # the server's line to the worker is not the task's
    set_handler(signal.SIGTERM, signal.SIG_DFL)
    return task_main(dag, fd)


class Standby:
    """A task process forked ahead of need, waiting for its request.

    It inherited the server's DAG cache as it was at the fork; it serves a request only if the
    DAG's file is still cached as it was then (same cache entry), else it is dismissed unused.
    Its request is the bytes `fileloc NUL dag_id` with the task's socket, not a pickle: unpickling
    runs pickle's and the dataclass's code, pages the standby would copy on the way to the task.
    """

    def __init__(self, cache: Any, server_sock: socket.socket) -> None:
        self.snapshot = dict(cache.entries)
        here, there = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.pid = spawn(lambda: _standby_main(cache, there, here, server_sock))
        there.close()
        self._sock = here

    def fits(self, cache: Any, fileloc: str) -> bool:
        """Its file is cached as it was at its fork, and it is alive (its pid is announced before it
        gets its request)."""
        entry = cache.entries.get(fileloc)
        return entry is not None and self.snapshot.get(fileloc) is entry and self._alive()

    def _alive(self) -> bool:
        try:
            return os.waitpid(self.pid, os.WNOHANG)[0] == 0
        except ChildProcessError:
            return False

    def start(self, fileloc: str, dag_id: str, fd: int) -> None:
        """Hand it its request. If it died meanwhile, its exit is the task process's (the supervisor
        finds its channel closed, as for a process that dies at once)."""
        try:
            socket.send_fds(self._sock, [f"{fileloc}\0{dag_id}".encode()], [fd])
        except OSError:
            pass
        self._sock.close()

    def dismiss(self) -> None:
        """End it unused: its socket closes, it exits."""
        self._sock.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _standby_main(cache: Any, sock: socket.socket, other_end: socket.socket, server_sock: socket.socket) -> int:
    """In a standby process: wait for a request (or the zygote's end of the socket closing: not needed),
    then run it as any task's process."""
    other_end.close()
    server_sock.close()
    set_handler(signal.SIGTERM, signal.SIG_DFL)
    try:
        data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 1)
    except OSError:
        return 0  # the zygote is gone
    sock.close()
    if not data:
        return 0  # dismissed
    fileloc, dag_id = data.decode().split("\0")
    return task_main(cache.entries[fileloc][1][dag_id], fds[0])
