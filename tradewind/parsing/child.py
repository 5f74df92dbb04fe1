"""The part of DAG file processing that runs in a forked child: import, check, serialize, send back.

User code runs only here, so a file that hangs, exits or crashes the interpreter costs the child,
never the scheduler; the parent sees a missing result and records the failure against that file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

#: (dag row, serialized DAG, hash): what store.dags.upsert_dags takes.
SyncItem = tuple[dict[str, Any], dict[str, Any], str]
#: (filename, lineno, message, stacktrace): what store.import_errors takes.
ErrorTuple = tuple[str, "int | None", str, str]


@dataclass(slots=True)
class FileOutcome:
    """What parsing one file produced; plain data, so it crosses the pipe as a pickle."""

    fileloc: str
    dags: list[SyncItem] = field(default_factory=list)
    errors: list[ErrorTuple] = field(default_factory=list)
    content_hash: str | None = None
    source_code: str | None = None
    duration: float = 0.0
    warnings: list[str] = field(default_factory=list)  # "line: text" of what the file asks for in vain


def parse_file(fileloc: str) -> FileOutcome:
    """Import one file with DagBag's rules (timeout, cycle checks) and serialize its DAGs."""
    from tradewind.parsing.dagbag import DagBag, describe_import_error
    from tradewind.serialization import dag_hash, dag_row, serialize_dag

    start = time.perf_counter()
    outcome = FileOutcome(fileloc)
    handler = _WarningsOf(fileloc, outcome.warnings)
    logging.getLogger("tradewind.parsing").addHandler(handler)
    try:
        raw = open(fileloc, "rb").read()  # noqa: SIM115 — read once, closed by refcount
        outcome.content_hash = hashlib.sha256(raw).hexdigest()
        outcome.source_code = raw.decode("utf-8", errors="replace")
        bag = DagBag(fileloc, include_examples=False, safe_mode=False)
        outcome.errors.extend(e.as_tuple() for e in bag.import_errors.values())
        for dag in bag.dags.values():
            try:
                data = serialize_dag(dag)
                outcome.dags.append((dag_row(dag, data), data, dag_hash(data)))
            except Exception as exc:  # noqa: BLE001 — a DAG that cannot be serialized is an import error
                outcome.errors.append(describe_import_error(fileloc, exc).as_tuple())
    except BaseException as exc:  # noqa: BLE001 — anything user code throws is this file's error
        outcome.dags.clear()
        outcome.errors.append(describe_import_error(fileloc, exc).as_tuple())
    finally:
        logging.getLogger("tradewind.parsing").removeHandler(handler)
    outcome.duration = time.perf_counter() - start
    return outcome


class _WarningsOf(logging.Handler):
    """Keeps the parse warnings about one file (`file:line: text`, see sdk/airflow_args.py) as `line: text`."""

    def __init__(self, fileloc: str, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.prefix = fileloc + ":"
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if text.startswith(self.prefix):
            self.into.append(text[len(self.prefix) :])


def child_main(conn: Connection, files: list[str], sys_paths: list[str]) -> None:
    """Entry point after fork: parse `files` in order, one message per file, then exit at once."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for folder in sys_paths:
            if folder not in sys.path:
                sys.path.append(folder)  # DAG files may import helper modules beside them
        for fileloc in files:
            conn.send(parse_file(fileloc))
    except BaseException:  # noqa: BLE001 — the parent reports the file we were on
        code = 70
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001, S110 — a closed stream must not change the exit code
                pass
        os._exit(code)  # no atexit handlers, no finalizers inherited from the parent
