"""Variable values encrypted at rest, as connection passwords are: encrypt the values stored in clear.

The `is_encrypted` column has been in `variable` since 0001 (always false until now), so this
revision only encrypts existing values, with `[core] fernet_key` (one is created if none is
configured, as when the first connection is saved; without one they stay in clear).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_variable = sa.table(
    "variable",
    sa.column("id", sa.Integer()),
    sa.column("key", sa.String()),
    sa.column("val", sa.Text()),
    sa.column("is_encrypted", sa.Boolean()),
)


def upgrade() -> None:
    from tradewind.store.encrypted import reencrypt
    from tradewind.store.variables import VALUE

    if context.is_offline_mode():  # a SQL script cannot read rows: `tradewind rotate-fernet-key` encrypts them later
        return
    reencrypt(op.get_bind(), _variable, (VALUE,))


def downgrade() -> None:
    from tradewind.store.variables import VALUE

    if context.is_offline_mode():
        return
    conn = op.get_bind()
    for row in conn.execute(sa.select(_variable).where(_variable.c.is_encrypted == sa.true())).all():
        clear = {"val": VALUE.read(row), "is_encrypted": False}
        conn.execute(sa.update(_variable).where(_variable.c.id == row.id).values(**clear))
