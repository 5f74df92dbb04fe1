"""Airflow-style DAG files (the idioms of Airflow's docs and examples) run unchanged with `tradewind dags test`.

Each file is written as Airflow 2's documentation writes them (`import pendulum`, `with DAG(...,
start_date=pendulum.datetime(2021, 1, 1, tz="UTC"), catchup=False, tags=[...])`). The expected final
states are the ones `airflow dags test <dag> <date>` gives on Airflow 2.11 for the same date: its
LatestOnlyOperator, BranchDayOfWeekOperator, BranchDateTimeOperator and sensors decide as below.
"""

from __future__ import annotations

import json
from pathlib import Path

LATEST_ONLY = """
import datetime

import pendulum

from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.latest_only import LatestOnlyOperator
from airflow.utils.trigger_rule import TriggerRule

with DAG(
    dag_id="latest_only_with_trigger",
    schedule=datetime.timedelta(hours=4),
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example3"],
) as dag:
    latest_only = LatestOnlyOperator(task_id="latest_only")
    task1 = EmptyOperator(task_id="task1")
    task2 = EmptyOperator(task_id="task2")
    task3 = EmptyOperator(task_id="task3")
    task4 = EmptyOperator(task_id="task4", trigger_rule=TriggerRule.ALL_DONE)

    latest_only >> task1 >> [task3, task4]
    task2 >> [task3, task4]
"""

WEEKDAY_BRANCH = """
import pendulum

from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.weekday import BranchDayOfWeekOperator
from airflow.utils.weekday import WeekDay

with DAG(
    dag_id="example_weekday_branch_operator",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
    schedule="@daily",
) as dag:
    empty_task_1 = EmptyOperator(task_id="branch_true")
    empty_task_2 = EmptyOperator(task_id="branch_false")
    empty_task_3 = EmptyOperator(task_id="branch_weekend")
    empty_task_4 = EmptyOperator(task_id="branch_mid_week")

    branch = BranchDayOfWeekOperator(
        task_id="make_choice",
        follow_task_ids_if_true="branch_true",
        follow_task_ids_if_false="branch_false",
        week_day="Monday",
        use_task_logical_date=True,
    )
    branch_weekend = BranchDayOfWeekOperator(
        task_id="make_weekend_choice",
        follow_task_ids_if_true="branch_weekend",
        follow_task_ids_if_false="branch_mid_week",
        week_day={WeekDay.SATURDAY, WeekDay.SUNDAY},
        use_task_logical_date=True,
    )

    branch >> [empty_task_1, empty_task_2]
    empty_task_2 >> branch_weekend >> [empty_task_3, empty_task_4]
"""

SENSORS = """
from datetime import timedelta

import pendulum

from airflow.models.dag import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.bash import BashSensor
from airflow.sensors.time_delta import TimeDeltaSensorAsync
from airflow.sensors.weekday import DayOfWeekSensor
from airflow.utils.trigger_rule import TriggerRule
from airflow.utils.weekday import WeekDay

with DAG(
    dag_id="example_sensors",
    schedule=None,
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
) as dag:
    t0 = TimeDeltaSensorAsync(task_id="wait_some_seconds_async", delta=timedelta(seconds=1), poke_interval=1)
    t1 = BashSensor(task_id="Sensor_succeeds", bash_command="exit 0")
    t2 = BashSensor(
        task_id="Sensor_fails_after_3_seconds", timeout=2, poke_interval=1, soft_fail=True, bash_command="exit 1"
    )
    t3 = DayOfWeekSensor(
        task_id="week_day_sensor_failing_on_timeout",
        timeout=2,
        poke_interval=1,
        soft_fail=True,
        week_day=WeekDay.MONDAY,
        use_task_logical_date=True,
    )
    t4 = DayOfWeekSensor(task_id="week_day_sensor_saturday", week_day="Saturday", use_task_logical_date=True)
    tx = BashOperator(task_id="print_date_in_bash", bash_command="date")
    tx.trigger_rule = TriggerRule.NONE_FAILED
    [t0, t1, t2, t3, t4] >> tx
"""

AMSTERDAM = """
import datetime

import pendulum

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.datetime import BranchDateTimeOperator
from airflow.operators.empty import EmptyOperator


def on_sla_miss(*args):
    print("SLA missed")


with DAG(
    dag_id="amsterdam_reports",
    schedule="0 5 * * *",
    start_date=pendulum.datetime(2021, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    tags=["example"],
    dag_display_name="Amsterdam reports",
    sla_miss_callback=on_sla_miss,
    default_args={"owner": "airflow", "sla": datetime.timedelta(hours=1)},
) as dag:
    in_march = BranchDateTimeOperator(
        task_id="in_march",
        use_task_logical_date=True,
        target_lower=pendulum.datetime(2024, 3, 1, tz="Europe/Amsterdam"),
        target_upper=pendulum.datetime(2024, 4, 1, tz="Europe/Amsterdam"),
        follow_task_ids_if_true="spring_report",
        follow_task_ids_if_false="other_report",
    )
    spring = BashOperator(
        task_id="spring_report",
        bash_command=(
            'echo "day before: {{ data_interval_start.subtract(days=1).to_date_string() }}'
            ' tokyo: {{ logical_date.in_timezone(\\'Asia/Tokyo\\') }}'
            ' local start: {{ data_interval_start.in_timezone(dag.timezone.name).to_datetime_string() }}"'
        ),
    )
    other = EmptyOperator(task_id="other_report")
    in_march >> [spring, other]
"""


def _states(cli, dag_id: str, *date: str) -> tuple[dict[str, str], dict[str, dict]]:
    r = cli("dags", "test", dag_id, *date, "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    tis = {ti["task_id"]: ti for ti in report["task_instances"]}
    return {task_id: ti["state"] for task_id, ti in tis.items()}, tis


def test_airflow_idiom_files_list_without_import_errors(cli, write_dag) -> None:
    for name, source in (
        ("latest_only.py", LATEST_ONLY),
        ("weekday.py", WEEKDAY_BRANCH),
        ("sensors.py", SENSORS),
        ("amsterdam.py", AMSTERDAM),
    ):
        write_dag(name, source)
    errors = cli("dags", "list-import-errors", "-o", "json")
    assert errors.code == 0 and json.loads(errors.out or "[]") == [], errors.out
    listed = cli("dags", "list", "-o", "json")
    assert {d["dag_id"] for d in json.loads(listed.out)} == {
        "latest_only_with_trigger",
        "example_weekday_branch_operator",
        "example_sensors",
        "amsterdam_reports",
    }


def test_latest_only_skips_an_old_interval_and_runs_the_latest(cli, write_dag) -> None:
    write_dag("latest_only.py", LATEST_ONLY)
    old, _ = _states(cli, "latest_only_with_trigger", "2024-03-05")
    assert old == {
        "latest_only": "success",
        "task1": "skipped",
        "task2": "success",
        "task3": "skipped",
        "task4": "success",
    }
    now, _ = _states(cli, "latest_only_with_trigger")  # no date: now, the latest interval
    assert now == {task_id: "success" for task_id in old}


def test_branch_day_of_week_on_a_saturday(cli, write_dag) -> None:
    write_dag("weekday.py", WEEKDAY_BRANCH)
    states, _ = _states(cli, "example_weekday_branch_operator", "2024-03-09")  # a Saturday
    assert states == {
        "make_choice": "success",
        "branch_true": "skipped",
        "branch_false": "success",
        "make_weekend_choice": "success",
        "branch_weekend": "success",
        "branch_mid_week": "skipped",
    }


def test_sensors_soft_fail_and_succeed(cli, write_dag) -> None:
    write_dag("sensors.py", SENSORS)
    states, _ = _states(cli, "example_sensors", "2024-03-09")  # a Saturday: the Monday sensor soft-fails
    assert states == {
        "wait_some_seconds_async": "success",
        "Sensor_succeeds": "success",
        "Sensor_fails_after_3_seconds": "skipped",
        "week_day_sensor_failing_on_timeout": "skipped",
        "week_day_sensor_saturday": "success",
        "print_date_in_bash": "success",
    }


def test_timezone_aware_dag_branches_and_renders_pendulum_templates(cli, write_dag) -> None:
    write_dag("amsterdam.py", AMSTERDAM)
    states, tis = _states(cli, "amsterdam_reports", "2024-03-31")  # the day Amsterdam moves to summer time
    assert states == {"in_march": "success", "spring_report": "success", "other_report": "skipped"}
    log = Path(tis["spring_report"]["log_path"]).read_text()
    # the manual run of 2024-03-31 00:00 UTC covers 29 Mar 05:00 → 30 Mar 05:00 Amsterdam time
    assert "day before: 2024-03-28" in log
    assert "tokyo: 2024-03-31 09:00:00+09:00" in log
    assert "local start: 2024-03-29 05:00:00" in log


SKIP_CALLBACK = """
from pathlib import Path

import pendulum

from airflow import DAG
from airflow.operators.bash import BashOperator


def note_skip(context):
    (Path(__file__).parent / "skipped.txt").write_text(context["ti"].task_id)


with DAG(dag_id="skip_callback", schedule=None, start_date=pendulum.datetime(2021, 1, 1, tz="UTC"), catchup=False):
    BashOperator(task_id="skips_itself", bash_command="exit 99", on_skipped_callback=note_skip)
"""


def test_on_skipped_callback_runs_when_a_task_skips_itself(cli, write_dag, dags_dir: Path) -> None:
    write_dag("skip_callback.py", SKIP_CALLBACK)
    states, _ = _states(cli, "skip_callback")
    assert states == {"skips_itself": "skipped"}
    assert (dags_dir / "skipped.txt").read_text() == "skips_itself"
