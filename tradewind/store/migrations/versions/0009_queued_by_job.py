"""Several schedulers: `task_instance.queued_by_job_id`, so a live scheduler adopts a dead one's queue.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_instance") as batch:
        batch.add_column(sa.Column("queued_by_job_id", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("task_instance") as batch:
        batch.drop_column("queued_by_job_id")
