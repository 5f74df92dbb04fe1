"""Scheduler: job heartbeats, sensor reschedules, DAG file state (change detection, source code).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(250)


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_type", sa.String(30), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("hostname", sa.String(1000)),
        sa.Column("pid", sa.Integer()),
        sa.Column("executor_class", sa.String(500)),
        sa.Column("start_date", sa.DateTime()),
        sa.Column("end_date", sa.DateTime()),
        sa.Column("latest_heartbeat", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
    )
    op.create_index("ix_job_job_type_state_latest_heartbeat", "job", ["job_type", "state", "latest_heartbeat"])
    op.create_table(
        "task_reschedule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *(sa.Column(n, ID, nullable=False) for n in ("dag_id", "run_id", "task_id")),
        sa.Column("map_index", sa.Integer(), nullable=False, server_default=sa.text("-1")),
        sa.Column("try_number", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.DateTime(), nullable=False),
        sa.Column("end_date", sa.DateTime(), nullable=False),
        sa.Column("duration", sa.Float()),
        sa.Column("reschedule_date", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_task_reschedule"),
    )
    op.create_index(
        "ix_task_reschedule_dag_id_run_id_task_id_map_index_try_number",
        "task_reschedule",
        ["dag_id", "run_id", "task_id", "map_index", "try_number"],
    )
    op.create_table(
        "dag_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fileloc", sa.String(2000), nullable=False),
        sa.Column("fileloc_hash", sa.String(64), nullable=False),
        sa.Column("mtime", sa.Float()),
        sa.Column("size", sa.Integer()),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("dag_ids", sa.Text()),
        sa.Column("last_parsed", sa.DateTime()),
        sa.Column("parse_duration", sa.Float()),
        sa.Column("source_code", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_dag_file"),
        sa.UniqueConstraint("fileloc_hash", name="uq_dag_file_fileloc_hash"),
    )


def downgrade() -> None:
    for table in ("dag_file", "task_reschedule", "job"):
        op.drop_table(table)
