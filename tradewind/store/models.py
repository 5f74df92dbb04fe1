"""The metadata schema as SQLAlchemy Core tables: the single description migrations are checked against.

Core, not ORM: the store hands out frozen records (`records.py`), never objects that write
themselves back. Names follow Airflow's tables and columns so that people who know Airflow's
metadata database can read this one.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

ID_LEN = 250  # Airflow's limit for dag_id / task_id / run_id


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; naive UTC in the column on every backend.

    A naive datetime is refused: it is the classic source of runs shifted by a timezone offset.
    """

    impl = sa.DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the database: use an aware (UTC) datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc)
        return value.replace(tzinfo=timezone.utc)


class JsonText(TypeDecorator[Any]):
    """Plain JSON stored as TEXT (same bytes on SQLite and PostgreSQL; no JSONB semantics needed)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(value)


class SerdeText(TypeDecorator[Any]):
    """JSON with Tradewind's tagged types (tuples, datetimes, …) for values taken from task code."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        from tradewind.utils import serde

        return None if value is None else serde.dumps(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        from tradewind.utils import serde

        return None if value is None else serde.loads(value)


def _id(name: str, **kw: Any) -> sa.Column[str]:
    return sa.Column(name, sa.String(ID_LEN), nullable=False, **kw)


def _ti_key() -> tuple[sa.Column[Any], ...]:
    """The columns naming one task instance, which every per-instance table starts with."""
    map_index = sa.Column("map_index", sa.Integer, nullable=False, default=-1, server_default=sa.text("-1"))
    return (_id("dag_id"), _id("run_id"), _id("task_id"), map_index)


def _bool(name: str, default: bool) -> sa.Column[bool]:
    server_default = sa.true() if default else sa.false()
    return sa.Column(name, sa.Boolean, nullable=False, default=default, server_default=server_default)


dag = sa.Table(
    "dag",
    metadata,
    _id("dag_id", primary_key=True),
    sa.Column("fileloc", sa.String(2000)),
    _bool("is_paused", False),
    _bool("is_active", True),
    sa.Column("description", sa.Text),
    sa.Column("schedule_summary", sa.String(1000)),
    sa.Column("timetable_description", sa.String(1000)),
    sa.Column("owners", sa.String(2000)),
    sa.Column("tags", JsonText),
    sa.Column("max_active_runs", sa.Integer),
    sa.Column("max_active_tasks", sa.Integer),
    sa.Column("next_dagrun", UtcDateTime),
    sa.Column("next_dagrun_data_interval_start", UtcDateTime),
    sa.Column("next_dagrun_data_interval_end", UtcDateTime),
    sa.Column("next_dagrun_create_after", UtcDateTime),
    sa.Column("last_parsed_time", UtcDateTime),
    _bool("has_import_errors", False),
    sa.Column("default_view", sa.String(25)),
    # revision 0008: what the REST API shows of a DAG without reading its serialized form
    sa.Column("schedule_interval", JsonText),  # Airflow's API shape: {"__type": "CronExpression", …} or null
    sa.Column("has_task_concurrency_limits", sa.Boolean),
    sa.Column("dag_display_name", sa.String(2000)),
)

serialized_dag = sa.Table(
    "serialized_dag",
    metadata,
    _id("dag_id", primary_key=True),
    sa.Column("fileloc", sa.String(2000)),
    sa.Column("data", JsonText, nullable=False),
    sa.Column("dag_hash", sa.String(64), nullable=False),
    sa.Column("last_updated", UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(["dag_id"], ["dag.dag_id"], ondelete="CASCADE"),
    sa.Index(None, "dag_id", "dag_hash"),  # the hashes alone, without reading the blobs (revision 0011)
)

dag_run = sa.Table(
    "dag_run",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("dag_id"),
    _id("run_id"),
    sa.Column("logical_date", UtcDateTime, nullable=False),
    sa.Column("data_interval_start", UtcDateTime),
    sa.Column("data_interval_end", UtcDateTime),
    sa.Column("run_type", sa.String(50), nullable=False),
    sa.Column("state", sa.String(50), nullable=False),
    sa.Column("conf", JsonText),
    _bool("external_trigger", False),
    sa.Column("queued_at", UtcDateTime),
    sa.Column("start_date", UtcDateTime),
    sa.Column("end_date", UtcDateTime),
    sa.Column("last_scheduling_decision", UtcDateTime),
    sa.Column("note", sa.Text),
    sa.UniqueConstraint("dag_id", "run_id"),
    sa.UniqueConstraint("dag_id", "logical_date"),
    sa.Index(None, "dag_id", "state"),
    sa.Index(None, "state"),
)

task_instance = sa.Table(
    "task_instance",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *_ti_key(),
    sa.Column("state", sa.String(20), nullable=False, default="none", server_default="none"),
    sa.Column("try_number", sa.Integer, nullable=False, default=0, server_default=sa.text("0")),
    sa.Column("max_tries", sa.Integer, nullable=False, default=0, server_default=sa.text("0")),
    sa.Column("start_date", UtcDateTime),
    sa.Column("end_date", UtcDateTime),
    sa.Column("duration", sa.Float),
    sa.Column("hostname", sa.String(1000)),
    sa.Column("pid", sa.Integer),
    sa.Column("operator", sa.String(1000)),
    sa.Column("pool", sa.String(256), nullable=False, default="default_pool", server_default="default_pool"),
    sa.Column("pool_slots", sa.Integer, nullable=False, default=1, server_default=sa.text("1")),
    sa.Column("queue", sa.String(256), nullable=False, default="default", server_default="default"),
    sa.Column("priority_weight", sa.Integer, nullable=False, default=1, server_default=sa.text("1")),
    sa.Column("queued_dttm", UtcDateTime),
    sa.Column("queued_by_job_id", sa.Integer),  # the scheduler's job: another adopts its queue if it dies
    sa.Column("next_retry_at", UtcDateTime),
    sa.Column("reschedule_at", UtcDateTime),
    sa.Column("log_path", sa.Text),
    sa.Column("rendered_fields", SerdeText),
    sa.Column("updated_at", UtcDateTime),
    # a deferred try: the trigger it waits on, where it resumes (`next_kwargs` gets the event), its deadline
    sa.Column("trigger_id", sa.Integer),
    sa.Column("next_method", sa.String(1000)),
    sa.Column("next_kwargs", SerdeText),
    sa.Column("trigger_timeout", UtcDateTime),
    sa.Column("note", sa.Text),  # revision 0008
    sa.UniqueConstraint("dag_id", "run_id", "task_id", "map_index"),
    sa.Index(None, "dag_id", "run_id", "state"),
    sa.Index(None, "state"),
    sa.Index(None, "pool", "state"),
)

task_try = sa.Table(
    "task_try",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *_ti_key(),
    sa.Column("try_number", sa.Integer, nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("start_date", UtcDateTime),
    sa.Column("end_date", UtcDateTime),
    sa.Column("duration", sa.Float),
    sa.Column("hostname", sa.String(1000)),
    sa.Column("pid", sa.Integer),
    sa.Column("log_path", sa.Text),
    sa.UniqueConstraint("dag_id", "run_id", "task_id", "map_index", "try_number"),
)

xcom = sa.Table(
    "xcom",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *_ti_key(),
    sa.Column("key", sa.String(512), nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("timestamp", UtcDateTime, nullable=False),
    sa.UniqueConstraint("dag_id", "run_id", "task_id", "map_index", "key"),
    sa.Index(None, "dag_id", "run_id", "task_id"),
)

variable = sa.Table(
    "variable",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(ID_LEN), nullable=False, unique=True),
    sa.Column("val", sa.Text),
    sa.Column("description", sa.Text),
    _bool("is_encrypted", False),
)

connection = sa.Table(
    "connection",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conn_id", sa.String(ID_LEN), nullable=False, unique=True),
    sa.Column("conn_type", sa.String(500), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("host", sa.String(500)),
    sa.Column("schema", sa.String(500)),
    sa.Column("login", sa.Text),
    sa.Column("password", sa.Text),
    sa.Column("port", sa.Integer),
    sa.Column("extra", sa.Text),
    _bool("is_encrypted", False),
    _bool("is_extra_encrypted", False),
)

import_error = sa.Table(
    "import_error",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("filename", sa.String(2000), nullable=False),
    sa.Column("lineno", sa.Integer),
    sa.Column("message", sa.Text),
    sa.Column("stacktrace", sa.Text),
    sa.Column("timestamp", UtcDateTime, nullable=False),
    sa.Index(None, "filename"),
)

slot_pool = sa.Table(
    "slot_pool",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("pool", sa.String(256), nullable=False, unique=True),
    sa.Column("slots", sa.Integer, nullable=False),
    sa.Column("description", sa.Text),
    _bool("include_deferred", False),
)

DEFAULT_POOL = "default_pool"

# --- scheduler (revision 0002) ----------------------------------------------------------------

job = sa.Table(
    "job",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_type", sa.String(30), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("hostname", sa.String(1000)),
    sa.Column("pid", sa.Integer),
    sa.Column("executor_class", sa.String(500)),
    sa.Column("start_date", UtcDateTime),
    sa.Column("end_date", UtcDateTime),
    sa.Column("latest_heartbeat", UtcDateTime),
    sa.Index(None, "job_type", "state", "latest_heartbeat"),
)
"""One row per scheduler / dag-processor / webserver process: heartbeats tell who is alive."""

trigger = sa.Table(
    "trigger",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("classpath", sa.String(1000), nullable=False),
    sa.Column("kwargs", SerdeText),
    sa.Column("created_date", UtcDateTime, nullable=False),
)
"""What a deferred task instance waits on: the trigger's `serialize()`, rebuilt and run by the triggerer."""

task_reschedule = sa.Table(
    "task_reschedule",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    *_ti_key(),
    sa.Column("try_number", sa.Integer, nullable=False),
    sa.Column("start_date", UtcDateTime, nullable=False),
    sa.Column("end_date", UtcDateTime, nullable=False),
    sa.Column("duration", sa.Float),
    sa.Column("reschedule_date", UtcDateTime, nullable=False),
    sa.Index(None, "dag_id", "run_id", "task_id", "map_index", "try_number"),
)
"""A sensor in reschedule mode leaves one row per poke: its first row starts the sensor's timeout."""

dag_file = sa.Table(
    "dag_file",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fileloc", sa.String(2000), nullable=False),
    sa.Column("fileloc_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("mtime", sa.Float),
    sa.Column("size", sa.Integer),
    sa.Column("content_hash", sa.String(64)),
    sa.Column("dag_ids", JsonText),
    sa.Column("last_parsed", UtcDateTime),
    sa.Column("parse_duration", sa.Float),
    sa.Column("source_code", sa.Text),
)
"""What the DAG processor last saw of each file: change detection, and the code shown in the UI."""

# --- datasets (revision 0003) --------------------------------------------------------------------

dataset = sa.Table(
    "dataset",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uri", sa.String(3000), nullable=False, unique=True),
    sa.Column("extra", JsonText),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
"""Every dataset a DAG is scheduled on or a task produces (rows are kept: events point at them)."""

dataset_event = sa.Table(
    "dataset_event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, nullable=False),
    sa.Column("extra", JsonText),
    sa.Column("source_dag_id", sa.String(ID_LEN)),
    sa.Column("source_task_id", sa.String(ID_LEN)),
    sa.Column("source_run_id", sa.String(ID_LEN)),
    sa.Column("source_map_index", sa.Integer, server_default=sa.text("-1")),
    sa.Column("timestamp", UtcDateTime, nullable=False),
    sa.Index(None, "dataset_id", "timestamp"),
)
"""One row per successful task try that updated a dataset (its outlet)."""

dag_schedule_dataset_reference = sa.Table(
    "dag_schedule_dataset_reference",
    metadata,
    sa.Column("dataset_id", sa.Integer, primary_key=True),
    _id("dag_id", primary_key=True),
    sa.Index(None, "dag_id"),
)
"""Which DAGs are scheduled on which datasets (from the serialized DAGs, rewritten on change)."""

task_outlet_dataset_reference = sa.Table(
    "task_outlet_dataset_reference",
    metadata,
    sa.Column("dataset_id", sa.Integer, primary_key=True),
    _id("dag_id", primary_key=True),
    _id("task_id", primary_key=True),
    sa.Index(None, "dag_id"),
)
"""Which tasks produce which datasets (for listings; events come from the task's own outlets)."""

dataset_alias = sa.Table(
    "dataset_alias",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(3000), nullable=False, unique=True),
)
"""Every DatasetAlias a DAG is scheduled on or a task emitted through (revision 0010)."""

dataset_alias_dataset = sa.Table(
    "dataset_alias_dataset",
    metadata,
    sa.Column("alias_id", sa.Integer, primary_key=True),
    sa.Column("dataset_id", sa.Integer, primary_key=True),
    sa.Index(None, "dataset_id"),
)
"""What an alias resolved to: a dataset a task once added through it (Airflow's table of the same name)."""

dataset_alias_dataset_event = sa.Table(
    "dataset_alias_dataset_event",
    metadata,
    sa.Column("alias_id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Index(None, "event_id"),
)
"""Which events were emitted through which alias (`inlet_events[DatasetAlias(...)]`)."""

dag_schedule_dataset_alias_reference = sa.Table(
    "dag_schedule_dataset_alias_reference",
    metadata,
    sa.Column("alias_id", sa.Integer, primary_key=True),
    _id("dag_id", primary_key=True),
    sa.Index(None, "dag_id"),
)
"""Which DAGs are scheduled on which aliases (from the serialized DAGs, rewritten on change)."""

dataset_dag_run_queue = sa.Table(
    "dataset_dag_run_queue",
    metadata,
    sa.Column("dataset_id", sa.Integer, primary_key=True),
    _id("target_dag_id", primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "target_dag_id"),
)
"""A dataset updated since the target DAG's last dataset-triggered run; consumed when the run is created."""

dagrun_dataset_event = sa.Table(
    "dagrun_dataset_event",
    metadata,
    sa.Column("dag_run_id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Index(None, "event_id"),
)
"""The events that triggered a dataset-triggered run (its `triggering_dataset_events`)."""

# --- users (revision 0004) ---------------------------------------------------------------------

ab_user = sa.Table(
    "ab_user",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(256), nullable=False, unique=True),
    sa.Column("first_name", sa.String(256), nullable=False),
    sa.Column("last_name", sa.String(256), nullable=False),
    sa.Column("email", sa.String(512), nullable=False),
    sa.Column("password", sa.String(256)),
    sa.Column("roles", JsonText),
    _bool("active", True),
    sa.Column("created_on", UtcDateTime),
    sa.Column("changed_on", UtcDateTime),
    sa.Column("last_login", UtcDateTime),
    sa.Column("login_count", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("fail_login_count", sa.Integer, nullable=False, server_default=sa.text("0")),
)
"""Web UI / REST API users (Airflow's table name); `roles` is a JSON list of role names."""

# --- web sessions (revision 0006) --------------------------------------------------------------

web_session = sa.Table(
    "web_session",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
    sa.Index(None, "user_id"),
)
"""The UI's live sessions: `id` is the SHA-256 of the token in the signed cookie (the token itself is never
stored). Signing out deletes the row, so a copied cookie stops working at once, not when it expires."""

# --- audit log (revision 0008) -----------------------------------------------------------------

log = sa.Table(
    "log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dttm", UtcDateTime, nullable=False),
    sa.Column("dag_id", sa.String(ID_LEN)),
    sa.Column("task_id", sa.String(ID_LEN)),
    sa.Column("map_index", sa.Integer),
    sa.Column("event", sa.String(60), nullable=False),
    sa.Column("execution_date", UtcDateTime),
    sa.Column("run_id", sa.String(ID_LEN)),
    sa.Column("owner", sa.String(500)),
    sa.Column("owner_display_name", sa.String(500)),
    sa.Column("extra", sa.Text),
    sa.Column("try_number", sa.Integer),
    sa.Index(None, "dttm"),
    sa.Index(None, "dag_id", "dttm"),
    sa.Index(None, "event", "dttm"),
)
"""Airflow's event log: who (`owner`) did what (`event`, `extra`) to which DAG, run or task, when, and
from where (`extra` holds a JSON object with `via` — ui, api or cli — and the client address)."""
