"""Users and roles for the web UI and REST API.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ab_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(256), nullable=False),
        sa.Column("first_name", sa.String(256), nullable=False),
        sa.Column("last_name", sa.String(256), nullable=False),
        sa.Column("email", sa.String(512), nullable=False),
        sa.Column("password", sa.String(256)),
        sa.Column("roles", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_on", sa.DateTime()),
        sa.Column("changed_on", sa.DateTime()),
        sa.Column("last_login", sa.DateTime()),
        sa.Column("login_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("fail_login_count", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_ab_user"),
        sa.UniqueConstraint("username", name="uq_ab_user_username"),
    )


def downgrade() -> None:
    op.drop_table("ab_user")
