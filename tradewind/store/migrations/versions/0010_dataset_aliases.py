"""Dataset aliases: what each alias resolved to, events emitted through one, DAGs scheduled on one.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.String(250)


def upgrade() -> None:
    op.create_table(
        "dataset_alias",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(3000), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dataset_alias"),
        sa.UniqueConstraint("name", name="uq_dataset_alias_name"),
    )
    op.create_table(
        "dataset_alias_dataset",
        sa.Column("alias_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("alias_id", "dataset_id", name="pk_dataset_alias_dataset"),
    )
    op.create_index("ix_dataset_alias_dataset_dataset_id", "dataset_alias_dataset", ["dataset_id"])
    op.create_table(
        "dataset_alias_dataset_event",
        sa.Column("alias_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("alias_id", "event_id", name="pk_dataset_alias_dataset_event"),
    )
    op.create_index("ix_dataset_alias_dataset_event_event_id", "dataset_alias_dataset_event", ["event_id"])
    op.create_table(
        "dag_schedule_dataset_alias_reference",
        sa.Column("alias_id", sa.Integer(), nullable=False),
        sa.Column("dag_id", ID, nullable=False),
        sa.PrimaryKeyConstraint("alias_id", "dag_id", name="pk_dag_schedule_dataset_alias_reference"),
    )
    op.create_index(
        "ix_dag_schedule_dataset_alias_reference_dag_id", "dag_schedule_dataset_alias_reference", ["dag_id"]
    )


def downgrade() -> None:
    for table in (
        "dag_schedule_dataset_alias_reference",
        "dataset_alias_dataset_event",
        "dataset_alias_dataset",
        "dataset_alias",
    ):
        op.drop_table(table)
