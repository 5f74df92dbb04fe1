"""Alembic environment: runs on a connection handed over by `tradewind.store.migrate`.

`migrate.py` builds the Alembic Config in code (no alembic.ini) and passes either an open
connection (`config.attributes["connection"]`, so the upgrade shares its transaction and lock)
or a URL (`config.attributes["url"]`, for offline SQL generation).
"""

from __future__ import annotations

from alembic import context

from tradewind.store.models import metadata

config = context.config


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def run_offline() -> None:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    _configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from tradewind.store.engine import transaction

    with transaction(config.attributes.get("url")) as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
