"""The scheduler's loop driven one pass at a time with a fixed clock, on a real SQLite database.

`Scheduler.loop_once(now)` reads the time only from its clock, so these tests move time by hand
instead of sleeping: schedules, retry delays and run timeouts are checked at the exact moments
around their deadlines. Tasks are "run" by the test itself through the store's own claim and
finish operations (`HandExecutor` below), so each test decides what every try comes to.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tradewind import DAG
from tradewind.executors.messages import Outcome, TaskEvent, TIKey, Workload
from tradewind.operators.empty import EmptyOperator
from tradewind.scheduler.job import Scheduler
from tradewind.states import DagRunState, TaskState

UTC = timezone.utc
T0 = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)


class FakeClock:
    """Wall and monotonic time that move only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.wall = start
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, delta: timedelta) -> None:
        self.wall += delta
        self.mono += delta.total_seconds()


class HandExecutor:
    """An executor whose tasks the test finishes by hand, with the states and times it chooses."""

    def __init__(self, clock: FakeClock, parallelism: int = 8) -> None:
        self.parallelism = parallelism
        self.clock = clock
        self.queued: list[Workload] = []
        self._running: set[TIKey] = set()
        self._events: list[TaskEvent] = []

    def start(self) -> None:
        pass

    def queue(self, workload: Workload) -> None:
        self.queued.append(workload)
        self._running.add(workload.key)

    def hand_to_idle(self, workload: Workload) -> bool:
        return False  # every workload goes through `queue`, after the scheduler's commit

    def top_up(self) -> None:
        pass

    @property
    def open_slots(self) -> int:
        return self.parallelism - len(self._running)

    @property
    def running(self) -> set[TIKey]:
        return self._running

    def event_handles(self) -> list[Any]:
        return []

    def get_events(self) -> list[TaskEvent]:
        events, self._events = self._events, []
        return events

    def end(self, timeout: float) -> None:
        pass

    def waiting(self) -> list[str]:
        """Task ids handed over and not finished yet, in the order they were queued."""
        return [key[2] for key in dict.fromkeys(w.key for w in self.queued if w.key in self._running)]

    def finish(
        self,
        task_id: str,
        state: TaskState = TaskState.SUCCESS,
        *,
        run_id: str | None = None,
        next_retry_at: datetime | None = None,
    ) -> None:
        """Claim and end the try of `task_id` as a worker would, at the clock's time, and report it."""
        from tradewind.store import tries

        workload = next(
            w
            for w in self.queued
            if w.task_id == task_id and w.key in self._running and (run_id is None or w.run_id == run_id)
        )
        now = self.clock.now()
        claimed = tries.start_try(
            *workload.key,
            expected=("queued",),
            hostname="test",
            pid=1,
            log_path="/dev/null",
            start_date=now,
        )
        assert claimed is not None, workload
        record = tries.finish_try(
            *workload.key,
            state=state.value,
            end_date=now,
            next_retry_at=next_retry_at,
            try_number=claimed.try_number,
            start_date=now,
        )
        self._running.discard(workload.key)
        outcome = Outcome.SUCCEEDED if state is TaskState.SUCCESS else Outcome.FAILED
        self._events.append(TaskEvent(workload.key, outcome, record))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def scheduler(migrated_db: str, clock: FakeClock) -> Scheduler:
    sched = Scheduler(executor=HandExecutor(clock), parse_dags=False, clock=clock)
    sched.start()
    return sched


def _sync(dag: DAG) -> None:
    from tradewind.scheduler.runs import sync_dag
    from tradewind.store import dags

    sync_dag(dag)
    dags.set_paused(dag.dag_id, False)


def _trigger(dag_id: str, day: int = 1) -> str:
    from tradewind.scheduler.trigger import trigger_dag

    return trigger_dag(dag_id, logical_date=datetime(2024, 1, day, tzinfo=UTC)).run_id


def _states(dag_id: str, run_id: str) -> dict[str, str]:
    from tradewind.store import task_instances

    return {
        t.task_id if t.map_index < 0 else f"{t.task_id}[{t.map_index}]": t.state
        for t in task_instances.list_task_instances(dag_id, run_id)
    }


def _run_state(dag_id: str, run_id: str) -> str:
    from tradewind.store import runs

    run = runs.get_dag_run(dag_id, run_id)
    assert run is not None
    return run.state


def test_a_daily_run_is_created_only_once_its_interval_has_ended(scheduler: Scheduler, clock: FakeClock) -> None:
    from tradewind.store import runs

    with DAG("daily", schedule="@daily", start_date=datetime(2024, 1, 10, tzinfo=UTC), catchup=True) as dag:
        EmptyOperator(task_id="a") >> EmptyOperator(task_id="b")
    _sync(dag)
    clock.wall = datetime(2024, 1, 10, 23, 59, 59, tzinfo=UTC)
    scheduler.loop_once()
    assert runs.list_dag_runs("daily") == []
    clock.advance(timedelta(seconds=2))  # 2024-01-11 00:00:01: the interval 01-10 → 01-11 has ended
    scheduler.loop_once()
    [run] = runs.list_dag_runs("daily")
    assert run.logical_date == datetime(2024, 1, 10, tzinfo=UTC) and run.state == DagRunState.RUNNING
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor) and executor.waiting() == ["a"]
    executor.finish("a")
    scheduler.loop_once()
    assert executor.waiting() == ["b"]
    executor.finish("b")
    scheduler.loop_once()  # plans b's downstream (none): the run may be over, so the next pass plans it whole
    scheduler.loop_once()
    assert _run_state("daily", run.run_id) == DagRunState.SUCCESS


def test_a_retry_waits_for_its_delay_on_the_scheduler_clock(scheduler: Scheduler, clock: FakeClock) -> None:
    with DAG("retrying", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        EmptyOperator(task_id="flaky", retries=1, retry_delay=timedelta(minutes=5))
    _sync(dag)
    run_id = _trigger("retrying")
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor)
    scheduler.loop_once()
    executor.finish("flaky", TaskState.UP_FOR_RETRY, next_retry_at=clock.now() + timedelta(minutes=5))
    scheduler.loop_once()
    clock.advance(timedelta(minutes=4, seconds=59))
    scheduler.loop_once()
    assert executor.waiting() == [] and _states("retrying", run_id) == {"flaky": "up_for_retry"}
    clock.advance(timedelta(seconds=2))
    scheduler.loop_once()
    assert executor.waiting() == ["flaky"] and _states("retrying", run_id) == {"flaky": "queued"}


def test_dagrun_timeout_fails_the_run_and_skips_what_is_left(scheduler: Scheduler, clock: FakeClock) -> None:
    with DAG(
        "bounded", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC), dagrun_timeout=timedelta(hours=1)
    ) as dag:
        EmptyOperator(task_id="a") >> EmptyOperator(task_id="b")
    _sync(dag)
    run_id = _trigger("bounded")
    scheduler.loop_once()
    clock.advance(timedelta(minutes=59))
    scheduler.loop_once()
    assert _run_state("bounded", run_id) == DagRunState.RUNNING
    clock.advance(timedelta(minutes=2))
    scheduler.loop_once()
    assert _run_state("bounded", run_id) == DagRunState.FAILED
    assert _states("bounded", run_id) == {"a": "skipped", "b": "skipped"}


def test_max_active_tis_per_dag_holds_the_task_of_the_second_run(scheduler: Scheduler) -> None:
    with DAG("capped", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC), max_active_runs=2) as dag:
        EmptyOperator(task_id="t", max_active_tis_per_dag=1)
    _sync(dag)
    first, second = _trigger("capped", 1), _trigger("capped", 2)
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor)
    scheduler.loop_once()
    assert [w.run_id for w in executor.queued] == [first]
    assert _states("capped", second) == {"t": "none"}
    executor.finish("t", run_id=first)
    scheduler.loop_once()
    assert [w.run_id for w in executor.queued] == [first, second]


def test_max_active_tis_per_dagrun_caps_mapped_instances_in_one_run(scheduler: Scheduler) -> None:
    from tradewind.operators.bash import BashOperator

    with DAG("fanout", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        BashOperator.partial(task_id="m", max_active_tis_per_dagrun=2).expand(bash_command=["a", "b", "c"])
    _sync(dag)
    run_id = _trigger("fanout")
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor)
    for _ in range(3):  # start the run, expand the mapped task, queue its instances
        scheduler.loop_once()
    assert sorted(w.map_index for w in executor.queued) == [0, 1]
    assert sorted(_states("fanout", run_id).values()) == ["none", "queued", "queued"]
    executor.finish("m", run_id=run_id)  # one of the two ends: the third may start
    scheduler.loop_once()
    assert sorted(w.map_index for w in executor.queued) == [0, 1, 2]


def test_a_task_in_a_missing_pool_is_never_queued(scheduler: Scheduler) -> None:
    from tradewind.scheduler.explain import Code, explain_task_instance

    with DAG("orphan_pool", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        EmptyOperator(task_id="t", pool="nowhere")
    _sync(dag)
    run_id = _trigger("orphan_pool")
    for _ in range(3):
        scheduler.loop_once()
    assert isinstance(scheduler.executor, HandExecutor) and scheduler.executor.queued == []
    codes = [r.code for r in explain_task_instance("orphan_pool", run_id, "t")]
    assert Code.POOL_MISSING in codes


def test_a_try_silent_past_the_heartbeat_timeout_is_failed_by_its_retry_rules(
    scheduler: Scheduler, clock: FakeClock
) -> None:
    from tradewind.store import tries

    with DAG("remote", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        EmptyOperator(task_id="t", retries=1)
    _sync(dag)
    run_id = _trigger("remote")
    claimed = tries.start_try(  # a worker on another machine runs it (as `tasks run` does)
        "remote", run_id, "t", expected=("none",), hostname="elsewhere", pid=1, log_path="", start_date=T0
    )
    assert claimed is not None and claimed.updated_at is not None
    clock.wall = claimed.updated_at + timedelta(seconds=60)  # heard from a minute ago: alive
    clock.advance(timedelta(seconds=10))  # past the sweep interval: orphans are checked
    scheduler.loop_once()
    assert _states("remote", run_id) == {"t": "running"}
    clock.advance(scheduler.settings.task_heartbeat_timeout)
    scheduler.loop_once()
    assert _states("remote", run_id) == {"t": "up_for_retry"}


@pytest.mark.parametrize(
    ("query", "report", "run_state"),
    [(TaskState.FAILED, "upstream_failed", DagRunState.FAILED), (TaskState.SUCCESS, "success", DagRunState.SUCCESS)],
)
def test_a_teardown_runs_after_its_work_and_the_run_follows_the_work(
    scheduler: Scheduler, clock: FakeClock, query: TaskState, report: str, run_state: DagRunState
) -> None:
    """Setup/teardown under the scheduler's event-driven planning: the teardown runs even after failed
    work, and its own failure does not decide the run."""
    with DAG("cluster", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=UTC)) as dag:
        create = EmptyOperator(task_id="create")
        delete = EmptyOperator(task_id="delete")
        create >> EmptyOperator(task_id="query") >> EmptyOperator(task_id="report") >> delete.as_teardown(setups=create)
    _sync(dag)
    run_id = _trigger("cluster")
    executor = scheduler.executor
    assert isinstance(executor, HandExecutor)
    scheduler.loop_once()
    executor.finish("create")
    scheduler.loop_once()
    executor.finish("query", query)
    scheduler.loop_once()
    if query is TaskState.SUCCESS:
        executor.finish("report")
        scheduler.loop_once()
    scheduler.loop_once()
    assert executor.waiting() == ["delete"] and _run_state("cluster", run_id) == DagRunState.RUNNING
    executor.finish("delete", TaskState.FAILED)
    scheduler.loop_once()
    scheduler.loop_once()
    assert _states("cluster", run_id) == {
        "create": "success",
        "query": query.value,
        "report": report,
        "delete": "failed",
    }
    assert _run_state("cluster", run_id) == run_state
