"""Opt-in reuse of a task process (`[executor] tasks_per_process`, `executor_config={"tasks_per_process": N}`).

Like Celery's `max_tasks_per_child`: a task process may run up to N jobs of the same DAG file
one after another, each with a fresh context. It ends instead (the next job gets a fresh
process) after a job that timed out, was killed (SIGTERM), left a non-daemon thread running, or
added, removed or replaced a module of the DAGs folder in `sys.modules`. What isolation is
lost in between is written in docs/task-protocol.md.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from tradewind.runtime import timeout
from tradewind.runtime.protocol import StartTry

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


baseline: dict[str, Any] = {}
"""`sys.modules` as the fork server had it when it forked this process (see `take_baseline`)."""


def take_baseline() -> None:
    """Called by the fork server when its modules change (before a fork): what a task process starts with.

    Taken in the parent, and only when something was imported, so a task process that is never
    reused never reads `sys.modules` (that writes every module's reference count: ~500 page
    copies, ~2 ms per task, measured), and the fork server does not either at each fork.
    """
    global baseline
    baseline = dict(sys.modules)


_limit: int | None = None  # read once by the fork server (`prepare`), not in every task's process


def prepare() -> None:
    """In the fork server: read the configured limit once; its task processes inherit it."""
    global _limit
    _limit = None
    _limit = configured_limit()


def configured_limit() -> int:
    """`[executor] tasks_per_process` (at least 1)."""
    if _limit is not None:
        return _limit
    from tradewind.config import conf

    return max(1, conf.getint("executor", "tasks_per_process", fallback=1))


def task_limit(task: Any, default: int) -> int:
    """A task's own `executor_config={"tasks_per_process": N}`, else `default`."""
    config = getattr(task, "executor_config", None) or {}
    value = config.get("tasks_per_process") if isinstance(config, dict) else None
    try:
        return max(1, int(value)) if value is not None else default
    except (TypeError, ValueError):
        return default


class ReuseGuard:
    """Decides, after each job of a task process, whether the process may take another."""

    def __init__(self, dag: DAG) -> None:
        self.limit = configured_limit()
        self.jobs = 0
        self.killed = False
        self._folders: tuple[str, ...] = ()  # read when a job may be followed by another
        self._baseline = baseline or dict(sys.modules)
        self._baseline_dag_modules: dict[str, int] | None = None  # the baseline's, scanned once
        self._checked: dict[str, Any] = self._baseline  # `sys.modules` as it was when last found unchanged
        self._timeouts = timeout.expired

    def after_job(self, dag: DAG, job: Any) -> bool:
        """True if this process may run another job (it then keeps its DAG as imported)."""
        self.jobs += 1
        limit = self.limit
        if isinstance(job, StartTry):
            try:
                limit = task_limit(dag.get_task(job.claim.record.task_id), self.limit)
            except Exception:  # noqa: BLE001 — the task is gone from the DAG: no reuse
                return False
        if self.jobs >= limit or self.killed or timeout.expired != self._timeouts:
            return False
        if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
            return False
        return self._same_dag_modules(dag)

    def _same_dag_modules(self, dag: DAG) -> bool:
        """No module of a DAG file or of the DAGs folders was added, removed or replaced since the fork.

        Most jobs import nothing: `sys.modules` then equals (same names, same module objects, a
        comparison in C) what it was at the last check, and the scan of its ~500 modules for
        their files (~0.3 ms a job, measured) is skipped; the baseline's DAG modules are scanned once.
        """
        modules = sys.modules
        if modules == self._checked:
            return True
        self._folders = self._folders or _dag_folders(dag)
        if self._baseline_dag_modules is None:
            self._baseline_dag_modules = self._dag_modules(self._baseline)
        if self._baseline_dag_modules != self._dag_modules(modules):
            return False
        self._checked = dict(modules)
        return True

    def _dag_modules(self, modules: dict[str, Any]) -> dict[str, int]:
        """name → id of every imported module of a DAG file, or from the DAGs folders (DAG helpers)."""
        out: dict[str, int] = {}
        for name, module in list(modules.items()):
            if name.startswith("tradewind_dagfile_"):
                out[name] = id(module)
                continue
            path = getattr(module, "__file__", None)
            if path and path.startswith(self._folders):
                out[name] = id(module)
        return out


def _dag_folders(dag: DAG) -> tuple[str, ...]:
    import os

    from tradewind.config import conf

    folders = {os.path.dirname(os.path.abspath(dag.fileloc or "."))}
    try:
        folders.add(str(conf.getpath("core", "dags_folder")))
    except Exception:  # noqa: BLE001 — a missing folder setting: the DAG file's own folder is enough
        pass
    return tuple(f.rstrip(os.sep) + os.sep for f in folders)
