"""Alembic environment and revisions for the metadata database."""
