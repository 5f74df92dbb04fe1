"""Deferred tasks under the real scheduler and a real `tradewind triggerer` process: the instance is `deferred`
and holds no worker slot while it waits, resumes in the same try, times out, and survives a killed triggerer."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from scheduler_process import SchedulerProcess, finished, wait_for

pytestmark = pytest.mark.timeout(120)

DAG_FILE = """
from datetime import timedelta

import pendulum

from airflow.models.baseoperator import BaseOperator
from airflow.models.dag import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.time_delta import TimeDeltaSensor
from airflow.triggers.temporal import TimeDeltaTrigger


class WaitThenAnswer(BaseOperator):
    def __init__(self, *, seconds, defer_timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.seconds, self.defer_timeout = seconds, defer_timeout

    def execute(self, context):
        context["ti"].xcom_push("before", "kept")
        self.defer(
            trigger=TimeDeltaTrigger(timedelta(seconds=self.seconds)),
            method_name="execute_complete",
            kwargs={"n": 41},
            timeout=None if self.defer_timeout is None else timedelta(seconds=self.defer_timeout),
        )

    def execute_complete(self, context, n, event=None):
        return {"answer": n + 1, "event": event, "before": context["ti"].xcom_pull(key="before")}


with DAG("deferring", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):
    WaitThenAnswer(task_id="wait_then_answer", seconds=SECONDS, priority_weight=10)
    TimeDeltaSensor(task_id="sensor", delta=timedelta(seconds=SECONDS), deferrable=True, priority_weight=9)
    BashOperator(task_id="other", bash_command="sleep 0.5", priority_weight=1)

with DAG("late", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):
    WaitThenAnswer(task_id="times_out", seconds=600, defer_timeout=1.5, retries=0)
"""


def ti_of(dag_id: str, run_id: str, task_id: str):
    from tradewind.store import task_instances

    return task_instances.get_task_instance(dag_id, run_id, task_id)


@pytest.fixture
def triggerer(tradewind_home: Path):
    procs: list[SchedulerProcess] = []

    def start() -> SchedulerProcess:
        procs.append(SchedulerProcess(tradewind_home, tradewind_home / "triggerer.out", "triggerer").start())
        return procs[-1]

    yield start
    for proc in procs:
        proc.stop()


def test_a_deferred_task_frees_its_slot_and_resumes_after_the_triggerer_is_killed(
    scheduler, triggerer, write_dag
) -> None:
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, tries, xcom

    write_dag("deferring.py", DAG_FILE.replace("SECONDS", "5"))
    scheduler.start(TRADEWIND__CORE__PARALLELISM="1")
    first = triggerer()
    wait_for(lambda: dags.get_dag("deferring") is not None, what="the DAG to be parsed")
    run = trigger_dag("deferring")
    wait_for(lambda: ti_of("deferring", run.run_id, "wait_then_answer").state == "deferred", what="the deferral")
    # parallelism 1: the other tasks run only because the deferred one gave its slot back
    wait_for(lambda: ti_of("deferring", run.run_id, "other").state == "success", what="the other task")
    assert ti_of("deferring", run.run_id, "sensor").state == "deferred"
    time.sleep(1.2)  # the triggerer has picked the triggers up
    first.stop(signal.SIGKILL)
    triggerer()  # a new triggerer starts the stored triggers again
    (done,) = wait_for(finished("deferring"), timeout=60, what="the deferring run")
    assert done.state == "success", scheduler.output()
    answer = ti_of("deferring", run.run_id, "wait_then_answer")
    other = ti_of("deferring", run.run_id, "other")
    assert answer.try_number == 1 and answer.next_method is None and answer.trigger_id is None
    assert other.end_date < answer.end_date
    got = xcom.pull("deferring", run.run_id, ["wait_then_answer"])[("wait_then_answer", -1)]
    assert got["answer"] == 42 and isinstance(got["event"], str) and got["before"] == "kept"
    assert [t.try_number for t in tries.list_tries("deferring", run.run_id, "wait_then_answer")] == [1]
    log = Path(answer.log_path).read_text(encoding="utf-8")
    assert "Pausing task as DEFERRED" in log and "Marking task as SUCCESS" in log


def test_a_deferral_past_its_timeout_fails_the_task(scheduler, triggerer, write_dag) -> None:
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    write_dag("deferring.py", DAG_FILE.replace("SECONDS", "5"))
    scheduler.start()
    triggerer()
    wait_for(lambda: dags.get_dag("late") is not None, what="the DAG to be parsed")
    run = trigger_dag("late")
    (done,) = wait_for(finished("late"), timeout=60, what="the late run")
    assert done.state == "failed"
    ti = ti_of("late", run.run_id, "times_out")
    assert ti.state == "failed" and ti.try_number == 1
    assert "TaskDeferralTimeout" in Path(ti.log_path).read_text(encoding="utf-8")
