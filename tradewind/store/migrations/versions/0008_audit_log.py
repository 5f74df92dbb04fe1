"""The audit log: Airflow's `log` table (who did what, when, from where); a task instance's note;
the DAG columns the REST API lists (schedule_interval, has_task_concurrency_limits, dag_display_name).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_instance") as batch:
        batch.add_column(sa.Column("note", sa.Text()))
    with op.batch_alter_table("dag") as batch:
        batch.add_column(sa.Column("schedule_interval", sa.Text()))
        batch.add_column(sa.Column("has_task_concurrency_limits", sa.Boolean()))
        batch.add_column(sa.Column("dag_display_name", sa.String(2000)))
    op.create_table(
        "log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dttm", sa.DateTime(), nullable=False),
        sa.Column("dag_id", sa.String(250)),
        sa.Column("task_id", sa.String(250)),
        sa.Column("map_index", sa.Integer()),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("execution_date", sa.DateTime()),
        sa.Column("run_id", sa.String(250)),
        sa.Column("owner", sa.String(500)),
        sa.Column("owner_display_name", sa.String(500)),
        sa.Column("extra", sa.Text()),
        sa.Column("try_number", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_log"),
    )
    op.create_index("ix_log_dttm", "log", ["dttm"])
    op.create_index("ix_log_dag_id_dttm", "log", ["dag_id", "dttm"])
    op.create_index("ix_log_event_dttm", "log", ["event", "dttm"])


def downgrade() -> None:
    with op.batch_alter_table("task_instance") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("dag") as batch:
        for name in ("schedule_interval", "has_task_concurrency_limits", "dag_display_name"):
            batch.drop_column(name)
    op.drop_table("log")
