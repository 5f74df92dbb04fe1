"""An index on `serialized_dag (dag_id, dag_hash)`, so the scheduler's check "did any DAG change?"
reads the index alone: on SQLite the hash sits after the serialized blob, and reading it walked
each blob's overflow pages (~900 KB for a DAG of 1,000 tasks) at every sweep and trigger.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_serialized_dag_dag_id_dag_hash", "serialized_dag", ["dag_id", "dag_hash"])


def downgrade() -> None:
    op.drop_index("ix_serialized_dag_dag_id_dag_hash", table_name="serialized_dag")
