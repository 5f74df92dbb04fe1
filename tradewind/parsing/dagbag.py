"""DagBag: import DAG files, keep the DAGs they define, and turn every failure into an import error.

A broken file (syntax error, exception, cycle, duplicate id, bad schedule, hang past the
timeout) costs only itself: its error is recorded with file and line, and other files still load.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.exceptions import DagNotFound, TradewindException
from tradewind.parsing.files import list_dag_files
from tradewind.sdk import dag_context
from tradewind.utils.time_limit import time_limit

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG

EXAMPLES_FOLDER = Path(__file__).resolve().parent.parent / "example_dags"
REPO_EXAMPLES_FOLDER = (
    Path(__file__).resolve().parent.parent.parent / "examples"
)  # the seed's pipelines (source checkout)


def example_folders() -> list[Path]:
    """Folders loaded when `[core] load_examples` is on: the bundled examples, then the repo's `examples/` if present."""
    return [EXAMPLES_FOLDER] + ([REPO_EXAMPLES_FOLDER] if REPO_EXAMPLES_FOLDER.is_dir() else [])


class DagImportTimeout(TradewindException):
    """Importing a DAG file took longer than [core] dagbag_import_timeout."""


@dataclass(frozen=True, slots=True)
class ImportErrorInfo:
    filename: str
    lineno: int | None
    message: str
    stacktrace: str

    def as_tuple(self) -> tuple[str, int | None, str, str]:
        return (self.filename, self.lineno, self.message, self.stacktrace)


class DagBag:
    """The DAGs of a folder (and, if asked, Tradewind's bundled examples)."""

    def __init__(
        self,
        dag_folder: str | Path | None = None,
        *,
        include_examples: bool | None = None,
        safe_mode: bool = True,
        import_timeout: float | None = None,
    ) -> None:
        from tradewind.config import conf

        self.dag_folder = Path(dag_folder) if dag_folder is not None else Path(conf.getpath("core", "dags_folder"))
        if include_examples is None:
            include_examples = conf.getboolean("core", "load_examples")
        self.include_examples = include_examples
        self.safe_mode = safe_mode
        self.import_timeout = (
            float(conf.getfloat("core", "dagbag_import_timeout")) if import_timeout is None else import_timeout
        )
        self.dags: dict[str, DAG] = {}
        self.import_errors: dict[str, ImportErrorInfo] = {}
        self.file_dags: dict[str, list[str]] = {}
        self.files_seen: list[str] = []
        self.roots: list[str] = []  # the folders (or file) listed: every DAG file under them was parsed
        from tradewind.compat.airflow import install as install_airflow_compat

        install_airflow_compat()  # unmodified `from airflow... import` lines get Tradewind's objects
        self.collect(self.dag_folder)
        if include_examples:
            for folder in example_folders():
                if folder.resolve() != self.dag_folder.resolve():  # the DAGs folder may be examples/ itself
                    self.collect(folder)

    def collect(self, folder: Path) -> None:
        self.roots.append(str(folder))
        if folder.is_dir() and str(folder) not in sys.path:
            sys.path.append(str(folder))  # DAG files may import helper modules beside them
        for path in list_dag_files(folder, safe_mode=self.safe_mode):
            self.process_file(path)

    def process_file(self, path: Path) -> list[DAG]:
        filename = str(path)
        self.files_seen.append(filename)
        self.import_errors.pop(filename, None)
        try:
            found = self._import(path)
        except BaseException as exc:  # noqa: BLE001 — any failure in user code is an import error
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.import_errors[filename] = describe_import_error(filename, exc)
            self.file_dags[filename] = []
            return []
        good: list[DAG] = []
        for dag in found:
            error = self._check(dag, filename)
            if error is not None:
                self.import_errors[filename] = error
                continue
            self.dags[dag.dag_id] = dag
            good.append(dag)
        self.file_dags[filename] = [d.dag_id for d in good]
        return good

    def _import(self, path: Path) -> list[DAG]:
        from tradewind.sdk.dag import DAG

        module_name = "tradewind_dagfile_" + hashlib.sha1(str(path).encode()).hexdigest()[:12] + "_" + path.stem
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise TradewindException(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        created = dag_context.start_collecting()
        try:
            # What a DAG file prints while imported is diagnostics: stdout stays for the command's output (`-o json`).
            with _import_limit(self.import_timeout, path), contextlib.redirect_stdout(sys.stderr):
                spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        finally:
            dag_context.stop_collecting()
        found: dict[int, DAG] = {id(d): d for d in created}
        for value in vars(module).values():
            if isinstance(value, DAG):
                found.setdefault(id(value), value)
        for dag in found.values():
            if os.path.abspath(dag.fileloc or "") != os.path.abspath(path):
                dag.fileloc, dag.lineno = str(path), 0  # built by a helper module elsewhere
        return list(found.values())

    def _check(self, dag: DAG, filename: str) -> ImportErrorInfo | None:
        """Whole-DAG checks that only make sense once the file finished building it."""
        from tradewind.sdk.setup_teardown import check_setup_teardown

        try:
            dag.check_cycle()
            check_setup_teardown(dag)
        except TradewindException as exc:
            return ImportErrorInfo(filename, dag.lineno or None, f"{type(exc).__name__}: {exc}", "")
        other = self.dags.get(dag.dag_id)
        if other is not None and other.fileloc != filename:
            return ImportErrorInfo(
                filename,
                dag.lineno or None,
                f"DuplicateDagIdError: DAG id '{dag.dag_id}' is already defined in {other.fileloc}",
                "",
            )
        return None

    # --- lookups -----------------------------------------------------------------------------
    def get_dag(self, dag_id: str) -> DAG:
        try:
            return self.dags[dag_id]
        except KeyError:
            hint = ""
            for filename, error in self.import_errors.items():
                if dag_id in Path(filename).read_text(errors="replace"):
                    hint = f" ({filename} failed to import: {error.message})"
                    break
            raise DagNotFound(f"DAG '{dag_id}' not found in {self.dag_folder}{hint}") from None

    @property
    def size(self) -> int:
        return len(self.dags)


def describe_import_error(filename: str, exc: BaseException) -> ImportErrorInfo:
    """File, line and a one-line message for an exception raised while importing `filename`."""
    stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == os.path.abspath(filename):
        return ImportErrorInfo(filename, exc.lineno, f"SyntaxError: {exc.msg}", stack)
    lineno = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == os.path.abspath(filename):
            lineno = frame.lineno
    message = f"{type(exc).__name__}: {exc}".strip()
    return ImportErrorInfo(filename, lineno, message, stack)


def _import_limit(seconds: float, path: Path) -> time_limit:
    """Raise DagImportTimeout if importing `path` runs past `seconds` (main thread only; else no limit)."""
    return time_limit(
        seconds, lambda: DagImportTimeout(f"importing {path} took longer than {seconds:g}s (dagbag_import_timeout)")
    )
