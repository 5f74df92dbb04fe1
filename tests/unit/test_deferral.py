"""Deferring operators through the real runner and a real (SQLite) metadata database: the trigger runs in the
task's process, the task resumes in the same try with the event, and a deferral past its timeout fails the try."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tradewind import DAG
from tradewind.sdk.baseoperator import BaseOperator
from tradewind.sensors.date_time import DateTimeSensorAsync
from tradewind.sensors.filesystem import FileSensor
from tradewind.sensors.time_delta import TimeDeltaSensor
from tradewind.triggers.temporal import TimeDeltaTrigger

UTC = timezone.utc
DATE = datetime(2024, 5, 2, tzinfo=UTC)


@pytest.fixture
def db():
    from tradewind.store.migrate import migrate

    migrate()


class WaitTwice(BaseOperator):
    """Defers twice, carrying kwargs across, then returns what it saw."""

    def __init__(self, *, wait: float, timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wait, self.defer_timeout = wait, timeout

    def execute(self, context: Any) -> None:
        self.defer(
            trigger=TimeDeltaTrigger(timedelta(seconds=self.wait)),
            method_name="halfway",
            kwargs={"step": 1},
            timeout=None if self.defer_timeout is None else timedelta(seconds=self.defer_timeout),
        )

    def halfway(self, context: Any, step: int, event: Any = None) -> None:
        assert isinstance(event, str)  # the DateTimeTrigger's moment
        self.defer(
            trigger=TimeDeltaTrigger(timedelta(seconds=self.wait)), method_name="done", kwargs={"step": step + 1}
        )

    def done(self, context: Any, step: int, event: Any = None) -> dict[str, Any]:
        return {"step": step, "try_number": context["ti"].try_number, "event_is_moment": isinstance(event, str)}


def _run(task_factory, logical_date: datetime = DATE):
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.runs import create_manual_run, sync_dag

    with DAG("deferring", schedule=None) as dag:
        task_factory()
    run = create_manual_run(dag, sync_dag(dag), logical_date=logical_date)
    return run, run_task_instance(dag, run, dag.task_ids[0])


def test_an_operator_defers_resumes_with_the_event_and_pushes_its_result(db) -> None:
    from tradewind.store import tries, xcom

    started = time.monotonic()
    run, outcome = _run(lambda: WaitTwice(task_id="wait", wait=0.3, retries=2))
    assert outcome.state == "success", outcome.error
    assert time.monotonic() - started >= 0.6  # both waits happened
    assert xcom.pull("deferring", run.run_id, ["wait"])[("wait", -1)] == {
        "step": 2,
        "try_number": 1,
        "event_is_moment": True,
    }
    assert [t.try_number for t in tries.list_tries("deferring", run.run_id, "wait")] == [1]  # one try
    assert "Task deferred: waiting for" in Path(outcome.log_path).read_text()


def test_a_deferral_past_its_timeout_fails_the_try(db) -> None:
    started = time.monotonic()
    _, outcome = _run(lambda: WaitTwice(task_id="wait", wait=30, timeout=0.3))
    assert outcome.state == "failed" and "TaskDeferralTimeout" in outcome.error
    assert time.monotonic() - started < 10


def test_deferrable_time_sensors_wait_on_their_trigger(db) -> None:
    target = datetime.now(UTC) + timedelta(seconds=1.5)  # far enough that a loaded machine's first poke is before it
    _, outcome = _run(lambda: DateTimeSensorAsync(task_id="at", target_time=target.isoformat(), poke_interval=600))
    assert outcome.state == "success" and datetime.now(UTC) >= target
    assert "Task deferred: waiting for" in Path(outcome.log_path).read_text()
    # a target already passed: done on the first poke, no deferral
    late = lambda: TimeDeltaSensor(task_id="late", delta=timedelta(seconds=-1), deferrable=True)  # noqa: E731
    _, outcome = _run(late, logical_date=DATE + timedelta(days=1))
    assert outcome.state == "success" and "Task deferred" not in Path(outcome.log_path).read_text()


def test_deferrable_file_sensor_waits_on_a_file_trigger(db, tradewind_home: Path, tmp_path: Path) -> None:
    import threading

    target = tmp_path / "arrived.txt"

    def arrive_once_deferred() -> None:  # not on a timer: a loaded machine may poke first after it
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any("Task deferred" in f.read_text() for f in tradewind_home.rglob("*.log")):
                break
            time.sleep(0.05)
        target.write_text("x")

    threading.Thread(target=arrive_once_deferred, daemon=True).start()
    _, outcome = _run(lambda: FileSensor(task_id="f", filepath=str(target), poke_interval=0.1, deferrable=True))
    assert outcome.state == "success" and target.exists()
    assert "FileTrigger" in Path(outcome.log_path).read_text()


# --- the deferred state through the store, as the executors' runner and the triggerer use it ----------------
def _defer_under_an_executor(operator_factory):
    """Run the task as a worker's task process does (defer_inline=False): the try stops at its deferral."""
    from tradewind.runtime.runner import claim_task_instance, run_claimed
    from tradewind.scheduler.runs import create_manual_run, sync_dag

    with DAG("deferring", schedule=None) as dag:
        operator_factory()
    run = create_manual_run(dag, sync_dag(dag), logical_date=DATE)
    task_id = dag.task_ids[0]
    outcome = run_claimed(dag, run, claim_task_instance(run, task_id), defer_inline=False)
    return dag, run, task_id, outcome


def test_a_deferral_frees_the_try_fires_and_resumes_in_the_same_try(db) -> None:
    from tradewind.runtime.runner import claim_task_instance, run_claimed
    from tradewind.scheduler.explain import explain_task_instance
    from tradewind.store import task_instances, tries, triggers, xcom

    dag, run, task_id, outcome = _defer_under_an_executor(lambda: WaitTwice(task_id="wait", wait=3600, timeout=7200))
    ti = task_instances.get_task_instance("deferring", run.run_id, task_id)
    assert outcome.state == "deferred" and ti.state == "deferred" and ti.try_number == 1
    assert ti.next_method == "halfway" and ti.next_kwargs == {"step": 1} and ti.trigger_timeout is not None
    assert tries.list_tries("deferring", run.run_id, task_id) == []  # the try is not over
    (waiting,) = triggers.waiting_triggers()
    assert waiting.id == ti.trigger_id and waiting.classpath == "tradewind.triggers.temporal.DateTimeTrigger"
    (reason,) = explain_task_instance("deferring", run.run_id, task_id)
    assert reason.code == "deferred" and "halfway()" in reason.sentence

    assert triggers.fire_trigger(waiting.id, "2024-05-02T00:00:00+00:00") == 1
    ti = task_instances.get_task_instance("deferring", run.run_id, task_id)
    assert ti.state == "scheduled" and ti.trigger_id is None
    assert ti.next_kwargs == {"step": 1, "event": "2024-05-02T00:00:00+00:00"}
    assert triggers.waiting_triggers() == [] and triggers.fire_trigger(waiting.id, "again") == 0  # fires once

    # resumed (same try, XComs kept): halfway() defers again
    xcom.push("deferring", run.run_id, task_id, -1, "kept", 1)
    resumed = run_claimed(dag, run, claim_task_instance(run, task_id), defer_inline=False)
    ti = task_instances.get_task_instance("deferring", run.run_id, task_id)
    assert resumed.state == "deferred" and ti.try_number == 1 and ti.next_method == "done"
    assert ti.next_kwargs == {"step": 2} and ti.trigger_timeout is None  # the second deferral has no timeout
    assert xcom.pull("deferring", run.run_id, [task_id], key="kept")[(task_id, -1)] == 1

    # clearing drops the deferral: the next try starts in execute(); its trigger is no longer waited on
    assert task_instances.clear_task_instances("deferring", run.run_id) == 1
    ti = task_instances.get_task_instance("deferring", run.run_id, task_id)
    assert (ti.state, ti.trigger_id, ti.next_method, ti.next_kwargs) == ("none", None, None, None)
    assert triggers.waiting_triggers() == [] and triggers.delete_unused_triggers() == 1
    again = run_claimed(dag, run, claim_task_instance(run, task_id), defer_inline=False)
    assert again.state == "deferred" and again.try_number == 2


def test_a_deferral_past_its_timeout_resumes_only_to_fail(db) -> None:
    from tradewind.runtime.runner import run_task_instance
    from tradewind.store import task_instances, triggers

    dag, run, task_id, _ = _defer_under_an_executor(lambda: WaitTwice(task_id="wait", wait=3600, timeout=60))
    now = datetime.now(UTC)
    assert triggers.time_out_deferrals(now) == 0
    assert triggers.time_out_deferrals(now + timedelta(seconds=61)) == 1
    ti = task_instances.get_task_instance("deferring", run.run_id, task_id)
    assert ti.state == "scheduled" and ti.next_method == "__fail__"
    outcome = run_task_instance(dag, run, task_id)
    assert outcome.state == "failed" and outcome.try_number == 1 and "TaskDeferralTimeout" in outcome.error
    ti = task_instances.get_task_instance("deferring", run.run_id, task_id)
    assert ti.next_method is None and ti.next_kwargs is None  # a retry would start again in execute()


# --- the triggerer's passes, in this process ------------------------------------------------------------
def test_the_triggerer_fires_due_triggers_and_cancels_those_nobody_waits_on(db) -> None:
    import asyncio

    from tradewind.runtime.runner import claim_task_instance, run_claimed
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.store import jobs, task_instances
    from tradewind.triggerer.job import Triggerer

    _, soon, soon_id, _ = _defer_under_an_executor(lambda: WaitTwice(task_id="soon", wait=0.3))

    def resumed() -> bool:
        return task_instances.get_task_instance("deferring", soon.run_id, soon_id).state == "scheduled"

    Triggerer(until=resumed).run()
    ti = task_instances.get_task_instance("deferring", soon.run_id, soon_id)
    assert ti.next_method == "halfway" and isinstance(ti.next_kwargs["event"], str)
    assert jobs.latest_job(jobs.TRIGGERER).state == "success"  # it registered, heartbeat, and ended

    triggerer = Triggerer()

    async def scenario() -> tuple[int, int, bool]:
        with DAG("waiting", schedule=None) as waiting:
            WaitTwice(task_id="long", wait=3600)
        run = create_manual_run(waiting, sync_dag(waiting), logical_date=DATE)
        run_claimed(waiting, run, claim_task_instance(run, "long"), defer_inline=False)
        triggerer.pass_once(datetime.now(UTC))
        started = list(triggerer.running.values())
        await asyncio.sleep(0.1)
        task_instances.clear_task_instances("waiting", run.run_id)  # nobody waits on its trigger any more
        triggerer.pass_once(datetime.now(UTC))
        await asyncio.sleep(0.1)
        return len(started), len(triggerer.running), started[0].cancelled()

    assert asyncio.run(scenario()) == (1, 0, True)


def test_a_deferred_instance_holds_a_pool_slot_only_in_an_include_deferred_pool(db) -> None:
    from tradewind.runtime.runner import claim_task_instance, run_claimed
    from tradewind.scheduler.capacity import Occupancy
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.store import pools

    pools.set_pool("waiters", 2, include_deferred=True)
    pools.set_pool("free", 2)
    _defer_under_an_executor(lambda: WaitTwice(task_id="counted", wait=3600, pool="waiters"))
    with DAG("free_pool", schedule=None) as dag:
        WaitTwice(task_id="not_counted", wait=3600, pool="free")
    run = create_manual_run(dag, sync_dag(dag), logical_date=DATE)
    assert run_claimed(dag, run, claim_task_instance(run, "not_counted"), defer_inline=False).state == "deferred"
    used = Occupancy.read().pool_used
    assert used.get("waiters") == 1 and used.get("free", 0) == 0
