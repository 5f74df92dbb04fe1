"""The DAG file processor: keep the database's DAGs in step with the DAG files, cheaply.

Each pass stat()s the known files and reads the `dag_file` table once; only files that are new,
changed (mtime or size) or due (`[scheduler] min_file_process_interval`) are imported, each in a
forked child with a deadline (see `pool.py`). The folder itself is re-listed every
`[scheduler] dag_dir_list_interval` seconds. Results are written in batches, one transaction
each. A pass over an unchanged folder reads no file contents and makes one query.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.parsing.child import ErrorTuple, FileOutcome, SyncItem
from tradewind.parsing.files import list_dag_files, might_contain_dag

if TYPE_CHECKING:
    from tradewind.store.dag_files import FileState, ParsedFile

log = logging.getLogger(__name__)

#: A batch is written once it holds this many files, or is this old (seconds).
FLUSH_FILES = 200
FLUSH_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class ProcessorResult:
    """What one pass did."""

    changed_dag_ids: set[str]
    import_errors: int
    files_parsed: int
    files_removed: int
    duration: float


class _Pass:
    """One pass in progress: what was planned, and the results not yet written."""

    def __init__(self, stats: dict[str, tuple[float, int]], removed: list[str], owners: _Owners) -> None:
        self.stats = stats
        self.removed = removed  # written with the first batch
        self.owners = owners
        self.files: list[ParsedFile] = []
        self.dags: list[SyncItem] = []
        self.errors: list[ErrorTuple] = []
        self.started = time.monotonic()

    def add(self, outcome: FileOutcome) -> None:
        from tradewind.store.dag_files import ParsedFile

        self.owners.claim(outcome)
        mtime, size = self.stats.get(outcome.fileloc, (0.0, 0))
        dag_ids = [row["dag_id"] for row, _, _ in outcome.dags]
        self.files.append(
            ParsedFile(
                outcome.fileloc, mtime, size, outcome.content_hash, dag_ids, outcome.duration, outcome.source_code
            )
        )
        self.dags.extend(outcome.dags)
        self.errors.extend(outcome.errors)

    def due(self) -> bool:
        return len(self.files) >= FLUSH_FILES or time.monotonic() - self.started >= FLUSH_SECONDS

    def flush(self, paused_at_creation: bool) -> set[str]:
        """Write the batch (and the removed files, the first time) in one transaction; changed dag_ids."""
        from tradewind.store import dag_files

        if not self.files and not self.removed:
            return set()
        changed = dag_files.record_parse(
            self.files, self.dags, self.errors, self.removed, paused_at_creation=paused_at_creation
        )
        self.files, self.dags, self.errors, self.removed = [], [], [], []
        self.started = time.monotonic()
        return changed


class DagFileProcessor:
    """Parses the DAG folder (or `subdir`), plus the bundled examples when `[core] load_examples`."""

    def __init__(
        self,
        subdir: str | Path | None = None,
        *,
        include_examples: bool | None = None,
        processes: int | None = None,
        timeout: float | None = None,
    ) -> None:
        from tradewind.config import conf
        from tradewind.parsing.dagbag import example_folders
        from tradewind.parsing.pool import ParsePool

        self.folder = Path(subdir).expanduser() if subdir else Path(conf.getpath("core", "dags_folder"))
        if include_examples is None:
            include_examples = conf.getboolean("core", "load_examples")
        examples = [f for f in example_folders() if f.resolve() != self.folder.resolve()]
        self.roots = [self.folder] + (examples if include_examples else [])
        # Files under these belong to this processor: gone from a listing means deleted. The
        # examples folder is ours whenever the whole DAG folder is, so turning examples off retires them.
        self._owned = [str(self.folder)] + ([str(f) for f in examples] if include_examples or not subdir else [])
        self.dir_list_interval = conf.getfloat("scheduler", "dag_dir_list_interval", fallback=5.0)
        self.min_file_interval = conf.getfloat("scheduler", "min_file_process_interval", fallback=30.0)
        self.paused_at_creation = conf.getboolean("core", "dags_are_paused_at_creation")
        processes = processes or conf.getint("scheduler", "parsing_processes", fallback=2)
        timeout = timeout or conf.getfloat("core", "dag_file_processor_timeout", fallback=50.0)
        self.pool = ParsePool(processes, timeout, [str(r) for r in self.roots if r.is_dir()])
        self._listed: list[str] | None = None
        self._next_listing = 0.0
        self._not_dag_files: dict[str, tuple[float, int]] = {}  # failed safe mode at this (mtime, size)
        self._pass: _Pass | None = None
        self._counts = _Counts()
        _warm_up()

    def stop(self) -> None:
        """Abandon the pass in progress (from a signal handler): children are killed, nothing half-written."""
        self.pool.stop()

    # --- one pass ----------------------------------------------------------------------------
    def run_once(self, force: bool = False, wait: float | None = None) -> ProcessorResult:
        """Parse what is new, changed or due (everything with `force`); retire deleted files.

        `wait=None` blocks until the pass is done. With a number of seconds, returns after at most
        that long, children still working: the next call collects their results (the scheduler's
        loop must not stall on a slow or hanging file). A new pass is planned only when none is in flight.
        """
        from tradewind.store.migrate import ensure_ready

        start = time.perf_counter()
        ensure_ready()
        self._counts = _Counts()
        if force and self._pass is not None:
            self._drain(None)
        if self._pass is None:
            planned = self._plan_pass(force)
            if planned is None:
                return ProcessorResult(set(), 0, 0, 0, time.perf_counter() - start)
            self._pass, to_parse = planned
            self.pool.submit(to_parse)
        removed = len(self._pass.removed)
        self._drain(None if wait is None else time.monotonic() + wait)
        counts, duration = self._counts, time.perf_counter() - start
        if counts.parsed or removed:
            log.info(
                "DAG files: %d parsed, %d removed, %d import error(s), %d DAG(s) changed in %.2fs%s",
                counts.parsed,
                removed,
                counts.errors,
                len(counts.changed),
                duration,
                " (more in flight)" if self._pass is not None else "",
            )
        return ProcessorResult(counts.changed, counts.errors, counts.parsed, removed, duration)

    def _plan_pass(self, force: bool) -> tuple[_Pass, list[str]] | None:
        from tradewind.store import dag_files
        from tradewind.store.sql import utcnow

        now = time.monotonic()
        if force or self._listed is None or now >= self._next_listing:
            self._listed = [str(p) for root in self.roots for p in list_dag_files(root, safe_mode=False)]
            self._next_listing = now + self.dir_list_interval
        stats = _stat_all(self._listed)
        due_before = utcnow() - timedelta(seconds=self.min_file_interval)
        known = {f: s for f, s in dag_files.file_states(due_before).items() if self._owns(f)}
        to_parse, removed = self._plan(stats, known, force)
        if not to_parse and not removed:
            return None
        owners = _Owners(dag_files.active_dag_files(), alive=set(stats) - set(removed))
        return _Pass(stats, removed, owners), to_parse

    def _drain(self, until: float | None) -> None:
        """Collect results (until done, or until `until`), writing them in batches."""
        assert self._pass is not None
        current = self._pass

        def on_result(outcome: FileOutcome) -> None:
            current.add(outcome)  # may add an error (a dag_id another file defines)
            self._counts.parsed += 1
            self._counts.errors += len(outcome.errors)
            if current.due():
                self._counts.changed |= current.flush(self.paused_at_creation)

        self.pool.pump(on_result, until)
        self._counts.changed |= current.flush(self.paused_at_creation)
        if not self.pool.busy:
            self._pass = None

    def _owns(self, fileloc: str) -> bool:
        return any(fileloc == root or fileloc.startswith(root + os.sep) for root in self._owned)

    def _plan(
        self, stats: dict[str, tuple[float, int]], known: dict[str, FileState], force: bool
    ) -> tuple[list[str], list[str]]:
        """Which listed files to parse, which known files are gone (or no longer hold DAGs)."""
        to_parse: list[str] = []
        not_dags: set[str] = set()
        for fileloc, (mtime, size) in stats.items():
            state = known.get(fileloc)
            unchanged = state is not None and state.mtime == mtime and state.size == size
            if state is not None and unchanged and not force and not state.due:
                continue
            if not unchanged and not self._holds_dags(fileloc, mtime, size):
                not_dags.add(fileloc)
                continue
            to_parse.append(fileloc)
        removed = [f for f in known if f not in stats or f in not_dags]
        return to_parse, removed

    def _holds_dags(self, fileloc: str, mtime: float, size: int) -> bool:
        """DagBag's safe mode, remembered per (mtime, size) so an unchanged file is read once."""
        if self._not_dag_files.get(fileloc) == (mtime, size):
            return False
        if might_contain_dag(Path(fileloc)):
            self._not_dag_files.pop(fileloc, None)
            return True
        self._not_dag_files[fileloc] = (mtime, size)
        return False


@dataclass
class _Counts:
    """What one call of run_once saw."""

    changed: set[str] = field(default_factory=set)
    errors: int = 0
    parsed: int = 0


class _Owners:
    """Which file defines each dag_id: a second file defining it gets an import error, as in DagBag."""

    def __init__(self, active: dict[str, str], alive: set[str]) -> None:
        self.by_dag = {d: f for d, f in active.items() if f in alive}
        self.by_file: dict[str, set[str]] = {}
        for dag_id, fileloc in self.by_dag.items():
            self.by_file.setdefault(fileloc, set()).add(dag_id)

    def claim(self, outcome: FileOutcome) -> None:
        """Keep the DAGs no other live file defines; turn the others into this file's errors."""
        fileloc = outcome.fileloc
        for dag_id in self.by_file.pop(fileloc, set()):
            if self.by_dag.get(dag_id) == fileloc:
                del self.by_dag[dag_id]
        kept = []
        for item in outcome.dags:
            dag_id = item[0]["dag_id"]
            other = self.by_dag.get(dag_id)
            if other is not None and other != fileloc:
                outcome.errors.append(
                    (fileloc, None, f"DuplicateDagIdError: DAG id '{dag_id}' is already defined in {other}", "")
                )
                continue
            self.by_dag[dag_id] = fileloc
            self.by_file.setdefault(fileloc, set()).add(dag_id)
            kept.append(item)
        outcome.dags = kept


def _stat_all(files: list[str]) -> dict[str, tuple[float, int]]:
    """(mtime, size) of every file that still exists: the whole cost of an idle pass, besides one query."""
    out: dict[str, tuple[float, int]] = {}
    for fileloc in files:
        try:
            st = os.stat(fileloc)
        except OSError:
            continue
        out[fileloc] = (st.st_mtime, st.st_size)
    return out


_warm = False
#: What importing a typical DAG file and serializing it loads (found with a sys.modules diff).
_WARM_MODULES = (
    "tradewind.parsing.dagbag",
    "tradewind.serialization",
    "tradewind.sdk.dag",
    "tradewind.sdk.decorators",
    "tradewind.sdk.taskgroup",
    "tradewind.sdk.xcom_arg",
    "tradewind.sdk.mapped",
    "tradewind.sdk.edges",
    "tradewind.timetables.cron",
    "tradewind.timetables.delta",
    "tradewind.timetables.simple",
    "tradewind.timetables.interval",
    "tradewind.timetables.describe",
    "tradewind.datasets",
    "tradewind.operators.bash",
    "tradewind.operators.python",
    "tradewind.operators.empty",
    "tradewind.sensors.python",
    "tradewind.compat.airflow.finder",
    "tradewind.scheduler.trigger_rules",
    "tradewind.states",
    "croniter",
    "zoneinfo",
    "graphlib",
    "calendar",
)


def _warm_up() -> None:
    """Import what DAG files and the child need once, here, so every forked child starts warm."""
    global _warm
    if _warm:
        return
    import importlib

    for name in _WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - an optional operator missing must not stop parsing
            log.debug("could not pre-import %s", name)
    try:  # croniter compiles its regular expressions on first use
        from datetime import datetime

        from croniter import croniter

        croniter("0 0 * * *", datetime(2024, 1, 1)).get_next(datetime)
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        log.debug("could not warm croniter")
    _warm = True
