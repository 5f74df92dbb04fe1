"""Where a try's log lives and how task output gets there."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from tradewind.secrets.masker import RedactingFilter

LOG_FORMAT = "[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s - %(message)s"


def log_path(dag_id: str, run_id: str, task_id: str, map_index: int, try_number: int) -> Path:
    """`$base_log_folder/dag_id=…/run_id=…/task_id=…/[map_index=…/]attempt=N.log`, as Airflow lays it out."""
    from tradewind.config import conf

    base = Path(conf.getpath("logging", "base_log_folder"))
    path = base / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    if map_index >= 0:
        path = path / f"map_index={map_index}"
    return path / f"attempt={try_number}.log"


def log_line(path: str | Path | None, level: str, message: str) -> None:
    """Append one line to a try's log from outside the task's process (why it was stopped or failed)."""
    if not path:
        return
    from datetime import datetime, timezone

    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # the try may have failed before its process wrote
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


@contextmanager
def capture_task_log(path: Path, *, echo: logging.Handler | None = None) -> Iterator[logging.Logger]:
    """Send the task logger and the task's stdout/stderr to `path` for the duration of a try."""
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("tradewind.task")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    redacting = RedactingFilter()  # secrets read during the try (connection passwords, …) show as ***
    handler.addFilter(redacting)
    logger.addHandler(handler)
    if echo is not None:
        echo.addFilter(redacting)
        logger.addHandler(echo)
    out, err = _LoggerStream(logger, logging.INFO), _LoggerStream(logger, logging.WARNING)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            yield logger
    finally:
        out.flush()
        err.flush()
        logger.removeHandler(handler)
        if echo is not None:
            logger.removeHandler(echo)
            echo.removeFilter(redacting)
        handler.close()
