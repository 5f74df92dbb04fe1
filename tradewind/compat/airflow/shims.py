"""Small Airflow helpers Tradewind has no counterpart for, kept only so that old DAG files import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from tradewind.compat.airflow import AIRFLOW_VERSION
from tradewind.sdk.decorators import task as _task

F = TypeVar("F", bound=Callable)


def days_ago(n: int, hour: int = 0, minute: int = 0, second: int = 0, microsecond: int = 0) -> datetime:
    """Midnight UTC (or the given time) `n` days ago, as a pendulum DateTime: Airflow's deprecated
    `airflow.utils.dates.days_ago`."""
    from tradewind.utils.timezone import utcnow

    today = utcnow().replace(hour=hour, minute=minute, second=second, microsecond=microsecond)
    result: datetime = today - timedelta(days=n)
    return result


def apply_defaults(func: F) -> F:
    """Airflow 1's operator decorator; a no-op since Airflow 2, so it is one here too."""
    return func


class State:
    """Airflow's `airflow.utils.state.State`: the state names as class attributes, and their groupings."""

    from tradewind.states import FAILED_LIKE as _FAILED
    from tradewind.states import FINISHED as _FINISHED
    from tradewind.states import UNFINISHED as _UNFINISHED
    from tradewind.states import DagRunState as _Run
    from tradewind.states import TaskState as _Task

    NONE = None
    SCHEDULED = _Task.SCHEDULED
    QUEUED = _Task.QUEUED
    RUNNING = _Task.RUNNING
    SUCCESS = _Task.SUCCESS
    FAILED = _Task.FAILED
    UP_FOR_RETRY = _Task.UP_FOR_RETRY
    UP_FOR_RESCHEDULE = _Task.UP_FOR_RESCHEDULE
    SKIPPED = _Task.SKIPPED
    UPSTREAM_FAILED = _Task.UPSTREAM_FAILED
    REMOVED = _Task.REMOVED
    task_states = (None, *_Task)
    dag_states = tuple(_Run)
    finished = frozenset(_FINISHED)
    unfinished = frozenset({None, *_UNFINISHED})
    failed_states = frozenset(_FAILED)
    success_states = frozenset({_Task.SUCCESS, _Task.SKIPPED})


class AirflowParsingContext(NamedTuple):
    """Airflow's hint of which DAG and task a parse is for; Tradewind always parses whole files (both None)."""

    dag_id: str | None
    task_id: str | None


def get_parsing_context() -> AirflowParsingContext:
    """`(None, None)`: a DAG file that skips work for other DAGs still builds every DAG, as a full parse does."""
    return AirflowParsingContext(dag_id=None, task_id=None)


class BaseOperatorLink:
    """Airflow's extra-link base class (`name`, `get_link(operator, *, ti_key)`): operators that declare
    `operator_extra_links` import; Tradewind's UI shows no extra links."""

    name: str = ""

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        raise NotImplementedError(f"{type(self).__name__} must implement get_link")


# Airflow 3's `airflow.providers.standard.decorators.*` names for the `task.<kind>` decorators
python_task = _task.python
branch_task = _task.branch
short_circuit_task = _task.short_circuit
bash_task = _task.bash
sensor_task = _task.sensor


class LoggingMixin:
    """Airflow's `airflow.utils.log.logging_mixin.LoggingMixin`: a `log` named after the class."""

    _log: Any = None

    @property
    def log(self) -> Any:
        import logging

        if self._log is None:
            self._log = logging.getLogger(f"{type(self).__module__}.{type(self).__name__}")
        return self._log


class SkipMixin:
    """Airflow's `SkipMixin` for custom operators: skip tasks of the running DAG run."""

    def skip(self, dag_run: Any, execution_date: Any = None, tasks: Any = (), map_index: int = -1, **_: Any) -> None:
        """Skip `tasks` (operators or task ids) in the current run; they must not have started."""
        from tradewind.sdk.current_context import get_current_context

        ids = sorted({t if isinstance(t, str) else t.task_id for t in tasks})
        if ids:
            get_current_context()["ti"].skip(ids)

    def skip_all_except(self, ti: Any, branch_task_ids: Any) -> None:
        """Skip every direct downstream task except `branch_task_ids` (ids or group ids), as a branch does."""
        from tradewind.operators.python import BranchMixin

        BranchMixin.do_branch(self, {"ti": ti}, branch_task_ids)


class RemovedInAirflow3Warning(DeprecationWarning):
    """Airflow 2's warning category for what Airflow 3 removed (files filter it by name)."""


class AirflowProviderDeprecationWarning(DeprecationWarning):
    """Airflow's warning category for deprecated provider features."""


class WeightRule(StrEnum):
    """Airflow's `WeightRule`: how a task's priority adds up its relatives' (`weight_rule=` takes these)."""

    DOWNSTREAM = "downstream"
    UPSTREAM = "upstream"
    ABSOLUTE = "absolute"


class TaskInstanceKey(NamedTuple):
    """Airflow's key of a task instance, as extra links (`get_link(operator, *, ti_key)`) receive it."""

    dag_id: str
    task_id: str
    run_id: str
    try_number: int = 1
    map_index: int = -1


def import_string(dotted_path: str) -> Any:
    """`package.module.Name` → the object (Airflow's `airflow.utils.module_loading.import_string`)."""
    import importlib

    module_path, _, name = dotted_path.rpartition(".")
    if not module_path:
        raise ImportError(f"{dotted_path} doesn't look like a module path")
    module = importlib.import_module(module_path)
    try:
        return getattr(module, name)
    except AttributeError:
        raise ImportError(f'Module "{module_path}" does not define a "{name}" attribute/class') from None


def is_venv_installed() -> bool:
    """True: Tradewind builds virtualenvs with the standard library's `venv` (or `uv`), so virtualenv
    tasks can always run here (Airflow's check looks for the `virtualenv` package)."""
    return True


version = AIRFLOW_VERSION  # `airflow.version.version`
