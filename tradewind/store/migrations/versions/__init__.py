"""Alembic revisions, applied in order by `tradewind db migrate`."""
