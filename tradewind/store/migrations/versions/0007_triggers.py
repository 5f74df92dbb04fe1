"""Deferrable tasks: the `trigger` table and a task instance's deferral columns.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ("trigger_id", "next_method", "next_kwargs", "trigger_timeout")


def upgrade() -> None:
    op.create_table(
        "trigger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("classpath", sa.String(1000), nullable=False),
        sa.Column("kwargs", sa.Text()),
        sa.Column("created_date", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trigger"),
    )
    with op.batch_alter_table("task_instance") as batch:
        batch.add_column(sa.Column("trigger_id", sa.Integer()))
        batch.add_column(sa.Column("next_method", sa.String(1000)))
        batch.add_column(sa.Column("next_kwargs", sa.Text()))
        batch.add_column(sa.Column("trigger_timeout", sa.DateTime()))


def downgrade() -> None:
    with op.batch_alter_table("task_instance") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
    op.drop_table("trigger")
