"""What the store hands out: frozen values built from rows, never objects that write themselves back.

Changing state goes through the store's named operations (`task_instances.queue_ready`, `runs.finish_run`,
…); a record is a snapshot of one row at the moment it was read. Imports no SQLAlchemy.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

R = TypeVar("R", bound="_Record")

_READERS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], Callable[[Any], tuple[Any, ...]]]] = {}


def pick(record: Any, *names: str) -> dict[str, Any]:
    """The named attributes of a record under their own names: what the CLI and the API show of it."""
    return {name: getattr(record, name) for name in names}


class _Record:
    """`from_row()` for every record: pick this class's fields out of a row's mapping."""

    __slots__ = ()

    @classmethod
    def from_row(cls: type[R], row: Any) -> R:
        return cls(*_readers(cls)[1](getattr(row, "_mapping", row)))

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickled as the class and its field values: a slotted dataclass's own pickling looks its
        fields up on both ends, per record (records cross to and from the scheduler for every task)."""
        return type(self), _readers(type(self))[0](self)


def _readers(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], Callable[[Any], tuple[Any, ...]]]:
    """A record's field values, and a row mapping's values of its fields, in field order: one C call each."""
    readers = _READERS.get(cls)
    if readers is None:
        names = tuple(f.name for f in fields(cls))  # (every record has several: one name would give a value)
        readers = _READERS[cls] = (operator.attrgetter(*names), operator.itemgetter(*names))
    return readers


@dataclass(frozen=True, slots=True)
class DagRecord(_Record):
    dag_id: str
    fileloc: str | None
    is_paused: bool
    is_active: bool
    description: str | None
    schedule_summary: str | None
    timetable_description: str | None
    owners: str | None
    tags: list[str] | None
    max_active_runs: int | None
    max_active_tasks: int | None
    next_dagrun: datetime | None
    next_dagrun_data_interval_start: datetime | None
    next_dagrun_data_interval_end: datetime | None
    next_dagrun_create_after: datetime | None
    last_parsed_time: datetime | None
    has_import_errors: bool
    default_view: str | None
    schedule_interval: dict[str, Any] | None = None  # filled at the next parse after revision 0008
    has_task_concurrency_limits: bool | None = None
    dag_display_name: str | None = None


@dataclass(frozen=True, slots=True)
class DagRunRecord(_Record):
    id: int
    dag_id: str
    run_id: str
    logical_date: datetime
    data_interval_start: datetime | None
    data_interval_end: datetime | None
    run_type: str
    state: str
    conf: dict[str, Any] | None
    external_trigger: bool
    queued_at: datetime | None
    start_date: datetime | None
    end_date: datetime | None
    last_scheduling_decision: datetime | None
    note: str | None

    @property
    def execution_date(self) -> datetime:
        """Airflow 2's older name for the logical date."""
        return self.logical_date

    def get_task_instances(self, state: Any = None, session: Any = None) -> list[TaskInstanceRecord]:
        """The run's task instances, in the given state(s): Airflow's `DagRun.get_task_instances`."""
        from tradewind.store import task_instances

        states = [state] if isinstance(state, str) else state
        return task_instances.list_task_instances(self.dag_id, self.run_id, states=states)

    def get_task_instance(self, task_id: str, map_index: int = -1, session: Any = None) -> TaskInstanceRecord | None:
        """One task instance of the run, or None: Airflow's `DagRun.get_task_instance`."""
        from tradewind.store import task_instances

        return task_instances.get_task_instance(self.dag_id, self.run_id, task_id, map_index)


@dataclass(frozen=True, slots=True)
class TaskInstanceRecord(_Record):
    id: int
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    state: str
    try_number: int
    max_tries: int
    start_date: datetime | None
    end_date: datetime | None
    duration: float | None
    hostname: str | None
    pid: int | None
    operator: str | None
    pool: str
    pool_slots: int
    queue: str
    priority_weight: int
    queued_dttm: datetime | None
    next_retry_at: datetime | None
    reschedule_at: datetime | None
    log_path: str | None
    rendered_fields: dict[str, Any] | None
    updated_at: datetime | None
    trigger_id: int | None = None
    next_method: str | None = None
    next_kwargs: dict[str, Any] | None = None
    trigger_timeout: datetime | None = None
    note: str | None = None
    queued_by_job_id: int | None = None  # the scheduler job that queued it

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.dag_id, self.run_id, self.task_id, self.map_index)


@dataclass(frozen=True, slots=True)
class Deferral:
    """What a try that deferred leaves behind: its trigger's `serialize()`, where it resumes, its deadline."""

    classpath: str
    trigger_kwargs: dict[str, Any]
    next_method: str
    next_kwargs: dict[str, Any]
    timeout_at: datetime | None


@dataclass(frozen=True, slots=True)
class DatasetEventRecord(_Record):
    """One update of a dataset, as `triggering_dataset_events` hands it to tasks."""

    id: int
    dataset_id: int
    uri: str
    extra: dict[str, Any] | None
    source_dag_id: str | None
    source_task_id: str | None
    source_run_id: str | None
    source_map_index: int | None
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class TriggerRecord(_Record):
    id: int
    classpath: str
    kwargs: dict[str, Any] | None
    created_date: datetime


@dataclass(frozen=True, slots=True)
class TaskTryRecord(_Record):
    """One finished try of a task instance (the UI's list of attempts)."""

    id: int
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    try_number: int
    state: str
    start_date: datetime | None
    end_date: datetime | None
    duration: float | None
    hostname: str | None
    pid: int | None
    log_path: str | None


@dataclass(frozen=True, slots=True)
class XComRecord(_Record):
    """`value` is already decoded (see `tradewind.utils.serde`)."""

    id: int
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    key: str
    value: Any
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class VariableRecord(_Record):
    """`val` is in clear text: the store decrypts it (see `store.variables`)."""

    key: str
    val: str | None
    description: str | None
    is_encrypted: bool


@dataclass(frozen=True, slots=True)
class ConnectionRecord(_Record):
    """`password` and `extra` are in clear text: the store decrypts them (see `store.connections`)."""

    conn_id: str
    conn_type: str
    description: str | None
    host: str | None
    schema: str | None
    login: str | None
    password: str | None
    port: int | None
    extra: str | None
    is_encrypted: bool
    is_extra_encrypted: bool


@dataclass(frozen=True, slots=True)
class ImportErrorRecord(_Record):
    id: int
    filename: str
    lineno: int | None
    message: str | None
    stacktrace: str | None
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class PoolRecord(_Record):
    pool: str
    slots: int
    description: str | None
    include_deferred: bool

    @property
    def unlimited(self) -> bool:
        """Airflow's convention: -1 slots means no limit."""
        return self.slots < 0


@dataclass(frozen=True, slots=True)
class JobRecord(_Record):
    """A scheduler (or other long-running process) and its last sign of life."""

    id: int
    job_type: str
    state: str
    hostname: str | None
    pid: int | None
    executor_class: str | None
    start_date: datetime | None
    end_date: datetime | None
    latest_heartbeat: datetime | None


@dataclass(frozen=True, slots=True)
class EventLogRecord(_Record):
    """One line of the audit log (Airflow's `log` table)."""

    id: int
    dttm: datetime
    dag_id: str | None
    task_id: str | None
    map_index: int | None
    event: str
    execution_date: datetime | None
    run_id: str | None
    owner: str | None
    owner_display_name: str | None
    extra: str | None
    try_number: int | None
