"""Where a try's log lives and how task output gets there."""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tradewind.secrets.masker import RedactingFilter
from tradewind.utils.private import DIR_MODE, FILE_MODE, private_dir, private_file

LOG_FORMAT = "[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s - %(message)s"


def log_path(
    dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int, base: str | Path | None = None
) -> Path:
    """`$base_log_folder/dag_id=…/run_id=…/task_id=…/[map_index=…/]attempt=N.log`, as Airflow lays it out.

    `base`: the base log folder (default: the configured one).
    """
    if base is None:
        from tradewind.config import conf

        base = conf.getpath("logging", "base_log_folder")
    base = Path(base)
    path = base / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    if map_index >= 0:
        path = path / f"map_index={map_index}"
    return path / f"attempt={try_number}.log"


def log_folder_prefix(base: str | Path | None = None) -> str:
    """`base` (default: the configured base_log_folder) as the text a relative path is appended to.

    What `Path(base) / rel` makes of it (`.` gives "", `/` gives "/"): a supervisor reads the
    setting once (`[logging]` lookups and Path objects were ~7% of a claim's CPU) and passes this on.
    """
    if base is None:
        from tradewind.config import conf

        base = conf.getpath("logging", "base_log_folder")
    return str(Path(base) / "x")[:-1]


def log_path_in(prefix: str, dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int) -> str:
    """`str(log_path(...))` under the folder `prefix` of `log_folder_prefix`, built as text.

    Names holding a "/" go through Path, which normalizes them (and so gives the same file as ever).
    """
    if "/" in dag_id or "/" in run_id or "/" in task_id:
        return str(log_path(dag_id, run_id, task_id, map_index, try_number, base=prefix or "."))
    mapped = f"map_index={map_index}/" if map_index >= 0 else ""
    return f"{prefix}dag_id={dag_id}/run_id={run_id}/task_id={task_id}/{mapped}attempt={try_number}.log"


def log_line(path: str | Path | None, level: str, message: str) -> None:
    """Append one line to a try's log from outside the task's process (why it was stopped or failed)."""
    if not path:
        return
    from datetime import datetime, timezone

    try:
        private_file(Path(path))  # the try may have failed before its process wrote
        with Path(path).open("a", encoding="utf-8") as fh:
            fh.write(f"[{datetime.now(timezone.utc).isoformat()}] {level} - {message}\n")
    except OSError:
        pass  # the log is a courtesy: the state in the database is what counts


class _LoggerStream(io.TextIOBase):
    """A file-like object that turns `print()` output of a task into log records."""

    def __init__(self, logger: logging.Logger, level: int) -> None:
        self.logger = logger
        self.level = level
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self.logger.log(self.level, line)
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self.logger.log(self.level, self._buffer)
            self._buffer = ""


class TaskLogWriter(logging.Handler):
    """The one handler while a try runs: every record, masked, to the try's log file (and `echo`).

    A write and a flush per record to a file opened once per try; the masker's filter rewrites
    each record (message, traceback, stack) before it is formatted. One writer serves try after
    try (`attach` points it at the next try's file): a logging handler's set-up (its lock, its
    registrations in logging's module state) is done once per process, not in every task's.
    """

    def __init__(self, file: TextIO | None = None, echo: TextIO | None = None) -> None:
        super().__init__()
        self.setFormatter(_FORMATTER)
        self.addFilter(_REDACTING)
        self._streams: tuple[TextIO, ...] = ()
        if file is not None:
            self.attach(file, echo)

    def attach(self, file: TextIO, echo: TextIO | None = None) -> None:
        """Write to `file` (and `echo`) from now on."""
        self._streams = (file,) if echo is None else (file, echo)

    def detach(self) -> None:
        self._streams = ()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + "\n"
        except Exception:  # noqa: BLE001 - a bad format string in a task: logging's own report, as for any handler
            self.handleError(record)
            return
        for stream in self._streams:
            try:
                stream.write(line)
                stream.flush()
            except (OSError, ValueError):
                pass  # the log is a courtesy: the state in the database is what counts


class _LogFile:
    """A try's log file, opened for appending: each line one `os.write` of its UTF-8 bytes.

    What an `open(..., "a", encoding="utf-8")` file flushed after each line writes, without
    building a text and a buffered file object per try (in a forked task's process that
    touched ~35 pages shared with its fork server); an unencodable line raises ValueError, as there.
    """

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        while data:
            data = data[os.write(self.fd, data) :]
        return len(text)

    def flush(self) -> None:
        pass  # nothing is buffered


_APPEND = os.O_WRONLY | os.O_CREAT | os.O_APPEND


def _open_log(path: str) -> int:
    """The file descriptor of `path` opened for appending, created 0600 (in 0700 folders if missing)."""
    try:
        return os.open(path, _APPEND, FILE_MODE)
    except FileNotFoundError:  # (no stat first: in a forked task, os.path's code costs ~10 page copies)
        folder = os.path.dirname(path)
        try:  # output may hold secrets the masker does not know: 0700 folders
            os.mkdir(folder, DIR_MODE)  # usually only the try's own folder is new (pathlib's objects: ~60 page copies)
        except FileNotFoundError:
            private_dir(Path(folder))  # and some of its parents
        except FileExistsError:
            pass  # made meanwhile
        return os.open(path, _APPEND, FILE_MODE)


_FORMATTER = logging.Formatter(LOG_FORMAT)
_TASK_LOGGER = logging.getLogger("tradewind.task")  # looked up once: the lookup takes logging's lock, ~6 page copies
_REDACTING = RedactingFilter()


def task_level() -> int:
    """`[logging] logging_level`: the level of a try's log."""
    from tradewind.config import conf

    name = str(conf.get("logging", "logging_level", fallback="INFO")).upper()
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.INFO


_level: int | None = None  # read once by a fork server (`prepare_for_tasks`); None: read per try
_Spare = tuple[TaskLogWriter, _LoggerStream, _LoggerStream]
_spare: list[_Spare] = []
"""Writers with their stdout/stderr streams, not in use by a try now (one, unless tries run in threads)."""


def _new_spare() -> _Spare:
    return TaskLogWriter(), _LoggerStream(_TASK_LOGGER, logging.INFO), _LoggerStream(_TASK_LOGGER, logging.WARNING)


@contextmanager
def capture_task_log(path: str | Path, *, echo: TextIO | None = None) -> Iterator[logging.Logger]:
    """Route everything the try logs or prints to `path` (and `echo`, masked too) for its duration.

    Every logger's records reach the root logger, whose handlers (the scheduler's or the CLI's
    stderr) are swapped for the try's writer meanwhile; so a task's `logging.warning(...)`, a
    library's logger and the task's threads all land in the try's log, never in the output of
    the process that runs it. The task logger writes to the writer directly and does not
    propagate, so that stdout/stderr (sent to it) cannot loop back through a handler on stderr.
    """
    level = _level if _level is not None else task_level()
    root = logging.root
    logger = _TASK_LOGGER
    logger.propagate = False
    _set_level(logger, level)
    fd = _open_log(os.fspath(path))  # (string paths: pathlib's objects cost a task process ~30 page copies)
    try:
        spare = _spare.pop() if _spare else _new_spare()  # (reused: building them per try costs page copies)
        writer, out, err = spare
        writer.attach(_LogFile(fd), echo)  # type: ignore[arg-type]  # (a file as far as the writer goes)
        saved = root.handlers, logger.handlers, root.level
        root.handlers, logger.handlers = [writer], [writer]
        _set_level(root, level)
        saved_streams = sys.stdout, sys.stderr  # as contextlib's redirect_stdout/stderr, without their classes
        sys.stdout, sys.stderr = out, err
        try:
            yield logger
        finally:
            sys.stdout, sys.stderr = saved_streams
            out.flush()
            err.flush()
            root.handlers, logger.handlers = saved[0], saved[1]
            _set_level(root, saved[2])
            writer.detach()
            _spare.append(spare)
    finally:
        os.close(fd)


def prepare_for_tasks() -> None:
    """In a process that forks task processes: set up logging here as a try will find it.

    The levels a try sets are already set (setting a level clears every logger's cache: in a
    forked process, that writes to pages of every logger), and a writer is ready.
    """
    global _level
    _level = None
    level = _level = task_level()
    _set_level(logging.root, level)
    _set_level(_TASK_LOGGER, level)
    if not _spare:
        _spare.append(_new_spare())


def _set_level(logger: logging.Logger, level: int) -> None:
    if logger.level != level:  # setLevel clears every logger's cached level: only when it changes
        logger.setLevel(level)
