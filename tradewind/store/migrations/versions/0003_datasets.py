"""Datasets: data-aware scheduling (datasets, their events, DAGs scheduled on them, queued triggers).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(250)


def upgrade() -> None:
    op.create_table(
        "dataset",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uri", sa.String(3000), nullable=False),
        sa.Column("extra", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dataset"),
        sa.UniqueConstraint("uri", name="uq_dataset_uri"),
    )
    op.create_table(
        "dataset_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text()),
        sa.Column("source_dag_id", ID),
        sa.Column("source_task_id", ID),
        sa.Column("source_run_id", ID),
        sa.Column("source_map_index", sa.Integer(), server_default=sa.text("-1")),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dataset_event"),
    )
    op.create_index("ix_dataset_event_dataset_id_timestamp", "dataset_event", ["dataset_id", "timestamp"])
    op.create_table(
        "dag_schedule_dataset_reference",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("dag_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "dag_id", name="pk_dag_schedule_dataset_reference"),
    )
    op.create_index("ix_dag_schedule_dataset_reference_dag_id", "dag_schedule_dataset_reference", ["dag_id"])
    op.create_table(
        "task_outlet_dataset_reference",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("dag_id", ID, nullable=False),
        sa.Column("task_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "dag_id", "task_id", name="pk_task_outlet_dataset_reference"),
    )
    op.create_index("ix_task_outlet_dataset_reference_dag_id", "task_outlet_dataset_reference", ["dag_id"])
    op.create_table(
        "dataset_dag_run_queue",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("target_dag_id", ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "target_dag_id", name="pk_dataset_dag_run_queue"),
    )
    op.create_index("ix_dataset_dag_run_queue_target_dag_id", "dataset_dag_run_queue", ["target_dag_id"])
    op.create_table(
        "dagrun_dataset_event",
        sa.Column("dag_run_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dag_run_id", "event_id", name="pk_dagrun_dataset_event"),
    )
    op.create_index("ix_dagrun_dataset_event_event_id", "dagrun_dataset_event", ["event_id"])


def downgrade() -> None:
    for table in (
        "dagrun_dataset_event",
        "dataset_dag_run_queue",
        "task_outlet_dataset_reference",
        "dag_schedule_dataset_reference",
        "dataset_event",
        "dataset",
    ):
        op.drop_table(table)
