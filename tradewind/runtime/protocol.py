"""The task protocol: what a task's process and its supervisor say to each other, and how.

A task's process never touches the database: everything it needs from the store (XCom, Variables,
Connections, earlier runs, other DAGs' states, dataset events, its own result) it asks its
supervisor for, one request at a time, and waits for the answer. The messages are the frozen
dataclasses below; `docs/task-protocol.md` documents them for people writing another supervisor.

Wire format: JSON lines over a stream socket. Each message is one line,
`[<PROTOCOL_VERSION>, "<MessageName>", {<field>: <value>, ...}]`, the values in the tagged JSON
of `tradewind.utils.serde` (datetimes, tuples, records round-trip exactly). A line longer than
`MAX_LINE` bytes, a line that is not such an array, or an unknown name or version is a
`ProtocolError`: the supervisor then ends the process and fails its try.

This module imports no store code and no SQLAlchemy: the task's process imports it.
"""

from __future__ import annotations

import os
import select
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol

from tradewind.exceptions import TradewindException
from tradewind.store import records
from tradewind.utils import serde

PROTOCOL_VERSION = 1
MAX_LINE = 64 * 1024 * 1024  # bytes of one message: a larger one is a flood, not a value


class ProtocolError(TradewindException):
    """The other end sent something that is not a message of this protocol (garbage, flood, wrong version)."""


# --- what a try is, as both ends see it ----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Claim:
    """A try claimed for this process (the instance is `running` under its supervisor's name)."""

    record: Any  # the TaskInstanceRecord as claimed
    log_path: str
    start: datetime


@dataclass(frozen=True, slots=True)
class TryResult:
    """What a try came to, as it is stored."""

    state: str
    end_date: datetime
    next_retry_at: datetime | None
    reschedule_at: datetime | None
    rendered_fields: dict[str, Any] | None
    deferral: records.Deferral | None = None


# --- supervisor → task: the job ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StartTry:
    """Run the claimed try `claim` of run `dag_run`; then send `TaskResult`."""

    dag_run: records.DagRunRecord
    claim: Claim


@dataclass(frozen=True, slots=True)
class StartCallbacks:
    """Fire the finished run's DAG-level callbacks."""

    dag_run: records.DagRunRecord


@dataclass(frozen=True, slots=True)
class NoJob:
    """Nothing to run (the try was claimed elsewhere): exit."""


# --- task → supervisor: requests -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GetXCom:
    dag_id: str
    run_id: str
    task_ids: tuple[str, ...]
    key: str
    map_indexes: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class SetXCom:
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    key: str
    value: Any


@dataclass(frozen=True, slots=True)
class GetVariable:
    key: str


@dataclass(frozen=True, slots=True)
class SetVariable:
    """`keep_description`: Airflow's `Variable.update` (the stored description stays)."""

    key: str
    value: str
    description: str | None = None
    keep_description: bool = False


@dataclass(frozen=True, slots=True)
class DeleteVariable:
    key: str


@dataclass(frozen=True, slots=True)
class GetConnection:
    conn_id: str


@dataclass(frozen=True, slots=True)
class GetPrevSuccessfulRun:
    """The DAG's last successful run before `logical_date` (the context's `prev_*_success`)."""

    dag_id: str
    logical_date: datetime


@dataclass(frozen=True, slots=True)
class GetTriggeringEvents:
    """uri → the dataset events that created this (dataset-triggered) run."""

    dag_run_pk: int


@dataclass(frozen=True, slots=True)
class GetDatasetEvents:
    """Every stored event of a dataset, newest first (the context's `inlet_events`)."""

    uri: str


@dataclass(frozen=True, slots=True)
class GetDatasetAliasEvents:
    """Every stored event emitted through a DatasetAlias, newest first (`inlet_events[DatasetAlias(...)]`)."""

    name: str


@dataclass(frozen=True, slots=True)
class GetFirstPoke:
    """A rescheduling sensor's first poke since `min_try_number`, and how many pokes it made."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    min_try_number: int


@dataclass(frozen=True, slots=True)
class GetDagRun:
    dag_id: str
    run_id: str


@dataclass(frozen=True, slots=True)
class FindDagRun:
    """The run of `dag_id` at `logical_date`, if any."""

    dag_id: str
    logical_date: datetime


@dataclass(frozen=True, slots=True)
class GetTaskStates:
    """(task_id, map_index, state) of every instance of a run."""

    dag_id: str
    run_id: str


@dataclass(frozen=True, slots=True)
class GetSerializedDag:
    """Another DAG as stored by the parser (None if never parsed): its tasks and groups."""

    dag_id: str


@dataclass(frozen=True, slots=True)
class TriggerDagRun:
    dag_id: str
    conf: dict[str, Any]
    run_id: str | None = None
    logical_date: datetime | None = None


@dataclass(frozen=True, slots=True)
class ClearDagRun:
    dag_id: str
    run_id: str


@dataclass(frozen=True, slots=True)
class SkipTasks:
    """Skip these not-yet-started instances of the run (a branch's unchosen side).

    A branch inside a mapped task group skips the tasks of its own group (`group_task_ids`, of which the
    group has `group_length` instances) for its own `map_index` only.
    """

    dag_id: str
    run_id: str
    task_ids: tuple[str, ...]
    map_index: int = -1
    group_task_ids: tuple[str, ...] = ()
    group_length: int = 0


@dataclass(frozen=True, slots=True)
class RecordDatasetEvents:
    """A successful try's outlet events: uri → extra; `aliases`: uri → the DatasetAlias names it was added through."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    outlets: dict[str, Any]
    aliases: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class JobDone:
    """The job is over and this process can take another (opt-in reuse); not answered.

    A process that cannot be reused (or was not asked to be) exits instead of sending it.
    """

    reusable: bool = True


@dataclass(frozen=True, slots=True)
class TaskResult:
    """The try's outcome, to store; answered by `ResultStored`."""

    result: TryResult


# --- supervisor → task: answers ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Value:
    """The answer to a request (None for a request that only does something)."""

    value: Any = None


@dataclass(frozen=True, slots=True)
class ResultStored:
    """`stored` is False if the try was no longer ours to end (cleared, marked from outside)."""

    stored: bool


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """The request failed: `kind` is the exception's class name (one of tradewind.exceptions if it is ours)."""

    kind: str
    message: str


JOBS = (StartTry, StartCallbacks, NoJob)
REQUESTS = (
    GetXCom,
    SetXCom,
    GetVariable,
    SetVariable,
    DeleteVariable,
    GetConnection,
    GetPrevSuccessfulRun,
    GetTriggeringEvents,
    GetDatasetEvents,
    GetDatasetAliasEvents,
    GetFirstPoke,
    GetDagRun,
    FindDagRun,
    GetTaskStates,
    GetSerializedDag,
    TriggerDagRun,
    ClearDagRun,
    SkipTasks,
    RecordDatasetEvents,
    TaskResult,
    JobDone,
)
REPLIES = (Value, ResultStored, ErrorReply)
MESSAGES: dict[str, type] = {cls.__name__: cls for cls in (*JOBS, *REQUESTS, *REPLIES)}
_FIELDS: dict[type, tuple[str, ...]] = {cls: tuple(f.name for f in fields(cls)) for cls in MESSAGES.values()}
"""Each message's field names, read once here (`dataclasses.fields` per message runs ~6 functions)."""

for _record in (
    Claim,
    TryResult,
    records.DagRunRecord,
    records.TaskInstanceRecord,
    records.Deferral,
    records.ConnectionRecord,
    records.DatasetEventRecord,
):
    serde.register_record(_record)


def encode(message: Any) -> bytes:
    """One line for `message` (newline included); TypeError if a value has no JSON form."""
    name = type(message).__name__
    if MESSAGES.get(name) is not type(message):
        raise TypeError(f"{name} is not a message of the task protocol")
    body = {name: getattr(message, name) for name in _FIELDS[type(message)]}
    return (serde.dumps([PROTOCOL_VERSION, name, body]) + "\n").encode()


def decode(line: bytes) -> Any:
    """The message on `line`; ProtocolError if it is not one."""
    try:
        version, name, body = serde.loads(line.decode())  # UTF-8, as encoded (json's own detection is Python)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"unreadable message ({exc}): {line[:120]!r}") from None
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {version!r}, expected {PROTOCOL_VERSION}")
    cls = MESSAGES.get(name) if isinstance(name, str) else None
    if cls is None or not isinstance(body, dict):
        raise ProtocolError(f"unknown message {name!r}")
    try:
        return cls(**body)
    except TypeError as exc:
        raise ProtocolError(f"malformed {name}: {exc}") from None


class Stream(Protocol):
    """What a Channel uses of its socket."""

    def fileno(self) -> int: ...

    def sendall(self, data: bytes, /) -> None: ...

    def recv(self, size: int, /) -> bytes: ...

    def close(self) -> None: ...


class FdStream:
    """A connected stream socket used through its bare file descriptor, with `os` calls.

    What a task's process talks to its supervisor over: `socket.socket(fileno=...)` builds a
    socket object (with Python code of the socket module and system calls to learn the family
    and type), ~65 pages a forked task's process copies from its fork server (measured).
    Blocking, as the socket was; errors are the same OSErrors.
    """

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def sendall(self, data: bytes, /) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def recv(self, size: int, /) -> bytes:
        return os.read(self.fd, size)

    def close(self) -> None:
        """Close the descriptor (once: again is a no-op, as for a socket)."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)


class Channel:
    """One end of the task protocol over a stream socket: `send` a message, `recv` the next one.

    `recv` raises EOFError when the other end is gone (`partial` tells whether it died
    mid-message) and ProtocolError for garbage or a line over `MAX_LINE` bytes.
    """

    def __init__(self, sock: Stream, max_line: int | None = None) -> None:
        self.sock = sock
        self._buffer = bytearray()
        self._max_line = max_line if max_line is not None else MAX_LINE
        self.partial = False  # the last EOF came mid-message

    @classmethod
    def from_fd(cls, fd: int) -> Channel:
        return cls(FdStream(fd))

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, message: Any) -> None:
        self.sock.sendall(encode(message))

    def send_line(self, line: bytes) -> None:
        """Send a message already made by `encode` (one made to check that it can be)."""
        self.sock.sendall(line)

    def recv(self, timeout: float | None = None) -> Any:
        """The next message; None if none came within `timeout` seconds (None: wait as long as it takes)."""
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return decode(line)
            if len(self._buffer) > self._max_line:
                raise ProtocolError(f"a message over {self._max_line} bytes (flooding the channel)")
            if timeout is not None and not select.select([self.sock], [], [], timeout)[0]:
                return None
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                self.partial = bool(self._buffer)
                raise EOFError("mid-message" if self.partial else "the other end is gone")
            self._buffer += chunk

    def close(self) -> None:
        self.sock.close()


def raise_error(reply: ErrorReply) -> None:
    """Raise, in the task, the error the supervisor met: the same class if it is one of tradewind.exceptions."""
    from tradewind import exceptions

    cls = getattr(exceptions, reply.kind, None)
    if isinstance(cls, type) and issubclass(cls, exceptions.TradewindException):
        raise cls(reply.message)
    if reply.kind in ("KeyError", "ValueError", "TypeError"):
        raise {"KeyError": KeyError, "ValueError": ValueError, "TypeError": TypeError}[reply.kind](reply.message)
    raise TradewindException(f"{reply.kind}: {reply.message}")
