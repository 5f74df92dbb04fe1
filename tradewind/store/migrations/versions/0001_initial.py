"""Initial schema: DAGs, runs, task instances and their tries, XCom, variables, connections, pools.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Written out in full (not imported from models.py) so that this revision stays what it was when
later revisions change the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(250)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def _flag(name: str, default: bool) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true() if default else sa.false())


def _key(*names: str) -> list[sa.Column]:
    return [sa.Column(n, ID, nullable=False) for n in names]


def upgrade() -> None:
    op.create_table(
        "dag",
        sa.Column("dag_id", ID, nullable=False),
        sa.Column("fileloc", sa.String(2000)),
        _flag("is_paused", False),
        _flag("is_active", True),
        sa.Column("description", sa.Text()),
        sa.Column("schedule_summary", sa.String(1000)),
        sa.Column("timetable_description", sa.String(1000)),
        sa.Column("owners", sa.String(2000)),
        sa.Column("tags", sa.Text()),
        sa.Column("max_active_runs", sa.Integer()),
        sa.Column("max_active_tasks", sa.Integer()),
        _ts("next_dagrun"),
        _ts("next_dagrun_data_interval_start"),
        _ts("next_dagrun_data_interval_end"),
        _ts("next_dagrun_create_after"),
        _ts("last_parsed_time"),
        _flag("has_import_errors", False),
        sa.Column("default_view", sa.String(25)),
        sa.PrimaryKeyConstraint("dag_id", name="pk_dag"),
    )
    op.create_table(
        "serialized_dag",
        sa.Column("dag_id", ID, nullable=False),
        sa.Column("fileloc", sa.String(2000)),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("dag_hash", sa.String(64), nullable=False),
        _ts("last_updated", nullable=False),
        sa.PrimaryKeyConstraint("dag_id", name="pk_serialized_dag"),
        sa.ForeignKeyConstraint(["dag_id"], ["dag.dag_id"], name="fk_serialized_dag_dag_id_dag", ondelete="CASCADE"),
    )
    op.create_table(
        "dag_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_key("dag_id", "run_id"),
        _ts("logical_date", nullable=False),
        _ts("data_interval_start"),
        _ts("data_interval_end"),
        sa.Column("run_type", sa.String(50), nullable=False),
        sa.Column("state", sa.String(50), nullable=False),
        sa.Column("conf", sa.Text()),
        _flag("external_trigger", False),
        _ts("queued_at"),
        _ts("start_date"),
        _ts("end_date"),
        _ts("last_scheduling_decision"),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_dag_run"),
        sa.UniqueConstraint("dag_id", "run_id", name="uq_dag_run_dag_id_run_id"),
        sa.UniqueConstraint("dag_id", "logical_date", name="uq_dag_run_dag_id_logical_date"),
    )
    op.create_index("ix_dag_run_dag_id_state", "dag_run", ["dag_id", "state"])
    op.create_index("ix_dag_run_state", "dag_run", ["state"])

    op.create_table(
        "task_instance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_key("dag_id", "run_id", "task_id"),
        sa.Column("map_index", sa.Integer(), nullable=False, server_default=sa.text("-1")),
        sa.Column("state", sa.String(20), nullable=False, server_default="none"),
        sa.Column("try_number", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("max_tries", sa.Integer(), nullable=False, server_default=sa.text("0")),
        _ts("start_date"),
        _ts("end_date"),
        sa.Column("duration", sa.Float()),
        sa.Column("hostname", sa.String(1000)),
        sa.Column("pid", sa.Integer()),
        sa.Column("operator", sa.String(1000)),
        sa.Column("pool", sa.String(256), nullable=False, server_default="default_pool"),
        sa.Column("pool_slots", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("queue", sa.String(256), nullable=False, server_default="default"),
        sa.Column("priority_weight", sa.Integer(), nullable=False, server_default=sa.text("1")),
        _ts("queued_dttm"),
        _ts("next_retry_at"),
        _ts("reschedule_at"),
        sa.Column("log_path", sa.Text()),
        sa.Column("rendered_fields", sa.Text()),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_task_instance"),
        sa.UniqueConstraint(
            "dag_id", "run_id", "task_id", "map_index", name="uq_task_instance_dag_id_run_id_task_id_map_index"
        ),
    )
    op.create_index("ix_task_instance_dag_id_run_id_state", "task_instance", ["dag_id", "run_id", "state"])
    op.create_index("ix_task_instance_state", "task_instance", ["state"])
    op.create_index("ix_task_instance_pool_state", "task_instance", ["pool", "state"])

    op.create_table(
        "task_try",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_key("dag_id", "run_id", "task_id"),
        sa.Column("map_index", sa.Integer(), nullable=False, server_default=sa.text("-1")),
        sa.Column("try_number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        _ts("start_date"),
        _ts("end_date"),
        sa.Column("duration", sa.Float()),
        sa.Column("hostname", sa.String(1000)),
        sa.Column("pid", sa.Integer()),
        sa.Column("log_path", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_task_try"),
        sa.UniqueConstraint(
            "dag_id",
            "run_id",
            "task_id",
            "map_index",
            "try_number",
            name="uq_task_try_dag_id_run_id_task_id_map_index_try_number",
        ),
    )
    op.create_table(
        "xcom",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_key("dag_id", "run_id", "task_id"),
        sa.Column("map_index", sa.Integer(), nullable=False, server_default=sa.text("-1")),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("value", sa.Text()),
        _ts("timestamp", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_xcom"),
        sa.UniqueConstraint(
            "dag_id", "run_id", "task_id", "map_index", "key", name="uq_xcom_dag_id_run_id_task_id_map_index_key"
        ),
    )
    op.create_index("ix_xcom_dag_id_run_id_task_id", "xcom", ["dag_id", "run_id", "task_id"])

    op.create_table(
        "variable",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", ID, nullable=False),
        sa.Column("val", sa.Text()),
        sa.Column("description", sa.Text()),
        _flag("is_encrypted", False),
        sa.PrimaryKeyConstraint("id", name="pk_variable"),
        sa.UniqueConstraint("key", name="uq_variable_key"),
    )
    op.create_table(
        "connection",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conn_id", ID, nullable=False),
        sa.Column("conn_type", sa.String(500), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("host", sa.String(500)),
        sa.Column("schema", sa.String(500)),
        sa.Column("login", sa.Text()),
        sa.Column("password", sa.Text()),
        sa.Column("port", sa.Integer()),
        sa.Column("extra", sa.Text()),
        _flag("is_encrypted", False),
        _flag("is_extra_encrypted", False),
        sa.PrimaryKeyConstraint("id", name="pk_connection"),
        sa.UniqueConstraint("conn_id", name="uq_connection_conn_id"),
    )
    op.create_table(
        "import_error",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("filename", sa.String(2000), nullable=False),
        sa.Column("lineno", sa.Integer()),
        sa.Column("message", sa.Text()),
        sa.Column("stacktrace", sa.Text()),
        _ts("timestamp", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_error"),
    )
    op.create_index("ix_import_error_filename", "import_error", ["filename"])

    pools = op.create_table(
        "slot_pool",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pool", sa.String(256), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text()),
        _flag("include_deferred", False),
        sa.PrimaryKeyConstraint("id", name="pk_slot_pool"),
        sa.UniqueConstraint("pool", name="uq_slot_pool_pool"),
    )
    op.bulk_insert(
        pools,
        [
            {
                "pool": "default_pool",
                "slots": _default_pool_slots(),
                "description": "Default pool",
                "include_deferred": False,
            }
        ],
    )


def _default_pool_slots() -> int:
    """Airflow seeds the default pool from [core] default_pool_task_slot_count."""
    from tradewind.config import conf

    return conf.getint("core", "default_pool_task_slot_count", fallback=128)


def downgrade() -> None:
    for table in (
        "slot_pool",
        "import_error",
        "connection",
        "variable",
        "xcom",
        "task_try",
        "task_instance",
        "dag_run",
        "serialized_dag",
        "dag",
    ):
        op.drop_table(table)
