"""The store against real SQLite and PostgreSQL: migrations, CAS state changes, runs, tries, XCom, …"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from tradewind.exceptions import (
    DagNotFound,
    DagRunAlreadyExists,
    DatabaseError,
    DatabaseNotMigrated,
    NotFound,
    UsageError,
)
from tradewind.store.schema_version import HEAD_REVISION

UTC = timezone.utc
T0 = datetime(2024, 3, 4, tzinfo=UTC)
WAITING = frozenset({"none", "scheduled"})


def _tis(*task_ids: str, **extra) -> list[dict]:
    return [{"task_id": t, "state": "none", "max_tries": 1, "operator": "BashOperator", **extra} for t in task_ids]


def _run(dag_id: str = "d", run_id: str = "r1", logical_date: datetime = T0, tasks=("a", "b", "c"), **kw):
    from tradewind.store import runs

    args = dict(
        dag_id=dag_id,
        run_id=run_id,
        logical_date=logical_date,
        data_interval=(logical_date - timedelta(days=1), logical_date),
        run_type="manual",
        conf={"x": 1},
        state="queued",
        external_trigger=True,
        task_instances=_tis(*tasks),
    )
    args.update(kw)
    return runs.create_dag_run(**args)


# --- schema and migrations -----------------------------------------------------------------
def test_head_revision_matches_alembic_head_and_imports_nothing_heavy():
    from tradewind.store.migrate import alembic_head
    from tradewind.store.schema_version import HEAD_REVISION

    assert alembic_head() == HEAD_REVISION
    code = "import sys, tradewind.store.schema_version as v; assert not {'alembic','sqlalchemy'} & set(sys.modules), v"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_migrations_match_models(migrated_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tradewind.store.engine import session
    from tradewind.store.models import metadata

    with session() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_the_dag_hash_check_reads_an_index_not_the_serialized_dags(tradewind_home):
    """SQLite: the hashes come from a covering index; the table's rows hold each DAG's whole serialized form."""
    from tradewind.store import dags, migrate
    from tradewind.store.engine import get_engine, session

    migrate.migrate()
    statements: list[str] = []
    sa.event.listen(get_engine(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    dags.serialized_hashes()
    assert len(statements) == 1
    with session() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statements[0]}"))
    assert "COVERING INDEX ix_serialized_dag_dag_id_dag_hash" in plan, plan


def test_migrate_check_reset(db_url):
    from tradewind.store import migrate, variables

    status = migrate.check()
    assert (status.current, status.ok, status.empty) == (None, False, True)
    assert migrate.migrate() == (None, HEAD_REVISION)
    assert migrate.migrate() == (HEAD_REVISION, HEAD_REVISION)
    assert migrate.check().ok
    variables.set_variable("k", "v")
    assert migrate.reset() == (None, HEAD_REVISION)
    assert variables.get_variable("k") is None
    from tradewind.store.pools import get_pool

    assert get_pool("default_pool").slots == 128


def test_ensure_ready_auto_migrates_then_costs_nothing(db_url):
    from tradewind.store import migrate
    from tradewind.store.engine import get_engine

    migrate.ensure_ready()
    assert migrate.check().ok
    statements: list[str] = []
    sa.event.listen(get_engine(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    migrate.ensure_ready()
    assert statements == []


def test_ensure_ready_refuses_without_auto_migrate_or_old_schema(db_url, monkeypatch):
    from tradewind.store import migrate
    from tradewind.store.engine import transaction

    monkeypatch.setenv("TRADEWIND__DATABASE__AUTO_MIGRATE", "false")
    with pytest.raises(DatabaseNotMigrated, match="run `tradewind db migrate`"):
        migrate.ensure_ready()
    migrate.migrate()
    with transaction() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(DatabaseNotMigrated, match=f"database schema is at 0000, this Tradewind needs {HEAD_REVISION}"):
        migrate.ensure_ready()
    with pytest.raises(DatabaseError, match="cannot migrate the database") as info:
        migrate.migrate()  # a revision this Tradewind does not know (a newer release wrote it)
    assert "\n" not in str(info.value)


def test_unreachable_database_is_one_line(point_db):
    from tradewind.store import migrate

    point_db("postgresql+psycopg://postgres@127.0.0.1:1/nope")
    with pytest.raises(DatabaseError) as info:
        migrate.check()
    assert "cannot connect to the database" in str(info.value) and "\n" not in str(info.value)


def test_sqlite_pragmas(point_db, tradewind_home):
    from tradewind.store.engine import session
    from tradewind.store.migrate import migrate

    point_db(f"sqlite:///{tradewind_home / 'new' / 'folder' / 'tw.db'}")
    migrate()
    with session() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_utc_datetime_round_trip_and_naive_refused(migrated_db):
    from tradewind.store import runs
    from tradewind.store.models import UtcDateTime

    paris = timezone(timedelta(hours=2))
    run = _run(logical_date=datetime(2024, 6, 1, 2, 30, tzinfo=paris))
    assert run.logical_date == datetime(2024, 6, 1, 0, 30, tzinfo=UTC)
    assert run.logical_date.tzinfo is UTC
    found = runs.find_dag_run("d", datetime(2024, 6, 1, 0, 30, tzinfo=UTC))
    assert found is not None and found.id == run.id and found.logical_date.tzinfo is UTC
    with pytest.raises(ValueError, match="naive datetime"):
        _run(run_id="r2", logical_date=datetime(2024, 6, 2))
    with pytest.raises(ValueError):
        UtcDateTime().process_bind_param(datetime(2024, 1, 1), None)


# --- runs ----------------------------------------------------------------------------------
def test_create_dag_run_and_duplicates(migrated_db):
    from tradewind.store import runs, task_instances

    run = _run()
    assert (run.dag_id, run.run_id, run.state, run.conf, run.external_trigger) == ("d", "r1", "queued", {"x": 1}, True)
    assert run.queued_at is not None and run.data_interval_end == T0
    tis = task_instances.list_task_instances("d", "r1")
    assert [(t.task_id, t.map_index, t.state, t.max_tries, t.pool, t.queue, t.try_number) for t in tis] == [
        (tid, -1, "none", 1, "default_pool", "default", 0) for tid in "abc"
    ]
    with pytest.raises(DagRunAlreadyExists, match="run_id 'r1'"):
        _run(logical_date=T0 + timedelta(days=1))
    with pytest.raises(DagRunAlreadyExists, match=r"logical date .* already exists .*'r1'"):
        _run(run_id="other", tasks=("z",))
    assert len(task_instances.list_task_instances("d", "other")) == 0  # nothing half-written
    assert runs.get_dag_run("d", "r1") == run


def test_dag_run_queries_state_cas_and_delete(migrated_db):
    from tradewind.store import runs, task_instances, xcom

    r1 = _run(run_type="scheduled")
    _run(run_id="r2", logical_date=T0 + timedelta(days=1))
    _run(dag_id="other", run_id="r1")
    assert [r.run_id for r in runs.list_dag_runs("d")] == ["r2", "r1"]
    assert [r.run_id for r in runs.list_dag_runs("d", newest_first=False, limit=1)] == ["r1"]
    assert runs.latest_run("d").run_id == "r2"
    assert runs.latest_run("d", run_types=["scheduled"]).run_id == "r1"
    assert runs.active_run_counts() == {"d": 2, "other": 1}

    assert runs.set_dag_run_state("d", "r1", "running", expected={"queued"}, start_date=T0)
    assert not runs.set_dag_run_state("d", "r1", "success", expected={"queued"})  # stale: it is running now
    assert runs.get_dag_run("d", "r1").state == "running"
    assert runs.set_dag_run_state("d", "r1", "success", end_date=T0 + timedelta(hours=1))
    done = runs.get_dag_run("d", "r1")
    assert (done.state, done.start_date, done.end_date) == ("success", T0, T0 + timedelta(hours=1))
    assert [r.run_id for r in runs.list_dag_runs(state="success")] == ["r1"]
    assert {r.run_id for r in runs.list_dag_runs("d", state=["queued", "success"])} == {"r1", "r2"}
    assert not runs.set_dag_run_state("d", "missing", "failed")

    xcom.push("d", "r1", "a", -1, "return_value", 1)
    assert runs.delete_dag_run("d", "r1")
    assert runs.get_dag_run("d", "r1") is None and r1.id
    assert task_instances.list_task_instances("d", "r1") == [] and xcom.list_xcoms("d", "r1") == []
    assert not runs.delete_dag_run("d", "r1")


# --- task instances --------------------------------------------------------------------------
def test_set_states_is_compare_and_set(migrated_db):
    from tradewind.states import TaskState
    from tradewind.store import task_instances as tis
    from tradewind.store.task_instances import StateChange

    _run(tasks=[f"t{i}" for i in range(5)])
    changes = [StateChange("d", "r1", f"t{i}", -1, frozenset({"none"}), TaskState.SCHEDULED) for i in range(4)]
    changes.append(StateChange("d", "r1", "t0", -1, frozenset({"scheduled"}), "queued"))  # sees the first change
    changes.append(StateChange("d", "r1", "nope", -1, frozenset({"none"}), "scheduled"))
    assert tis.set_states(changes) == [True, True, True, True, True, False]
    # A stale decision (expects none, but t1 is scheduled now) does not overwrite.
    assert tis.set_states([StateChange("d", "r1", "t1", -1, frozenset({"none"}), "skipped")]) == [False]
    states = {t.task_id: t.state for t in tis.list_task_instances("d", "r1")}
    assert states == {"t0": "queued", "t1": "scheduled", "t2": "scheduled", "t3": "scheduled", "t4": "none"}
    assert tis.get_task_instance("d", "r1", "t0").queued_dttm is not None
    later = T0 + timedelta(minutes=5)
    assert tis.set_states([StateChange("d", "r1", "t4", -1, WAITING, "success", {"end_date": later})]) == [True]
    marked = tis.get_task_instance("d", "r1", "t4")
    assert (marked.state, marked.end_date) == ("success", later)
    for column in ("task_id", "map_index"):  # identity is not a field: expansion renumbers through expand_mapped
        with pytest.raises(ValueError, match=f"cannot set {column}"):
            tis.set_states([StateChange("d", "r1", "t3", -1, WAITING, "queued", {column: 0})])


def test_an_illegal_move_raises_and_writes_nothing(migrated_db):
    from tradewind.exceptions import IllegalTransition
    from tradewind.states import TaskState
    from tradewind.store import runs, tries
    from tradewind.store import task_instances as tis
    from tradewind.store.task_instances import StateChange

    _run(tasks=("a", "b"))
    tries.start_try("d", "r1", "a", expected=WAITING, hostname="h", pid=1, log_path="x", start_date=T0)
    with pytest.raises(IllegalTransition, match=r"task instance \('d', 'r1', 'a', -1\) from running to queued"):
        tis.set_states(
            [
                StateChange("d", "r1", "b", -1, WAITING, "success"),  # legal, but in the same batch
                StateChange("d", "r1", "a", -1, frozenset({"running"}), "queued"),
            ]
        )
    assert {t.task_id: t.state for t in tis.list_task_instances("d", "r1")} == {"a": "running", "b": "none"}
    with pytest.raises(IllegalTransition, match="from running to none"):
        tries.finish_try("d", "r1", "a", state="none", end_date=T0)
    with pytest.raises(IllegalTransition, match="from success to running"):
        tries.start_try("d", "r1", "b", expected={"none", "success"}, hostname="h", pid=1, log_path="x", start_date=T0)
    with pytest.raises(IllegalTransition, match="from running to queued"):
        tis.queue_ready([(("d", "r1", "a", -1), "running")])
    with pytest.raises(IllegalTransition, match="from none / scheduled to success"):  # only a user marks success
        tis.settle_waiting("d", "r1", {("b", -1): TaskState.SUCCESS})
    with pytest.raises(IllegalTransition, match="DAG run"):  # not even a user sets a run running from any state
        runs.set_dag_run_state("d", "r1", "running")
    assert runs.get_dag_run("d", "r1").state == "queued"
    assert tis.get_task_instance("d", "r1", "b").state == "none"
    # a lost race is no error: the move is legal, the row is elsewhere
    assert tis.queue_ready([(("d", "r1", "b", -1), "scheduled")]) == [False]


def test_run_ops_start_finish_and_time_out(migrated_db):
    from tradewind.states import DagRunState, TaskState
    from tradewind.store import runs, tries
    from tradewind.store import task_instances as tis

    _run(tasks=("done", "waiting", "queued", "running", "retrying"))
    assert runs.start_run("d", "r1", start_date=T0)
    assert not runs.start_run("d", "r1", start_date=T0)  # running already
    key = ("d", "r1")
    assert tis.set_states([tis.StateChange(*key, "done", -1, WAITING, TaskState.SUCCESS)]) == [True]
    assert tis.queue_ready([((*key, "queued", -1), "none")]) == [True]
    for task_id in ("running", "retrying"):
        tries.start_try(*key, task_id, expected=WAITING, hostname="h", pid=1, log_path="x", start_date=T0)
    tries.finish_try(*key, "retrying", state=TaskState.UP_FOR_RETRY, end_date=T0)

    end = T0 + timedelta(hours=2)
    assert runs.time_out_run(*key, end_date=end)
    assert not runs.time_out_run(*key, end_date=end)  # not running any more: nothing happens twice
    states = {t.task_id: t.state for t in tis.list_task_instances(*key)}
    assert states == {
        "done": "success",
        "waiting": "skipped",
        "queued": "skipped",
        "running": "skipped",
        "retrying": "skipped",
    }
    run = runs.get_dag_run(*key)
    assert (run.state, run.start_date, run.end_date) == ("failed", T0, end)
    assert not runs.finish_run(*key, DagRunState.SUCCESS, end_date=end)  # the verdict on a run no longer running

    _run(run_id="r2", logical_date=T0 + timedelta(days=1), tasks=("x",))  # queued: a timeout does not touch it
    assert not runs.time_out_run("d", "r2", end_date=end)
    assert tis.get_task_instance("d", "r2", "x").state == "none"
    assert runs.start_run("d", "r2", start_date=T0) and runs.finish_run("d", "r2", DagRunState.SUCCESS, end_date=end)
    assert runs.get_dag_run("d", "r2").state == "success"


def test_unqueue_and_fail_unstarted(migrated_db):
    from tradewind.store import task_instances as tis

    _run(tasks=("a", "b", "c"))
    a, b, c = (("d", "r1", t, -1) for t in "abc")
    assert tis.queue_ready([(a, "none"), (b, "none")]) == [True, True]
    assert tis.unqueue([a, c]) == 1  # c was never queued
    assert tis.get_task_instance(*a).state == "scheduled"
    assert tis.fail_unstarted(a, T0) and tis.fail_unstarted(b, T0)
    assert not tis.fail_unstarted(c, T0)  # waiting, not handed to a worker
    assert [(t.state, t.end_date) for t in map(lambda k: tis.get_task_instance(*k), (a, b, c))] == [
        ("failed", T0),
        ("failed", T0),
        ("none", None),
    ]


def test_queue_ready_hands_over_before_writing_where_writers_take_turns(migrated_db):
    """SQLite: `before_write` runs inside the transaction; a worker's claim made meanwhile waits for
    the commit and finds the instance queued. PostgreSQL: it does not run (hand over after the commit)."""
    from tradewind.store import task_instances as tis
    from tradewind.store import tries

    _run(tasks=("a", "b"))
    a, b = ("d", "r1", "a", -1), ("d", "r1", "b", -1)
    tis.set_states([tis.StateChange(*b, WAITING, "skipped")])  # b is lost to "another writer"
    sqlite = migrated_db.startswith("sqlite")
    claimers: list[threading.Thread] = []
    claimed: list[object] = []

    def claim() -> None:
        claimed.append(tries.start_try(*a, expected={"queued"}, hostname="h", pid=1, log_path="x", start_date=T0))

    def before_write() -> None:
        claimers.append(threading.Thread(target=claim))
        claimers[0].start()
        claimers[0].join(0.3)
        assert claimers[0].is_alive()  # it waits for this transaction

    assert tis.queue_ready([(a, "none"), (b, "none")], before_write=before_write) == [True, False]
    assert len(claimers) == (1 if sqlite else 0)
    if sqlite:
        claimers[0].join(10)
        assert claimed[0] is not None and claimed[0].state == "running"  # it found `a` queued


def test_start_and_finish_try_record_history(migrated_db):
    from tradewind.store import tries, xcom

    _run(tasks=("a",))
    claim = dict(expected=WAITING | {"up_for_retry"}, hostname="h", pid=42, log_path="/l/1.log", start_date=T0)
    first = tries.start_try("d", "r1", "a", **claim)
    assert (first.state, first.try_number, first.hostname, first.pid, first.log_path) == (
        "running",
        1,
        "h",
        42,
        "/l/1.log",
    )
    assert tries.start_try("d", "r1", "a", **claim) is None  # already claimed
    xcom.push("d", "r1", "a", -1, "partial", 1)
    retry_at = T0 + timedelta(minutes=5)
    failed = tries.finish_try(
        "d", "r1", "a", state="up_for_retry", end_date=T0 + timedelta(seconds=3), next_retry_at=retry_at
    )
    assert (failed.state, failed.duration, failed.next_retry_at) == ("up_for_retry", 3.0, retry_at)
    assert tries.finish_try("d", "r1", "a", state="success", end_date=T0) is None  # not running any more

    second = tries.start_try(
        "d", "r1", "a", **{**claim, "log_path": "/l/2.log", "start_date": T0 + timedelta(minutes=6)}
    )
    assert second.try_number == 2 and second.next_retry_at is None and second.end_date is None
    assert xcom.list_xcoms("d", "r1", "a") == []  # a new try starts without the old try's XComs
    done = tries.finish_try(
        "d", "r1", "a", state="success", end_date=T0 + timedelta(minutes=7), rendered_fields={"cmd": ("echo", T0)}
    )
    assert (done.state, done.duration, done.rendered_fields) == ("success", 60.0, {"cmd": ("echo", T0)})
    history = tries.list_tries("d", "r1", "a")
    assert [(t.try_number, t.state, t.log_path, t.duration) for t in history] == [
        (1, "up_for_retry", "/l/1.log", 3.0),
        (2, "success", "/l/2.log", 60.0),
    ]


def test_late_finish_after_clear_is_dropped(migrated_db):
    from tradewind.store import task_instances as tis
    from tradewind.store import tries

    _run(tasks=("a", "b"))
    tries.start_try("d", "r1", "a", expected=WAITING, hostname="h", pid=1, log_path="x", start_date=T0)
    assert tis.clear_task_instances("d", "r1", ["a"]) == 1
    assert tries.finish_try("d", "r1", "a", state="success", end_date=T0) is None
    a = tis.get_task_instance("d", "r1", "a")
    assert (a.state, a.try_number) == ("none", 1)
    assert tries.list_tries("d", "r1", "a") == []


def test_late_finish_after_clear_and_a_new_claim_is_dropped(migrated_db):
    from tradewind.store import task_instances as tis
    from tradewind.store import tries

    _run(tasks=("a",))
    first = tries.start_try("d", "r1", "a", expected=WAITING, hostname="h", pid=1, log_path="x", start_date=T0)
    assert tis.clear_task_instances("d", "r1", ["a"]) == 1
    second = tries.start_try("d", "r1", "a", expected=WAITING, hostname="h", pid=2, log_path="y", start_date=T0)
    assert (first.try_number, second.try_number) == (1, 2)
    # the first try's result arrives late: it must not end the second try
    assert tries.finish_try("d", "r1", "a", state="failed", end_date=T0, try_number=1) is None
    # the same with the claimer's start date (the path that skips reading the row first)
    assert tries.finish_try("d", "r1", "a", state="failed", end_date=T0, try_number=1, start_date=T0) is None
    assert tis.get_task_instance("d", "r1", "a").state == "running"
    done = tries.finish_try(
        "d", "r1", "a", state="success", end_date=T0 + timedelta(seconds=2), try_number=2, start_date=T0
    )
    assert (done.state, done.duration) == ("success", 2.0)
    assert [t.try_number for t in tries.list_tries("d", "r1", "a")] == [2]


def test_only_one_claim_wins_under_concurrency(migrated_db):
    from tradewind.store import task_instances as tis
    from tradewind.store import tries

    _run(tasks=("a",))
    results: list[object] = []
    barrier = threading.Barrier(6)

    def claim(pid: int) -> None:
        barrier.wait()
        results.append(
            tries.start_try("d", "r1", "a", expected=WAITING, hostname="h", pid=pid, log_path="x", start_date=T0)
        )

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is not None for r in results) == 1
    assert tis.get_task_instance("d", "r1", "a").try_number == 1


def test_expand_clear_and_count(migrated_db):
    from tradewind.store import task_instances as tis
    from tradewind.store import tries

    _run(task_instances=_tis("a") + _tis("m", pool="p", pool_slots=2))
    rows = [{"task_id": "m", "map_index": i, "pool": "p", "pool_slots": 2} for i in range(1, 4)]
    assert tis.expand_mapped("d", "r1", "m", rows)
    assert not tis.expand_mapped("d", "r1", "m", [*rows, {"task_id": "m", "map_index": 4}])  # expanded already
    assert [t.map_index for t in tis.list_task_instances("d", "r1") if t.task_id == "m"] == [0, 1, 2, 3]
    for i in range(2):
        tries.start_try("d", "r1", "m", i, expected=WAITING, hostname="h", pid=1, log_path="x", start_date=T0)
    assert tis.count_active("pool", slots=True) == {"p": 4}
    assert tis.count_active("dag_id") == {"d": 2}
    assert [t.map_index for t in tis.find_task_instances(["running"])] == [0, 1]
    tries.finish_try("d", "r1", "m", 0, state="failed", end_date=T0)
    assert tis.clear_task_instances("d", "r1", None, retries={"m": 2}) == 5
    m0 = tis.get_task_instance("d", "r1", "m", 0)
    assert (m0.state, m0.try_number, m0.max_tries) == ("none", 1, 3)
    assert tis.get_task_instance("d", "r1", "a").max_tries == 1


# --- xcom, variables, pools, import errors ---------------------------------------------------
def test_xcom_push_pull(migrated_db):
    from tradewind.store import xcom

    value = {"when": T0, "pair": (1, 2), "tags": {"x"}, "path": Path("/tmp/f"), "n": None}
    xcom.push("d", "r1", "a", -1, "return_value", value)
    xcom.push("d", "r1", "a", -1, "return_value", value | {"n": 1})  # replaces
    for i in range(3):
        xcom.push("d", "r1", "m", i, "return_value", i * 10)
    xcom.push("d", "r1", "m", 0, "other", "o")
    got = xcom.pull("d", "r1", ["a", "m"])
    assert got == {("a", -1): value | {"n": 1}, ("m", 0): 0, ("m", 1): 10, ("m", 2): 20}
    assert xcom.pull("d", "r1", ["m"], map_indexes=[1]) == {("m", 1): 10}
    assert xcom.pull("d", "r1", ["m"], key="other") == {("m", 0): "o"}
    assert [(x.task_id, x.map_index, x.key) for x in xcom.list_xcoms("d", "r1", "m")] == [
        ("m", 0, "other"),
        ("m", 0, "return_value"),
        ("m", 1, "return_value"),
        ("m", 2, "return_value"),
    ]
    with pytest.raises(TypeError, match="XCom value of type object is not JSON-serializable"):
        xcom.push("d", "r1", "a", -1, "bad", object())
    assert xcom.clear("d", "r1", ["m"]) == 4
    assert xcom.clear("d", "r1") == 1


def test_variables(migrated_db):
    from tradewind.store import variables

    assert variables.get_variable("k") is None
    variables.set_variable("k", "v1", "desc")
    variables.set_variable("k", '{"a": 1}')
    variables.set_variable("b", "x")
    assert variables.get_variable("k") == '{"a": 1}'
    assert [(v.key, v.val, v.description) for v in variables.list_variables()] == [
        ("b", "x", None),
        ("k", '{"a": 1}', None),
    ]
    assert variables.delete_variable("k") and not variables.delete_variable("k")
    with pytest.raises(TypeError):
        variables.set_variable("k", 3)  # type: ignore[arg-type]


def test_pools(migrated_db):
    from tradewind.store import pools

    assert [(p.pool, p.slots, p.description) for p in pools.list_pools()] == [("default_pool", 128, "Default pool")]
    pools.set_pool("gpu", 2, "GPUs")
    updated = pools.set_pool("gpu", 4, "more GPUs")
    assert (updated.slots, updated.description) == (4, "more GPUs")
    assert pools.get_pool("gpu") == updated
    assert pools.set_pool("any", -1).unlimited
    with pytest.raises(UsageError, match="default_pool cannot be deleted"):
        pools.delete_pool("default_pool")
    assert pools.delete_pool("gpu").slots == 4
    with pytest.raises(NotFound):
        pools.delete_pool("gpu")
    with pytest.raises(UsageError):
        pools.set_pool("x", -5)


def test_import_errors_replaced_per_file(migrated_db):
    from tradewind.store import dags
    from tradewind.store import import_errors as ie

    dags.sync_dags([_dag_item("in_a", fileloc="a.py"), _dag_item("in_c", fileloc="c.py")], paused_at_creation=True)
    ie.replace_import_errors(
        ["a.py", "b.py", "c.py"], [("a.py", 3, "SyntaxError", "tb"), ("b.py", None, "boom", "tb2")]
    )
    assert (dags.get_dag("in_a").has_import_errors, dags.get_dag("in_c").has_import_errors) == (True, False)
    assert [(e.filename, e.lineno, e.message) for e in ie.list_import_errors()] == [
        ("a.py", 3, "SyntaxError"),
        ("b.py", None, "boom"),
    ]
    ie.replace_import_errors(["a.py"], [])  # a.py fixed; b.py not re-parsed, keeps its error
    assert dags.get_dag("in_a").has_import_errors is False
    assert [e.filename for e in ie.list_import_errors()] == ["b.py"]
    ie.replace_import_errors([], [("/dags/sub/c.py", 1, "boom", "tb")])
    ie.replace_import_errors(["/dags/a.py"], [], roots=["/dags"])  # a full pass over /dags: c.py is gone
    assert [e.filename for e in ie.list_import_errors()] == ["b.py"]


# --- DAGs ----------------------------------------------------------------------------------
def _dag_item(dag_id: str, version: int = 1, fileloc: str = "/dags/f.py"):
    row = {"dag_id": dag_id, "fileloc": fileloc, "owners": "me", "tags": ["t"], "schedule_summary": "@daily", "x": 1}
    from tradewind import DAG
    from tradewind.serialization import serialize_dag

    with DAG(dag_id, schedule=None) as dag:
        pass
    data = {**serialize_dag(dag), "version": version}
    return row, data, f"hash{version}"


def test_sync_dags_keeps_is_paused_and_writes_changes_only(migrated_db):
    from tradewind.store import dags

    assert dags.sync_dags([_dag_item("a"), _dag_item("b")], paused_at_creation=True) == [True, True]
    a = dags.get_dag("a")
    assert (a.is_paused, a.is_active, a.tags, a.owners) == (True, True, ["t"], "me")
    assert dags.set_paused("a", False).is_paused is False
    assert dags.sync_dags([_dag_item("a"), _dag_item("b")], paused_at_creation=True) == [False, False]
    assert dags.get_dag("a").is_paused is False  # the user's choice survives a re-parse
    assert dags.sync_dag(*_dag_item("a", 2), paused_at_creation=True) is True
    assert dags.get_serialized("a")["version"] == 2
    own = _dag_item("c")
    own[1]["is_paused_upon_creation"] = False
    dags.sync_dags([own], paused_at_creation=True)
    assert dags.get_dag("c").is_paused is False

    with pytest.raises(DagNotFound):
        dags.set_paused("nope", True)


def test_delete_dag_removes_everything(migrated_db):
    from tradewind.store import dags, runs, task_instances

    dags.sync_dag(*_dag_item("d"), paused_at_creation=False)
    _run()
    assert dags.delete_dag("d") >= 1 + 1 + 1 + 3
    assert dags.get_dag("d") is None and dags.get_serialized("d") is None
    assert runs.list_dag_runs("d") == [] and task_instances.list_task_instances("d", "r1") == []
    with pytest.raises(DagNotFound):
        dags.delete_dag("d")
