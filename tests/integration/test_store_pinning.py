"""A long-running process pins its database: the URL is not looked up per transaction, and on
SQLite the pinning thread keeps one connection between transactions — never across an error,
a nested store call, another thread or a fork. And the sweep's narrow read of recent writes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

T0 = datetime(2024, 3, 4, tzinfo=UTC)


@pytest.fixture
def pinned(migrated_db: str) -> Iterator[str]:
    from tradewind.store.engine import pin_database_url

    pin_database_url(migrated_db)
    try:
        yield migrated_db
    finally:
        pin_database_url(None)


def test_a_pinned_url_is_used_until_unpinned(pinned, monkeypatch):
    from tradewind.store.engine import database_url, pin_database_url

    monkeypatch.setenv("TRADEWIND__DATABASE__SQL_ALCHEMY_CONN", "sqlite:////nonexistent/elsewhere.db")
    assert database_url() == pinned
    pin_database_url(None)
    assert database_url() == "sqlite:////nonexistent/elsewhere.db"


def test_the_pinning_thread_keeps_its_sqlite_connection_but_not_across_errors_or_nesting(pinned):
    from tradewind.store.engine import get_engine, session, transaction

    with transaction() as first:
        first.execute(sa.text("UPDATE job SET hostname = hostname WHERE id = -1"))
    with session() as second:
        pass
    held = get_engine().dialect.name == "sqlite"
    assert (first is second) is held  # PostgreSQL: a pooled connection per transaction, as always
    with transaction() as outer, session() as inner:  # a store call inside another: its own connection
        assert inner is not outer
        assert inner.execute(sa.text("SELECT 1")).scalar() == 1
    with pytest.raises(RuntimeError), transaction() as failing:
        raise RuntimeError("boom")
    assert failing.closed  # not trusted again
    with transaction() as after:
        assert after is not failing
        assert after.execute(sa.text("SELECT count(*) FROM job")).scalar() == 0

    seen: list[object] = []

    def elsewhere() -> None:
        for _ in range(2):
            with session() as conn:
                seen.append(conn)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen[0] is not seen[1]  # only the pinning thread holds a connection


def test_a_forked_child_leaves_its_parents_held_connection_alone(pinned):
    from tradewind.store.engine import database_url, session, transaction

    with transaction() as parents:
        parents.execute(sa.text("UPDATE job SET hostname = hostname WHERE id = -1"))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        ok = False
        try:
            with session() as conn:
                ok = conn is not parents and conn.execute(sa.text("SELECT 1")).scalar() == 1
            ok = ok and database_url() == pinned
        finally:
            os.write(write, b"1" if ok else b"0")
            os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
    os.close(read)
    with session() as again:  # the parent's connection still works
        assert again.execute(sa.text("SELECT 1")).scalar() == 1


def test_changed_since_reads_whole_only_the_wanted_rows(migrated_db):
    from tradewind.store import runs
    from tradewind.store import task_instances as tis
    from tradewind.store.records import TaskInstanceRecord

    rows = [
        {"task_id": t, "map_index": -1, "state": "none", "try_number": 0, "max_tries": 0, "operator": "X"}
        for t in ("a", "b", "c")
    ]
    runs.create_dag_run(
        dag_id="d",
        run_id="r1",
        logical_date=T0,
        data_interval=(T0 - timedelta(days=1), T0),
        run_type="manual",
        conf={},
        state="running",
        external_trigger=True,
        task_instances=rows,
    )
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert tis.queue_ready([(("d", "r1", "b", -1), "none")]) == [True]
    everything = tis.changed_since([("d", "r1")], since)
    assert {t.task_id for t in everything} == {"a", "b", "c"}
    held = {t.task_id: t for t in everything}
    asked: list[str] = []

    def unknown(row) -> bool:
        asked.append(row.task_id)
        return row.task_id == "b"

    picked = tis.changed_since([("d", "r1")], since, unknown)
    assert sorted(asked) == ["a", "b", "c"]
    assert [type(t) for t in picked] == [TaskInstanceRecord] and picked[0] == held["b"]
    assert picked[0].state == "queued"


_KILLED_WHILE_WRITING = r"""
import os, signal, sys, time
from tradewind.store import variables
from tradewind.store.engine import transaction

marker = sys.argv[1]
variables.set_variable("before", "1")  # the writer lock's file is open in this process
parent = os.getpid()
if os.fork() == 0:  # a worker forked from it, as the scheduler forks its workers
    deadline = time.monotonic() + 20
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.01)
    with open(marker + ".pid", "w") as f:
        f.write(str(os.getpid()))
    variables.set_variable("after", "1")  # waits on the writer lock until nobody holds it
    open(marker, "w").close()
    os._exit(0)
with transaction():
    os.kill(os.getpid(), signal.SIGKILL)  # killed holding the writer lock
"""


def test_a_process_killed_holding_the_sqlite_writer_lock_does_not_leave_it_held_by_its_children(
    tradewind_home, tmp_path
):
    """A forked child shares its parent's lock file description: it must not keep the dead parent's lock."""
    import signal
    import subprocess
    import sys
    import time

    from tradewind.store import migrate, variables

    migrate.migrate()
    marker = tmp_path / "written"
    subprocess.run([sys.executable, "-c", _KILLED_WHILE_WRITING, str(marker)], timeout=60)
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    pid_file = tmp_path / "written.pid"
    if not marker.exists() and pid_file.exists():
        os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert marker.exists(), "the child waited for ever on a lock its dead parent held"
    assert variables.get_variable("after") == "1"
