"""An unchanged Airflow DAG file with deferrable tasks completes under `dags test`, with no triggerer:
the triggers run in the task's process (as Airflow's `dags test` runs them in process)."""

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


def test_the_scheduler_runs_a_deferrable_dag_in_its_workers(scheduler, write_dag) -> None:
    """Under the real scheduler and local executor the trigger runs in the forked task process."""
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, task_instances, xcom

    from scheduler_process import finished, wait_for

    write_dag("deferring.py", DEFERRING)
    scheduler.start()
    wait_for(lambda: dags.get_dag("deferring") is not None, what="the DAG to be parsed")
    run = trigger_dag("deferring")
    (done,) = wait_for(finished("deferring"), what="the deferring run")
    assert done.state == "success"
    answer = task_instances.get_task_instance("deferring", run.run_id, "wait_then_answer")
    assert answer.try_number == 1
    assert xcom.pull("deferring", run.run_id, ["wait_then_answer"])[("wait_then_answer", -1)]["answer"] == 42
