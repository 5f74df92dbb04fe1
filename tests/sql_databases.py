"""Real databases for the SQL provider tests: a PostgreSQL and a MariaDB database created per use, a SQLite file.

PostgreSQL must listen on 127.0.0.1:5432 (trust auth, user postgres) and MariaDB on 127.0.0.1:3306
(root, no password); `.ci/run` (scripts/test.sh) checks both. A server that is down fails the test
with a line saying so; nothing is skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(**PG, dbname="postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _mariadb_admin(*statements: str) -> None:
    import pymysql

    conn = pymysql.connect(**MARIADB, connect_timeout=5, autocommit=True)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


@contextmanager
def postgres_database(prefix: str = "tw_i17sql") -> Iterator[str]:
    """A new PostgreSQL database's name (`prefix_<random>`); dropped afterwards."""
    name = unique(prefix)
    try:
        _pg_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a driver traceback
        pytest.fail(f"PostgreSQL is not reachable at 127.0.0.1:5432 ({exc}); start it (scripts/test.sh does)")
    try:
        yield name
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def mariadb_database() -> Iterator[str]:
    """A new MariaDB database's name; dropped afterwards."""
    name = unique("tw_i17sql")
    try:
        _mariadb_admin(f"CREATE DATABASE `{name}`")
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"MariaDB is not reachable at 127.0.0.1:3306 as root ({exc}); start it (scripts/test.sh does)")
    try:
        yield name
    finally:
        _mariadb_admin(f"DROP DATABASE IF EXISTS `{name}`")


@contextmanager
def mariadb_user(database: str, password: str) -> Iterator[str]:
    """A MariaDB user with `password` and every right on `database`; dropped afterwards."""
    user = unique("tw_u")
    _mariadb_admin(
        f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'",
        f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}'",
        f"GRANT ALL ON `{database}`.* TO '{user}'@'%'",
        f"GRANT ALL ON `{database}`.* TO '{user}'@'localhost'",
    )
    try:
        yield user
    finally:
        _mariadb_admin(f"DROP USER IF EXISTS '{user}'@'%'", f"DROP USER IF EXISTS '{user}'@'localhost'")
