"""One SQLAlchemy engine per database URL, created on first use, and the transaction helpers.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and write transactions
start with `BEGIN IMMEDIATE`: two processes that both read-then-write would otherwise deadlock
on the lock upgrade (SQLite answers SQLITE_BUSY at once there, busy_timeout does not help).
Writers also take a `flock` on a file beside the database first: a waiting writer then wakes the
moment the lock is free, where SQLite's busy handler sleeps 1–100 ms between retries — which is
most of a task hand-off when the scheduler and running tasks write at the same time.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.url import URL

from tradewind.exceptions import DatabaseError

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


class _WriterLock:
    """One writer at a time across processes (flock) and threads (a mutex) for one SQLite file."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}.writer-lock"
        self._mutex = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._mutex:
            if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._pid = os.getpid()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def after_fork(self) -> None:
        """In a forked child: close the parent's descriptor, and start with a free mutex.

        An flock belongs to the open file description, which the child's inherited copy shares:
        kept open, it would keep the parent's lock held after the parent dies holding it (a
        scheduler killed with -9 mid-transaction), and the child's own descriptor — and every
        other writer — would then wait on it for ever. Closed, not unlocked: LOCK_UN would free
        the parent's lock while the parent still holds it.
        """
        if self._fd is not None and self._pid != os.getpid():
            os.close(self._fd)
            self._fd = None
        self._mutex = threading.Lock()  # another thread of the parent may have held it at the fork


_writer_locks: dict[str, _WriterLock] = {}

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
)


_begin_mode = threading.local()  # .immediate: the next SQLite BEGIN of this thread takes the write lock


@dataclass
class _Pin:
    """The database a long-running process pinned, and the SQLite connection its thread keeps."""

    url: str
    thread: int
    pid: int
    conn: Connection | None = None


_pin: _Pin | None = None
_inherited: list[Connection] = []  # a forked child's copies of its parent's held connections: never used, never closed


def database_url() -> str:
    pin = _pin
    if pin is not None and pin.pid == os.getpid():
        return pin.url
    from tradewind.config import conf

    return str(conf.get("database", "sql_alchemy_conn"))


def pin_database_url(url: str | None) -> None:
    """A long-running process (scheduler, worker) fixes its database for its lifetime; None unpins.

    Every transaction looks the URL up otherwise, and a configuration lookup (environment, file
    stat) costs as much as the rest of an empty transaction; a running scheduler or worker never
    changes databases anyway. On SQLite, the pinning thread also keeps its connection checked
    out between transactions (checking one out and back in cost ~40% of a transaction's own
    overhead); only that thread, so a pool is never drained by threads holding connections.
    """
    global _pin
    _release_pin()
    _pin = _Pin(url, threading.get_ident(), os.getpid()) if url is not None else None


def _release_pin() -> None:
    global _pin
    pin, _pin = _pin, None
    if pin is not None and pin.conn is not None:
        if pin.pid == os.getpid():
            pin.conn.close()
        else:
            _inherited.append(pin.conn)


def _checkout(engine: Engine, url: str) -> tuple[Connection, bool]:
    """A connection for one transaction, and whether it is the pinned thread's held one (not closed after)."""
    pin = _pin
    if (
        pin is None
        or pin.url != url
        or pin.pid != os.getpid()
        or pin.thread != threading.get_ident()
        or engine.dialect.name != "sqlite"
    ):
        return engine.connect(), False
    conn = pin.conn
    if conn is None or conn.closed or conn.invalidated or conn.engine is not engine:
        if conn is not None and not conn.closed:
            conn.close()
        conn = pin.conn = engine.connect()
    elif conn.in_transaction():  # a store call inside another one on this thread: a connection of its own
        return engine.connect(), False
    return conn, True


def _reason(exc: BaseException) -> str:
    """The driver's message, first line only: users get one line, never a traceback."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def _normalize(url: URL) -> URL:
    """`postgresql://` means psycopg2 to SQLAlchemy; use psycopg (3) when that is what is installed."""
    if url.drivername in ("postgresql", "postgres"):
        if importlib.util.find_spec("psycopg2") is None and importlib.util.find_spec("psycopg") is not None:
            return url.set(drivername="postgresql+psycopg")
        return url.set(drivername="postgresql")
    return url


def _build(text: str) -> Engine:
    from tradewind.config import conf

    try:
        url = _normalize(make_url(text))
    except sa.exc.ArgumentError:
        raise DatabaseError(f"[database] sql_alchemy_conn is not a database URL: {text!r}") from None
    echo = conf.getboolean("database", "sql_alchemy_echo", fallback=False)
    kwargs: dict[str, object] = {"echo": echo}
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            from tradewind.utils.private import private_file

            path = Path(database).expanduser()
            try:  # 0600, so its -wal and -shm files are too (SQLite gives them the database's mode)
                private_file(path)
            except OSError as exc:
                raise DatabaseError(f"cannot create the SQLite database {path}: {exc.strerror}") from None
    else:
        kwargs["pool_size"] = conf.getint("database", "sql_alchemy_pool_size", fallback=5)
        kwargs["pool_pre_ping"] = conf.getboolean("database", "sql_alchemy_pool_pre_ping", fallback=True)
    try:
        engine = sa.create_engine(url, **kwargs)
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise DatabaseError(
            f"cannot use {url.drivername}: {_reason(exc)} (for PostgreSQL: pip install 'tradewind[postgres]')"
        ) from None
    if is_sqlite:
        _configure_sqlite(engine)
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _writer_locks[text] = _WriterLock(str(Path(database).expanduser()))
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    def do_begin(dbapi_conn: Any) -> None:
        # Straight on the driver's connection, the mode from a thread-local: SQLAlchemy's statement
        # machinery and execution options cost more than the BEGIN itself, and every transaction of
        # every task hand-off passes here (measured: ~1/3 of an empty transaction's CPU). The
        # dialect's own hook, not a "begin" event: any connection event makes SQLAlchemy dispatch
        # its event hooks around every statement (~4% of a claim and a result's instructions).
        dbapi_conn.execute("BEGIN IMMEDIATE" if getattr(_begin_mode, "immediate", False) else "BEGIN")

    engine.dialect.do_begin = do_begin  # type: ignore[method-assign,assignment]


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: `[database] sql_alchemy_conn`), built once per URL."""
    text = url or database_url()
    engine = _engines.get(text)
    if engine is None:
        with _lock:
            engine = _engines.get(text)
            if engine is None:
                engine = _engines[text] = _build(text)
    return engine


def writes_one_at_a_time(url: str | None = None) -> bool:
    """Whether a write transaction holds the database's only write lock from its BEGIN (SQLite).

    Any other process's write then waits for that transaction's commit: a writer may announce
    what it is storing before it stores it, and nobody can act on the old row meanwhile.
    """
    return get_engine(url).dialect.name == "sqlite"


def reset_engine() -> None:
    """Close every pooled connection and forget the engines (tests, URL changes)."""
    pin = _pin
    if pin is not None and pin.conn is not None and pin.pid == os.getpid() and pin.thread == threading.get_ident():
        pin.conn.close()  # (another thread's held connection is closed by that thread: its engine changed)
        pin.conn = None
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _writer_locks.clear()


def _after_fork_in_child() -> None:
    # A forked worker must not reuse the parent's sockets/file handles; keep the engines, drop the pools.
    global _lock
    _lock = threading.Lock()
    if _pin is not None and _pin.conn is not None:  # the parent's: left alone (see `_inherited`)
        _inherited.append(_pin.conn)
        _pin.conn = None
    for engine in _engines.values():
        engine.dispose(close=False)
    for writer in _writer_locks.values():
        writer.after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def describe_url(url: str | None = None) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url or database_url()).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<invalid URL>"


_rehearsing = threading.local()


@contextmanager
def rehearsal(url: str | None = None) -> Iterator[None]:
    """Run store calls for real, then undo them: inside, every call of this thread shares one
    write transaction that is rolled back at the end.

    Workers use it to run a throwaway task once, so that what every task needs (compiled SQL,
    templating, logging) is warm in the process their tasks are forked from.
    """
    engine = get_engine(url)
    writer = _writer_locks.get(url or database_url())
    conn = engine.connect()
    try:
        with writer.hold() if isinstance(writer, _WriterLock) else _nothing():
            trans = _begin(conn, write=True)
            _rehearsing.conn = conn
            try:
                yield
            finally:
                _rehearsing.conn = None
                trans.rollback()
    finally:
        conn.close()


@contextmanager
def pass_transaction(url: str | None = None, *, savepoints: bool = False) -> Iterator[Connection | None]:
    """PostgreSQL: every store call of this thread inside joins ONE transaction, committed at the end.

    A scheduler's planning pass runs in it, so the rows it locks (`FOR UPDATE SKIP LOCKED` on the
    runs and DAGs it works on) stay locked until all its writes are committed together, and another
    scheduler skips them meanwhile. With `savepoints`, each write inside is a savepoint, so one that
    fails (a run another process created first) is undone alone — two more round trips per write,
    so only where a write may fail. Elsewhere (SQLite: one scheduler) a no-op yielding None.
    """
    if getattr(_rehearsing, "conn", None) is not None or get_engine(url).dialect.name != "postgresql":
        yield None
        return
    with _connection(True, url) as conn:
        _rehearsing.conn = conn
        _rehearsing.in_pass = True
        _rehearsing.savepoints = savepoints
        try:
            yield conn
        finally:
            _rehearsing.conn = None
            _rehearsing.in_pass = _rehearsing.savepoints = False


def in_pass_transaction() -> Connection | None:
    """The connection of the `pass_transaction` this thread is in, if any."""
    return getattr(_rehearsing, "conn", None) if getattr(_rehearsing, "in_pass", False) else None


@contextmanager
def _connection(write: bool, url: str | None) -> Iterator[Connection]:
    shared = getattr(_rehearsing, "conn", None)
    if shared is not None:
        if write and getattr(_rehearsing, "savepoints", False):
            with shared.begin_nested():
                yield shared
        else:
            yield shared
        return
    url = url or database_url()  # looked up once: every store call passes here
    engine = get_engine(url)
    try:
        conn, held = _checkout(engine, url)
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(f"cannot connect to the database {describe_url(url)}: {_reason(exc)}") from None
    writer = _writer_locks.get(url) if write else None
    failed = True
    try:
        try:
            with writer.hold() if isinstance(writer, _WriterLock) else _nothing(), _begun(conn, write) as conn:
                yield conn
            failed = False
        except sa.exc.OperationalError as exc:
            raise DatabaseError(f"database error: {_reason(exc)}") from None
        except sa.exc.StatementError as exc:
            # A value our column types refused (naive datetime, unserializable JSON): show the real error.
            if not isinstance(exc, sa.exc.DBAPIError) and isinstance(exc.orig, (ValueError, TypeError)):
                raise exc.orig from None
            raise
    finally:
        if not held or failed:  # a held connection that saw an error is not trusted again
            conn.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _begin(conn: Connection, write: bool) -> sa.RootTransaction:
    """Begin on `conn`: a write transaction takes SQLite's write lock at BEGIN (see the module doc)."""
    _begin_mode.immediate = write
    try:
        return conn.begin()
    finally:
        _begin_mode.immediate = False


@contextmanager
def _begun(conn: Connection, write: bool) -> Iterator[Connection]:
    """`conn` inside a transaction, committed at the end (rolled back on error)."""
    with _begin(conn, write):
        yield conn


@contextmanager
def transaction(url: str | None = None) -> Iterator[Connection]:
    """A connection inside one write transaction: committed on success, rolled back on error."""
    with _connection(True, url) as conn:
        yield conn


@contextmanager
def session(url: str | None = None) -> Iterator[Connection]:
    """A connection inside one read transaction (a consistent snapshot; no write lock on SQLite)."""
    with _connection(False, url) as conn:
        yield conn
