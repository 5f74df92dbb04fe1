"""Airflow 2's time- and day-based operators and sensors, on a fixed clock, with Airflow's semantics."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pendulum
import pytest

from tradewind import DAG
from tradewind.exceptions import DagDefinitionError, FailTask
from tradewind.operators.branch_datetime import BranchDateTimeOperator
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.latest_only import LatestOnlyOperator
from tradewind.operators.weekday import BranchDayOfWeekOperator
from tradewind.runtime.context import build_context
from tradewind.sensors.bash import BashSensor
from tradewind.sensors.date_time import DateTimeSensor, DateTimeSensorAsync
from tradewind.sensors.time_delta import TimeDeltaSensor, TimeDeltaSensorAsync, TimeSensor, TimeSensorAsync
from tradewind.sensors.weekday import DayOfWeekSensor
from tradewind.utils import timezone as tw_timezone
from tradewind.utils.weekday import WeekDay

UTC = timezone.utc


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Set the wall clock the operators read (`tradewind.utils.timezone.utcnow`)."""

    def set_now(value: datetime) -> None:
        monkeypatch.setattr(tw_timezone, "utcnow", lambda: pendulum.instance(value).in_timezone("UTC"))

    return set_now


class SkipRecorder:
    def __init__(self) -> None:
        self.skipped: list[str] = []

    def skip(self, task_ids: Any) -> None:
        self.skipped.extend(task_ids)


def run_branch(task: Any, logical: datetime, *, external: bool = False) -> list[str]:
    """Execute a branching task for a run at `logical` (interval from the DAG's schedule); the skipped ids."""
    dag = task.dag
    info = dag.timetable.infer_manual_data_interval(run_after=logical)
    run = SimpleNamespace(
        dag_id=dag.dag_id,
        run_id="r",
        logical_date=info.start,
        data_interval_start=info.start,
        data_interval_end=info.end,
        run_type="manual" if external else "scheduled",
        external_trigger=external,
    )
    ti = SkipRecorder()
    context = build_context(dag=dag, task=task, ti=ti, dag_run=run, params={})
    task.execute(context)
    return sorted(ti.skipped)


# --- LatestOnlyOperator ----------------------------------------------------------------------------
def latest_only_dag(schedule: Any = "@daily") -> LatestOnlyOperator:
    with DAG("latest", schedule=schedule, start_date=datetime(2024, 1, 1, tzinfo=UTC)):
        latest = LatestOnlyOperator(task_id="latest_only")
        latest >> [EmptyOperator(task_id="a"), EmptyOperator(task_id="b")]
    return latest


def test_latest_only_lets_the_latest_interval_run(clock) -> None:
    clock(datetime(2024, 1, 3, 12, tzinfo=UTC))  # now lies in [Jan 3, Jan 4): the run of [Jan 2, Jan 3) is latest
    assert run_branch(latest_only_dag(), datetime(2024, 1, 3, tzinfo=UTC)) == []


def test_latest_only_skips_downstream_of_an_older_interval(clock) -> None:
    clock(datetime(2024, 1, 10, 12, tzinfo=UTC))
    assert run_branch(latest_only_dag(), datetime(2024, 1, 3, tzinfo=UTC)) == ["a", "b"]


def test_latest_only_window_edges_are_open_left_closed_right(clock) -> None:
    task = latest_only_dag()
    clock(datetime(2024, 1, 3, tzinfo=UTC))  # exactly the next interval's start: not inside (left, right]
    assert run_branch(task, datetime(2024, 1, 3, tzinfo=UTC)) == ["a", "b"]
    clock(datetime(2024, 1, 4, tzinfo=UTC))  # exactly its end: inside
    assert run_branch(task, datetime(2024, 1, 3, tzinfo=UTC)) == []


def test_latest_only_proceeds_for_external_triggers_and_unscheduled_dags(clock) -> None:
    clock(datetime(2030, 1, 1, tzinfo=UTC))
    assert run_branch(latest_only_dag(), datetime(2024, 1, 3, tzinfo=UTC), external=True) == []
    assert run_branch(latest_only_dag(None), datetime(2024, 1, 3, tzinfo=UTC)) == []


# --- BranchDateTimeOperator ------------------------------------------------------------------------
def datetime_branch(tz: str = "UTC", **kwargs: Any) -> BranchDateTimeOperator:
    with DAG("dt", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz=tz)):
        op = BranchDateTimeOperator(
            task_id="branch", follow_task_ids_if_true="inside", follow_task_ids_if_false="outside", **kwargs
        )
        op >> [EmptyOperator(task_id="inside"), EmptyOperator(task_id="outside")]
    return op


def test_branch_datetime_follows_the_window_of_times_of_day(clock) -> None:
    op = datetime_branch(target_lower=time(10), target_upper=time(11))
    clock(datetime(2024, 3, 5, 10, 30, tzinfo=UTC))
    assert run_branch(op, datetime(2024, 3, 5, tzinfo=UTC)) == ["outside"]
    clock(datetime(2024, 3, 5, 12, 0, tzinfo=UTC))
    assert run_branch(op, datetime(2024, 3, 5, tzinfo=UTC)) == ["inside"]


def test_branch_datetime_window_past_midnight_and_open_ends(clock) -> None:
    overnight = datetime_branch(target_lower=time(22), target_upper=time(2))
    clock(datetime(2024, 3, 5, 23, tzinfo=UTC))
    assert run_branch(overnight, datetime(2024, 3, 5, tzinfo=UTC)) == ["outside"]
    after = datetime_branch(target_lower=datetime(2024, 3, 1, tzinfo=UTC))  # only a lower bound
    assert run_branch(after, datetime(2024, 3, 5, tzinfo=UTC)) == ["outside"]
    before = datetime_branch(target_upper=datetime(2024, 3, 1, tzinfo=UTC))
    assert run_branch(before, datetime(2024, 3, 5, tzinfo=UTC)) == ["inside"]


def test_branch_datetime_reads_times_in_the_dags_timezone(clock) -> None:
    op = datetime_branch("Europe/Amsterdam", target_lower=time(10), target_upper=time(11))
    clock(datetime(2024, 3, 5, 9, 30, tzinfo=UTC))  # 10:30 in Amsterdam (CET)
    assert run_branch(op, datetime(2024, 3, 5, tzinfo=UTC)) == ["outside"]
    clock(datetime(2024, 7, 5, 9, 30, tzinfo=UTC))  # 11:30 in Amsterdam (CEST): outside the window
    assert run_branch(op, datetime(2024, 7, 5, tzinfo=UTC)) == ["inside"]


def test_branch_datetime_on_the_logical_date(clock) -> None:
    clock(datetime(2030, 1, 1, tzinfo=UTC))
    op = datetime_branch(
        target_lower=datetime(2024, 3, 1, tzinfo=UTC),
        target_upper=datetime(2024, 3, 31, tzinfo=UTC),
        use_task_logical_date=True,
    )
    assert run_branch(op, datetime(2024, 3, 6, tzinfo=UTC)) == ["outside"]  # run of [Mar 5, Mar 6)


def test_branch_datetime_needs_a_bound() -> None:
    with pytest.raises(DagDefinitionError, match="Both target_upper and target_lower are None"):
        datetime_branch()


# --- BranchDayOfWeekOperator, DayOfWeekSensor, WeekDay -------------------------------------------
def weekday_branch(tz: str = "UTC", **kwargs: Any) -> BranchDayOfWeekOperator:
    with DAG("wd", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz=tz)):
        op = BranchDayOfWeekOperator(
            task_id="branch", follow_task_ids_if_true="weekend", follow_task_ids_if_false="weekday", **kwargs
        )
        op >> [EmptyOperator(task_id="weekend"), EmptyOperator(task_id="weekday")]
    return op


def test_branch_day_of_week_today(clock) -> None:
    op = weekday_branch(week_day={WeekDay.SATURDAY, WeekDay.SUNDAY})
    clock(datetime(2024, 3, 9, 12, tzinfo=UTC))  # a Saturday
    assert run_branch(op, datetime(2024, 3, 9, tzinfo=UTC)) == ["weekday"]
    clock(datetime(2024, 3, 11, 12, tzinfo=UTC))  # a Monday
    assert run_branch(op, datetime(2024, 3, 11, tzinfo=UTC)) == ["weekend"]


def test_branch_day_of_week_uses_the_dags_timezone_for_today(clock) -> None:
    op = weekday_branch("Asia/Tokyo", week_day="Saturday")
    clock(datetime(2024, 3, 8, 20, tzinfo=UTC))  # Friday in UTC, Saturday 05:00 in Tokyo
    assert run_branch(op, datetime(2024, 3, 8, tzinfo=UTC)) == ["weekday"]


def test_branch_day_of_week_on_the_logical_date(clock) -> None:
    clock(datetime(2024, 3, 11, tzinfo=UTC))  # a Monday
    op = weekday_branch(week_day=["friday"], use_task_logical_date=True)
    assert run_branch(op, datetime(2024, 3, 9, tzinfo=UTC)) == ["weekday"]  # run of [Fri 8, Sat 9)


def test_weekday_names_and_errors() -> None:
    assert WeekDay.validate_week_day("monday") == {1}
    assert WeekDay.validate_week_day({WeekDay.SATURDAY, "Sunday"}) == {6, 7}
    with pytest.raises(DagDefinitionError, match='Invalid Week Day passed: "Moonday"'):
        WeekDay.validate_week_day("Moonday")
    with pytest.raises(DagDefinitionError, match="Unsupported Type for week_day"):
        WeekDay.validate_week_day(3)  # type: ignore[arg-type]


def test_day_of_week_sensor(clock) -> None:
    sensor = DayOfWeekSensor(task_id="s", week_day=WeekDay.MONDAY)
    clock(datetime(2024, 3, 10, 23, 59, tzinfo=UTC))  # Sunday
    assert sensor.poke({}) is False
    clock(datetime(2024, 3, 11, 0, 1, tzinfo=UTC))  # Monday
    assert sensor.poke({}) is True
    on_logical = DayOfWeekSensor(task_id="t", week_day="Sunday", use_task_logical_date=True)
    assert on_logical.poke({"logical_date": datetime(2024, 3, 10, tzinfo=UTC)}) is True


# --- BashSensor ------------------------------------------------------------------------------------
def test_bash_sensor_done_on_exit_zero_and_pokes_again_otherwise() -> None:
    assert BashSensor(task_id="ok", bash_command="exit 0").poke({}) is True
    assert BashSensor(task_id="no", bash_command="exit 1").poke({}) is False


def test_bash_sensor_retry_exit_code_fails_on_any_other_code() -> None:
    assert BashSensor(task_id="r", bash_command="exit 2", retry_exit_code=2).poke({}) is False
    with pytest.raises(FailTask, match="Command exited with return code 3"):
        BashSensor(task_id="f", bash_command="exit 3", retry_exit_code=2).poke({})
    assert BashSensor(task_id="z", bash_command="exit 0", retry_exit_code=2).poke({}) is True


def test_bash_sensor_runs_in_a_temporary_directory_with_the_given_env(tmp_path) -> None:
    marker = tmp_path / "seen"
    command = f'[ "$(pwd)" != "{tmp_path}" ] && [ "$GREETING" = hi ] && touch {marker}'
    assert BashSensor(task_id="e", bash_command=command, env={"GREETING": "hi"}).poke({}) is True
    assert marker.exists()


# --- the *Async sensors are their sync forms with deferrable=True ------------------------------------
def test_async_sensors_are_their_sync_forms_and_accept_trigger_arguments() -> None:
    delta = TimeDeltaSensorAsync(task_id="d", delta=timedelta(hours=1), end_from_trigger=True)
    at = DateTimeSensorAsync(task_id="a", target_time="2020-01-01T00:00:00+00:00", trigger_kwargs={})
    tod = TimeSensorAsync(task_id="t", target_time=time(0, 0), start_from_trigger=False)
    assert isinstance(delta, TimeDeltaSensor) and isinstance(at, DateTimeSensor) and isinstance(tod, TimeSensor)
    assert delta.deferrable and at.deferrable and tod.deferrable
    assert at.poke({}) is True  # a past target has come
    future_end = datetime.now(UTC) + timedelta(days=1)
    assert delta.poke({"data_interval_end": future_end}) is False
