"""Real databases for integration tests: a fresh SQLite file per test, and a PostgreSQL database per session.

`db_url` runs a test once on SQLite and once on PostgreSQL, pointing Tradewind at an empty
database; `migrated_db` is the same database migrated to head. PostgreSQL must listen on
127.0.0.1:5432 (trust auth, user postgres): if it does not, those tests fail with a message
saying so (they are never skipped; `scripts/test.sh` starts the machine's cluster).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_SERVER = os.environ.get("TRADEWIND_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _admin_execute(sql: str) -> None:
    import psycopg

    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database created for this test session (per xdist worker), dropped at the end."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("PostgreSQL tests need psycopg: .venv/bin/pip install 'psycopg[binary]'")
    name = f"tw_test_{uuid.uuid4().hex[:12]}"
    try:
        _admin_execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - turn any connection failure into one clear line
        pytest.fail(f"PostgreSQL is not reachable at {PG_SERVER} ({exc}); start it (scripts/test.sh does)")
    yield f"{PG_SERVER}/{name}"
    from tradewind.store.engine import reset_engine

    reset_engine()
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wipe(url: str) -> None:
    """Drop every table (ours and Alembic's) so the test starts from an empty database."""
    import sqlalchemy as sa

    from tradewind.store.engine import transaction

    with transaction(url) as conn:
        names = sa.inspect(conn).get_table_names()
        if names:
            conn.execute(sa.text("DROP TABLE " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))


def point_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Make Tradewind use `url` from now on (env, config and every cache)."""
    from tradewind.config import conf
    from tradewind.store import migrate
    from tradewind.store.engine import reset_engine

    monkeypatch.setenv("TRADEWIND__DATABASE__SQL_ALCHEMY_CONN", url)
    reset_engine()
    migrate.reset_cache()
    conf.reload()


@pytest.fixture
def point_db(monkeypatch: pytest.MonkeyPatch, tradewind_home: Path):
    """`point_db(url)` re-targets Tradewind at another database for the rest of the test."""

    def point(url: str) -> None:
        point_at(monkeypatch, url)

    yield point
    from tradewind.store.engine import reset_engine

    reset_engine()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tradewind_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database Tradewind is configured to use: SQLite in tmp, or the session's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tradewind_home / 'db' / 'tradewind.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    point_at(monkeypatch, url)
    if request.param == "postgres":
        _wipe(url)
    yield url
    from tradewind.store.engine import reset_engine

    reset_engine()


@pytest.fixture
def migrated_db(db_url: str) -> str:
    """`db_url`, migrated to head."""
    from tradewind.store.migrate import migrate

    migrate()
    return db_url
