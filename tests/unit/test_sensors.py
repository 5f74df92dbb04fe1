"""Each sensor's poke against a real (SQLite) metadata database, and the poke/reschedule loop."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from tradewind import DAG, TaskGroup
from tradewind.exceptions import (
    DagDefinitionError,
    DagNotFound,
    FailTask,
    RescheduleTask,
    SensorTimeout,
    SkipTask,
    TaskNotFound,
)
from tradewind.operators.empty import EmptyOperator
from tradewind.sensors.base import BaseSensorOperator, PokeReturnValue
from tradewind.sensors.date_time import DateTimeSensor
from tradewind.sensors.external_task import ExternalTaskSensor
from tradewind.sensors.filesystem import FileSensor
from tradewind.sensors.python import PythonSensor
from tradewind.sensors.time_delta import TimeDeltaSensor, TimeSensor

UTC = timezone.utc
DATE = datetime(2024, 5, 2, tzinfo=UTC)


@pytest.fixture
def db():
    from tradewind.store.migrate import migrate

    migrate()


def external_run(logical_date: datetime = DATE, dag_id: str = "ext"):
    """The external DAG (tasks `a`, `b`, group `grp` of `g1`, `g2`), synced, with a run at `logical_date`."""
    from tradewind.scheduler.runs import create_manual_run, sync_dag

    with DAG(dag_id, schedule=None) as dag:
        EmptyOperator(task_id="a")
        EmptyOperator(task_id="b")
        with TaskGroup("grp"):
            EmptyOperator(task_id="g1")
            EmptyOperator(task_id="g2")
    return create_manual_run(dag, sync_dag(dag), logical_date=logical_date)


def set_state(run, task_id: str, state: str) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    current = task_instances.get_task_instance(run.dag_id, run.run_id, task_id)
    assert task_instances.set_states(
        [StateChange(run.dag_id, run.run_id, task_id, -1, frozenset({current.state}), state)]
    )


def sensor(cls=ExternalTaskSensor, **kwargs):
    return cls(task_id=kwargs.pop("task_id", "s"), **kwargs)


# --- ExternalTaskSensor ---------------------------------------------------------------------------
def test_external_task_waits_for_the_same_logical_date(db):
    run = external_run()
    s = sensor(external_dag_id="ext", external_task_id="a")
    assert s.poke({"logical_date": DATE}) is False
    set_state(run, "a", "success")
    assert s.poke({"logical_date": DATE}) is True
    assert s.poke({"logical_date": DATE + timedelta(days=1)}) is False  # no external run that day


def test_external_task_ids_all_must_be_allowed(db):
    run = external_run()
    s = sensor(external_dag_id="ext", external_task_ids=["a", "b"], allowed_states=["success", "skipped"])
    set_state(run, "a", "success")
    assert s.poke({"logical_date": DATE}) is False
    set_state(run, "b", "skipped")
    assert s.poke({"logical_date": DATE}) is True


def test_execution_delta_and_execution_date_fn_pick_other_dates(db):
    run = external_run(DATE - timedelta(hours=1))
    set_state(run, "a", "success")
    by_delta = sensor(external_dag_id="ext", external_task_id="a", execution_delta=timedelta(hours=1))
    assert by_delta.poke({"logical_date": DATE}) is True
    seen = {}

    def fn(logical_date, ti):
        seen["ti"] = ti
        return [logical_date - timedelta(hours=1), (logical_date - timedelta(hours=2)).replace(tzinfo=None)]

    by_fn = sensor(external_dag_id="ext", external_task_id="a", execution_date_fn=fn)
    assert by_fn.poke({"logical_date": DATE, "ti": "the ti"}) is False  # the 2-hours-earlier run is missing
    assert seen["ti"] == "the ti"
    earlier = external_run(DATE - timedelta(hours=2))
    set_state(earlier, "a", "success")
    assert by_fn.poke({"logical_date": DATE, "ti": "the ti"}) is True  # a naive date is read as UTC
    kwargs_fn = sensor(
        external_dag_id="ext",
        external_task_id="a",
        execution_date_fn=lambda logical_date, **context: logical_date - timedelta(hours=1),
    )
    assert kwargs_fn.poke({"logical_date": DATE}) is True


def test_failed_and_skipped_states(db):
    run = external_run()
    set_state(run, "a", "failed")
    with pytest.raises(FailTask, match="failed state"):
        sensor(external_dag_id="ext", external_task_id="a", failed_states=["failed"]).poke({"logical_date": DATE})
    with pytest.raises(SkipTask):
        sensor(external_dag_id="ext", external_task_id="a", failed_states=["failed"], soft_fail=True).poke(
            {"logical_date": DATE}
        )
    assert sensor(external_dag_id="ext", external_task_id="a").poke({"logical_date": DATE}) is False
    set_state(run, "b", "skipped")
    with pytest.raises(SkipTask, match="skipped state"):
        sensor(external_dag_id="ext", external_task_id="b", skipped_states=["skipped"]).poke({"logical_date": DATE})


def test_whole_dag_run_and_task_group(db):
    from tradewind.store import runs

    run = external_run()
    whole = sensor(external_dag_id="ext")
    group = sensor(external_dag_id="ext", external_task_group_id="grp")
    assert whole.poke({"logical_date": DATE}) is False
    set_state(run, "grp.g1", "success")
    assert group.poke({"logical_date": DATE}) is False
    set_state(run, "grp.g2", "success")
    assert group.poke({"logical_date": DATE}) is True
    runs.set_dag_run_state("ext", run.run_id, "success")
    assert whole.poke({"logical_date": DATE}) is True


def test_check_existence(db):
    external_run()
    with pytest.raises(DagNotFound):
        sensor(external_dag_id="nope", check_existence=True).poke({"logical_date": DATE})
    with pytest.raises(TaskNotFound):
        sensor(external_dag_id="ext", external_task_id="zzz", check_existence=True).poke({"logical_date": DATE})
    with pytest.raises(TaskNotFound):
        sensor(external_dag_id="ext", external_task_group_id="nogroup", check_existence=True).poke(
            {"logical_date": DATE}
        )
    assert (
        sensor(external_dag_id="ext", external_task_id="a", check_existence=True).poke({"logical_date": DATE}) is False
    )


def test_check_existence_is_done_once_per_sensor_process(db):
    from tradewind.store import dags

    external_run()
    s = sensor(external_dag_id="ext", external_task_id="a", check_existence=True)
    assert s.poke({"logical_date": DATE}) is False
    dags.delete_dag("ext")
    assert s.poke({"logical_date": DATE}) is False  # as Airflow: not looked up again at every poke
    with pytest.raises(DagNotFound):
        sensor(external_dag_id="ext", external_task_id="a", check_existence=True).poke({"logical_date": DATE})


def test_external_task_sensor_rejects_contradictions():
    with pytest.raises(DagDefinitionError):
        sensor(external_dag_id="x", external_task_id="a", external_task_ids=["b"])
    with pytest.raises(DagDefinitionError):
        sensor(external_dag_id="x", allowed_states=["failed"], failed_states=["failed"])
    with pytest.raises(DagDefinitionError):
        sensor(external_dag_id="x", execution_delta=timedelta(1), execution_date_fn=lambda d: d)


def test_misspelt_states_and_argument_types_are_dag_errors():
    with pytest.raises(DagDefinitionError, match="sucess"):
        sensor(external_dag_id="x", external_task_id="a", allowed_states=["sucess"])
    with pytest.raises(DagDefinitionError, match="upstream_failed"):  # a task state, not a DAG run state
        sensor(external_dag_id="x", failed_states=["upstream_failed"])
    assert sensor(external_dag_id="x", external_task_id="a", failed_states=["upstream_failed"]).failed_states == [
        "upstream_failed"
    ]
    for bad in ({"poke_interval": "often"}, {"timeout": None}, {"max_wait": "1h"}):
        with pytest.raises(DagDefinitionError):
            sensor(PythonSensor, python_callable=lambda: True, **bad)
    with pytest.raises(DagDefinitionError):
        sensor(TimeDeltaSensor, delta=3600)
    with pytest.raises(DagDefinitionError):
        sensor(TimeSensor, target_time="10:00")
    with pytest.raises(DagDefinitionError, match="ISO 8601"):
        sensor(DateTimeSensor, target_time="tomorrow")
    assert sensor(DateTimeSensor, target_time="{{ data_interval_end }}").target_time == "{{ data_interval_end }}"


# --- FileSensor -------------------------------------------------------------------------------------
def test_file_sensor_globs_directories_and_recursion(tmp_path: Path, db):
    ctx: dict = {}
    assert sensor(FileSensor, filepath=str(tmp_path / "*.csv")).poke(ctx) is False
    (tmp_path / "data.txt").write_text("x")
    assert sensor(FileSensor, filepath=str(tmp_path / "*.csv")).poke(ctx) is False
    (tmp_path / "data.csv").write_text("x")
    assert sensor(FileSensor, filepath=str(tmp_path / "*.csv")).poke(ctx) is True
    empty = tmp_path / "empty"
    empty.mkdir()
    assert sensor(FileSensor, filepath=str(empty)).poke(ctx) is False
    (empty / "deep").mkdir()
    (empty / "deep" / "f.json").write_text("{}")
    assert sensor(FileSensor, filepath=str(empty)).poke(ctx) is True  # a directory holding a file
    assert sensor(FileSensor, filepath=str(tmp_path / "**" / "f.json")).poke(ctx) is False
    assert sensor(FileSensor, filepath=str(tmp_path / "**" / "f.json"), recursive=True).poke(ctx) is True


def test_file_sensor_connection_base_path(tmp_path: Path, db, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "in.csv").write_text("x")
    monkeypatch.setenv("TRADEWIND_CONN_MY_FS", json.dumps({"conn_type": "fs", "extra": {"path": str(tmp_path)}}))
    assert sensor(FileSensor, filepath="landing/in.csv", fs_conn_id="my_fs").poke({}) is True
    monkeypatch.chdir(tmp_path / "landing")
    assert sensor(FileSensor, filepath="in.csv", fs_conn_id="no_such_conn").poke({}) is True  # path as is


# --- PythonSensor, time sensors -------------------------------------------------------------------
def test_python_sensor_passes_args_and_context():
    calls = []

    def check(x, y, ds, templates_dict):
        calls.append((x, y, ds, templates_dict))
        return len(calls) >= 2

    s = sensor(PythonSensor, python_callable=check, op_args=[1], op_kwargs={"y": 2}, templates_dict={"k": "v"})
    ctx = {"ds": "2024-05-02"}
    assert s.poke(ctx) is False and s.poke(ctx) is True
    assert calls[0] == (1, 2, "2024-05-02", {"k": "v"})
    value = PokeReturnValue(True, xcom_value={"rows": 3})
    assert sensor(PythonSensor, python_callable=lambda: value).poke({}) is value


def test_time_sensors():
    past, future = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
    assert sensor(TimeDeltaSensor, delta=timedelta(minutes=30)).poke({"data_interval_end": past}) is True
    assert sensor(TimeDeltaSensor, delta=timedelta(0)).poke({"data_interval_end": future}) is False
    assert sensor(DateTimeSensor, target_time=past).poke({}) is True
    assert sensor(DateTimeSensor, target_time=future.isoformat()).poke({}) is False
    assert sensor(TimeSensor, target_time=time(23, 59, 59, 999999)).poke({}) is False


# --- the loop ---------------------------------------------------------------------------------------
class Countdown(BaseSensorOperator):
    """Done at the n-th poke; raises whatever it is given at the first."""

    def __init__(self, *, n: int, first_error: Exception | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.n, self.pokes, self.first_error = n, 0, first_error

    def poke(self, context):
        self.pokes += 1
        if self.pokes == 1 and self.first_error is not None:
            raise self.first_error
        return PokeReturnValue(self.pokes >= self.n, xcom_value=self.pokes)


def test_poke_mode_loops_in_process_and_returns_the_xcom_value():
    s = Countdown(task_id="c", n=3, poke_interval=0.01)
    assert s.execute({}) == 3


def test_poke_mode_timeout_soft_fail_and_silent_fail():
    with pytest.raises(SensorTimeout):
        Countdown(task_id="c", n=10**9, poke_interval=0.01, timeout=0.05).execute({})
    with pytest.raises(SkipTask):
        Countdown(task_id="c", n=10**9, poke_interval=0.01, timeout=0.05, soft_fail=True).execute({})
    with pytest.raises(ValueError):
        Countdown(task_id="c", n=2, first_error=ValueError("boom"), poke_interval=0.01).execute({})
    with pytest.raises(SkipTask):
        Countdown(task_id="c", n=2, first_error=ValueError("boom"), poke_interval=0.01, soft_fail=True).execute({})
    silent = Countdown(task_id="c", n=2, first_error=ValueError("boom"), poke_interval=0.01, silent_fail=True)
    assert silent.execute({}) == 2


def test_next_poke_interval_backoff_is_capped_by_max_wait_and_timeout():
    s = Countdown(task_id="c", n=1, poke_interval=2, exponential_backoff=True, max_wait=10, timeout=100)
    assert [s.next_poke_interval(n, 0) for n in (1, 2, 3, 4)] == [2, 4, 8, 10]
    assert s.next_poke_interval(1, 99.5) == pytest.approx(0.51)
    assert s.next_poke_interval(5000, 0) == 10  # thousands of reschedules: still capped, no overflow
    plain = Countdown(task_id="c", n=1, poke_interval=timedelta(seconds=30))
    assert plain.next_poke_interval(5, 0) == 30


def test_bad_sensor_arguments_are_definition_errors():
    with pytest.raises(DagDefinitionError, match="mode"):
        Countdown(task_id="c", n=1, mode="sometimes")
    with pytest.raises(DagDefinitionError, match="poke_interval"):
        Countdown(task_id="c", n=1, poke_interval=-1)


# --- reschedule mode through the real runner ------------------------------------------------------------
def _sensor_run(**sensor_kwargs):
    from tradewind.scheduler.runs import create_manual_run, sync_dag

    with DAG("resched", schedule=None) as dag:
        PythonSensor(task_id="wait", mode="reschedule", **sensor_kwargs)
    return dag, create_manual_run(dag, sync_dag(dag), logical_date=DATE)


def test_reschedule_keeps_the_try_and_records_each_poke(db, tmp_path: Path):
    from tradewind.runtime.runner import run_task_instance
    from tradewind.store import reschedules, task_instances, tries

    flag = tmp_path / "ready"
    dag, run = _sensor_run(python_callable=flag.exists, poke_interval=30, retries=3)
    first = run_task_instance(dag, run, "wait")
    ti = task_instances.get_task_instance("resched", run.run_id, "wait")
    assert first.state == "up_for_reschedule" and ti.state == "up_for_reschedule" and ti.try_number == 1
    assert ti.reschedule_at is not None and timedelta(seconds=29) < ti.reschedule_at - ti.end_date <= timedelta(
        seconds=31
    )
    assert run_task_instance(dag, run, "wait").state == "up_for_reschedule"
    flag.touch()
    done = run_task_instance(dag, run, "wait")
    ti = task_instances.get_task_instance("resched", run.run_id, "wait")
    assert done.state == "success" and ti.try_number == 1 and ti.reschedule_at is None
    pokes = reschedules.list_reschedules("resched", run.run_id, "wait")
    assert len(pokes) == 2 and [p.try_number for p in pokes] == [1, 1]
    assert [t.state for t in tries.list_tries("resched", run.run_id, "wait")] == ["success"]


def test_reschedule_timeout_counts_from_the_first_poke(db):
    from tradewind.runtime.runner import run_task_instance
    from tradewind.store import task_instances

    dag, run = _sensor_run(python_callable=lambda: False, poke_interval=0, timeout=1.5, retries=2)
    assert run_task_instance(dag, run, "wait").state == "up_for_reschedule"
    import time as clock

    clock.sleep(1.6)  # each poke is short: only the first poke's start can make this a timeout
    outcome = run_task_instance(dag, run, "wait")
    assert outcome.state == "failed" and "SensorTimeout" in outcome.error
    ti = task_instances.get_task_instance("resched", run.run_id, "wait")
    assert ti.try_number == 1  # not retried, although retries=2


def test_reschedule_timeout_with_soft_fail_skips(db):
    from tradewind.runtime.runner import run_task_instance

    dag, run = _sensor_run(python_callable=lambda: False, poke_interval=0, timeout=0, soft_fail=True)
    assert run_task_instance(dag, run, "wait").state == "skipped"  # the first poke is already past timeout=0


def test_reschedule_exception_is_a_task_control():
    exc = RescheduleTask(DATE)
    assert exc.reschedule_date == DATE and "2024-05-02" in str(exc)


def test_task_sensor_decorator_pokes_the_function(db):
    from tradewind import task
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.store import xcom

    pokes = []

    with DAG("deco", schedule=None) as dag:

        @task.sensor(poke_interval=0.01, timeout=5)
        def ready(threshold: int):
            pokes.append(1)
            return PokeReturnValue(len(pokes) >= threshold, xcom_value=len(pokes))

        ready(3)
    assert dag.get_task("ready").operator_name == "@task.sensor"
    run = create_manual_run(dag, sync_dag(dag), logical_date=DATE)
    assert run_task_instance(dag, run, "ready").state == "success"
    assert xcom.pull("deco", run.run_id, ["ready"]) == {("ready", -1): 3}


def test_external_task_marker_loads_and_does_nothing(db):
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.sensors.external_task import ExternalTaskMarker

    with DAG("marked", schedule=None) as dag:
        ExternalTaskMarker(task_id="mark", external_dag_id="child", external_task_id="wait")
    run = create_manual_run(dag, sync_dag(dag), logical_date=DATE)
    outcome = run_task_instance(dag, run, "mark")
    assert outcome.state == "success"
    from tradewind.store import task_instances

    rendered = task_instances.get_task_instance("marked", run.run_id, "mark").rendered_fields
    assert rendered["logical_date"] == DATE.isoformat()
    with pytest.raises(DagDefinitionError):
        ExternalTaskMarker(task_id="bad", external_dag_id="c", external_task_id="w", recursion_depth=0)
