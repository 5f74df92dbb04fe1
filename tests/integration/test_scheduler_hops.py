"""The scheduler's short paths: a trigger's wake-up, a run's last task, a parse pass in flight.

Driven one pass at a time as in test_scheduler_loop.py (a fixed clock, tasks finished by hand).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest
from test_scheduler_loop import UTC, FakeClock, HandExecutor, _run_state, _sync, _trigger

from tradewind import DAG
from tradewind.operators.empty import EmptyOperator
from tradewind.scheduler.job import Scheduler
from tradewind.states import DagRunState


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 1, 10, 12, 0, tzinfo=UTC))


@pytest.fixture
def scheduler(migrated_db: str, clock: FakeClock) -> Scheduler:
    sched = Scheduler(executor=HandExecutor(clock), parse_dags=False, clock=clock)
    sched.start()
    return sched


def _pair(dag_id: str) -> None:
    with DAG(dag_id, schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        EmptyOperator(task_id="a") >> EmptyOperator(task_id="b")
    _sync(dag)


def test_a_run_ends_in_the_pass_that_hears_its_last_task(scheduler: Scheduler, clock: FakeClock) -> None:
    from tradewind.store import runs

    _pair("pair")
    run_id = _trigger("pair")
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor)
    scheduler.loop_once()
    executor.finish("a")
    scheduler.loop_once()
    executor.finish("b")
    scheduler.loop_once()
    run = runs.get_dag_run("pair", run_id)
    assert run is not None and run.state == DagRunState.SUCCESS and run.end_date == clock.now()


def test_a_skip_decided_in_a_focused_pass_cascades_in_the_same_pass(scheduler: Scheduler) -> None:
    """b fails; c (all_success) is upstream_failed; d (all_success, downstream of c only) follows at once."""
    from tradewind.states import TaskState
    from tradewind.store import task_instances

    with DAG("cascade", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        EmptyOperator(task_id="b") >> EmptyOperator(task_id="c") >> EmptyOperator(task_id="d")
    _sync(dag)
    run_id = _trigger("cascade")
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor)
    scheduler.loop_once()
    executor.finish("b", TaskState.FAILED)
    scheduler.loop_once()
    states = {t.task_id: t.state for t in task_instances.list_task_instances("cascade", run_id)}
    assert states == {"b": "failed", "c": "upstream_failed", "d": "upstream_failed"}
    assert _run_state("cascade", run_id) == DagRunState.FAILED


def test_a_trigger_starts_its_run_without_a_sweep_and_other_changes_sweep(
    scheduler: Scheduler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.scheduler.wakeup import notify

    _pair("woken")
    scheduler._open_wake_socket()
    try:
        scheduler.loop_once()  # the start-up sweep
        sweeps: list[object] = []
        real_sweep = scheduler._sweep
        monkeypatch.setattr(scheduler, "_sweep", lambda now: (sweeps.append(now), real_sweep(now)))
        _trigger("woken")
        scheduler._wait()
        scheduler.loop_once()
        executor = scheduler.executor
        assert isinstance(executor, HandExecutor)
        assert executor.waiting() == ["a"] and sweeps == []
        notify()  # a clear, a mark, an unpause: everything is read again
        scheduler._wait()
        scheduler.loop_once()
        assert len(sweeps) == 1
    finally:
        scheduler._wake.close()


def test_a_triggered_run_of_a_paused_dag_waits_for_the_unpause(scheduler: Scheduler) -> None:
    from tradewind.store import dags

    _pair("paused")
    dags.set_paused("paused", True)
    run_id = _trigger("paused")
    scheduler.loop_once()
    assert _run_state("paused", run_id) == DagRunState.QUEUED
    dags.set_paused("paused", False)
    scheduler._queued_hint = True  # what the unpause's wake-up says
    scheduler.loop_once()
    assert _run_state("paused", run_id) == DagRunState.RUNNING


def test_wake_ups_say_what_changed(tradewind_home: Path) -> None:
    from tradewind.scheduler.wakeup import CHANGED, QUEUED, WakeListener, notify

    listener = WakeListener()
    try:
        assert listener.drain() == set()
        notify(QUEUED)
        notify(QUEUED)
        assert listener.drain() == {QUEUED}
        notify()
        notify(QUEUED)
        assert listener.drain() == {CHANGED, QUEUED}
    finally:
        listener.close()


def test_start_run_returns_the_started_row(migrated_db: str) -> None:
    from tradewind.store import runs

    _pair("started")
    run_id = _trigger("started")
    start = datetime(2024, 1, 2, tzinfo=UTC)
    started = runs.start_run("started", run_id, start_date=start)
    assert started is not None and started.state == DagRunState.RUNNING and started.start_date == start
    assert started == runs.get_dag_run("started", run_id)
    assert runs.start_run("started", run_id, start_date=start) is None  # running already


def test_a_parse_pass_in_flight_is_collected_later(tradewind_home: Path) -> None:
    """A periodic pass starts its children and returns; a later call collects what they parsed."""
    from tradewind.scheduler.dag_sync import DagSync
    from tradewind.store import dags
    from tradewind.store.migrate import migrate

    migrate()
    folder = tradewind_home / "dags"
    folder.mkdir(exist_ok=True)
    gate = tradewind_home / "gate"
    (folder / "gated.py").write_text(
        "import os, time\n"
        "from datetime import datetime\n"
        "from tradewind import DAG\n"
        "from tradewind.operators.empty import EmptyOperator\n"
        f"while not os.path.exists({str(gate)!r}):\n"
        "    time.sleep(0.01)\n"
        "with DAG('gated', schedule=None, start_date=datetime(2024, 1, 1)):\n"
        "    EmptyOperator(task_id='t')\n"
    )
    sync = DagSync()
    try:
        assert sync.run_once() is False and sync.in_flight  # held by the gate: nothing waited for
        assert dags.get_dag("gated") is None
        gate.touch()
        changed, deadline = False, time.monotonic() + 60
        while (sync.in_flight or not changed) and time.monotonic() < deadline:
            changed = sync.run_once() or changed
            time.sleep(0.01)
        assert changed and not sync.in_flight and dags.get_dag("gated") is not None
    finally:
        sync.stop()
