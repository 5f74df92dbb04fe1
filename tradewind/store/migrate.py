"""Bring the schema to head (`db migrate`), report it (`db check`), wipe it (`db reset`), and gate commands.

Alembic is configured in code: no alembic.ini is needed at run time. Every upgrade runs inside
one write transaction that first takes a lock (an advisory lock on PostgreSQL, `BEGIN IMMEDIATE`
on SQLite), so two processes starting on an empty database cannot both create the tables.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.exceptions import DatabaseError, DatabaseNotMigrated
from tradewind.store.schema_version import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
_LOCK_KEY = 0x7472_6164  # "trad": any constant shared by every Tradewind process

#: URLs whose schema this process has already found at head.
_ready: set[str] = set()


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where the database's schema is, and whether it is the one this Tradewind needs."""

    current: str | None
    head: str
    ok: bool
    empty: bool = False


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic Config built in code; `connection` lets the upgrade share our transaction."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    cfg.attributes["url"] = url
    return cfg


def alembic_head() -> str | None:
    """The head revision according to the migration scripts (what HEAD_REVISION must equal)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _url(url: str | None) -> str:
    from tradewind.store.engine import database_url

    return url or database_url()


def _lock(conn: Connection) -> None:
    import sqlalchemy as sa

    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _current(conn: Connection) -> str | None:
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _upgrade(conn: Connection) -> tuple[str | None, str | None]:
    """Upgrade on `conn` (inside the caller's transaction), quietly: auto-migrate must not chatter."""
    from alembic import command
    from alembic.util import CommandError

    before = _current(conn)
    if before != HEAD_REVISION:
        alembic_log = logging.getLogger("alembic")
        level = alembic_log.level
        alembic_log.setLevel(logging.WARNING)
        try:
            command.upgrade(alembic_config(conn), "head")
        except CommandError as exc:  # e.g. a revision from a newer Tradewind
            raise DatabaseError(f"cannot migrate the database (schema at {before}): {exc}") from None
        finally:
            alembic_log.setLevel(level)
    return before, _current(conn)


def migrate(url: str | None = None) -> tuple[str | None, str | None]:
    """Upgrade to head; returns (revision before, revision after). None means an empty database."""
    from tradewind.store.engine import transaction

    url = _url(url)
    with transaction(url) as conn:
        _lock(conn)
        before, after = _upgrade(conn)
    _ready.discard(url)
    return before, after


def check(url: str | None = None) -> SchemaStatus:
    """The schema's revision, read with two cheap queries (no Alembic import)."""
    import sqlalchemy as sa

    from tradewind.store.engine import session

    with session(_url(url)) as conn:
        names = set(sa.inspect(conn).get_table_names())
        current = None
        if VERSION_TABLE in names:
            current = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return SchemaStatus(current=current, head=HEAD_REVISION, ok=current == HEAD_REVISION, empty=not names)


def reset(url: str | None = None) -> tuple[str | None, str | None]:
    """Drop every Tradewind table (and Alembic's) and migrate again, in one transaction."""
    import sqlalchemy as sa

    from tradewind.store.cleanup import ARCHIVE_PREFIX
    from tradewind.store.engine import transaction
    from tradewind.store.models import metadata

    url = _url(url)
    _ready.discard(url)
    with transaction(url) as conn:
        _lock(conn)
        metadata.drop_all(conn)
        for name in sa.inspect(conn).get_table_names():
            if name.startswith(ARCHIVE_PREFIX):  # what `db clean` archived goes too
                sa.Table(name, sa.MetaData()).drop(conn)
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
        result = _upgrade(conn)
    return result


def ensure_ready(url: str | None = None) -> None:
    """Called by every command that needs the database: auto-migrate an empty one, refuse an old one.

    Free after the first success in a process (the answer is cached per URL).
    """
    from tradewind.config import conf

    url = _url(url)
    if url in _ready:
        return
    status = check(url)
    if not status.ok:
        if status.current is None and status.empty and conf.getboolean("database", "auto_migrate"):
            migrate(url)
        else:
            where = status.current or ("nothing (empty database)" if status.empty else "nothing (no version table)")
            raise DatabaseNotMigrated(
                f"database schema is at {where}, this Tradewind needs {status.head}: run `tradewind db migrate`"
            )
    _ready.add(url)


def reset_cache() -> None:
    """Forget which databases were found ready (tests point at a new database per test)."""
    _ready.clear()


def make_revision(message: str, *, autogenerate: bool = True) -> None:
    """For developers: write the next `versions/NNNN_<slug>.py`, diffed against models.py.

    Remember to bump `schema_version.HEAD_REVISION` and to review the generated file.
    """
    from alembic import command

    rev_id = f"{int(HEAD_REVISION) + 1:04d}"
    command.revision(alembic_config(url=_url(None)), message=message, autogenerate=autogenerate, rev_id=rev_id)
