"""An unchanged Airflow DAG file with deferrable tasks completes under `dags test`, with no triggerer running:
the triggers run in the task's process (as Airflow's `dags test` runs them in process), or, when the tasks
run in the executor's processes and defer, in the `dags test` process itself.
Under the scheduler and a `tradewind triggerer`: tests/e2e/test_triggerer.py."""

from __future__ import annotations

import json
import time

DEFERRING = """
from datetime import datetime, timedelta, timezone

import pendulum

from airflow.models.baseoperator import BaseOperator
from airflow.models.dag import DAG
from airflow.operators.python import PythonOperator
from airflow.sensors.date_time import DateTimeSensorAsync
from airflow.sensors.time_delta import TimeDeltaSensor
from airflow.triggers.temporal import TimeDeltaTrigger


class WaitThenAnswer(BaseOperator):
    def execute(self, context):
        self.defer(trigger=TimeDeltaTrigger(timedelta(seconds=1)), method_name="execute_complete", kwargs={"n": 41})

    def execute_complete(self, context, n, event=None):
        return {"answer": n + 1, "event": event}


def check(ti):
    got = ti.xcom_pull(task_ids="wait_then_answer")
    assert got["answer"] == 42 and isinstance(got["event"], str), got


with DAG(
    dag_id="deferring",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    soon = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat()
    at = DateTimeSensorAsync(task_id="wait_until_soon", target_time=soon)
    passed = TimeDeltaSensor(task_id="interval_end_passed", delta=timedelta(0), deferrable=True)
    answer = WaitThenAnswer(task_id="wait_then_answer")
    [at, passed] >> answer >> PythonOperator(task_id="check", python_callable=check)
"""


def test_dags_test_completes_a_deferrable_dag_without_a_triggerer(cli, write_dag) -> None:
    write_dag("deferring.py", DEFERRING)
    started = time.monotonic()
    r = cli("dags", "test", "deferring", "2024-03-05", "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["state"] == "success"
    assert {ti["task_id"]: ti["state"] for ti in report["task_instances"]} == {
        "wait_until_soon": "success",
        "interval_end_passed": "success",
        "wait_then_answer": "success",
        "check": "success",
    }
    assert time.monotonic() - started >= 1  # the trigger's wait happened


def test_dags_test_with_the_executor_runs_the_triggers_itself(cli, write_dag) -> None:
    """--use-executor: the task processes defer (state deferred); dags test runs their triggers, as a triggerer."""
    write_dag("deferring.py", DEFERRING)
    r = cli("dags", "test", "deferring", "2024-03-05", "--use-executor", "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["state"] == "success", report
    assert {ti["task_id"]: ti["try_number"] for ti in report["task_instances"]}["wait_then_answer"] == 1
