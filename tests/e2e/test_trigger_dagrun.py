"""End to end: TriggerDagRunOperator under a real scheduler (two worker slots: the waiter holds one)."""

from __future__ import annotations

import pytest

from scheduler_process import finished, parsed, runs_of, wait_for

pytestmark = pytest.mark.timeout(120)

TARGET = """
    from tradewind import DAG
    from tradewind.operators.bash import BashOperator
    with DAG("target", schedule=None, params={"who": "nobody", "fail": False}):
        BashOperator(task_id="work", bash_command="echo hello {{ params.who }}; {{ 'exit 1' if params.fail == 'True' else 'true' }}")
"""

CONTROLLER = """
    from tradewind import DAG
    from tradewind.operators.trigger_dagrun import TriggerDagRunOperator
    with DAG("controller", schedule=None, params={{"fail": False}}):
        TriggerDagRunOperator(
            task_id="trigger", trigger_dag_id="{target}", trigger_run_id="from_{{{{ run_id }}}}",
            conf={{"who": "{{{{ dag.dag_id }}}}", "fail": "{{{{ params.fail }}}}"}},
            wait_for_completion=True, poke_interval=0.2, retries=0, {extra}
        )
"""


def start(scheduler, write_dag, target: str = "target", extra: str = "") -> None:
    write_dag("target.py", TARGET)
    write_dag("controller.py", CONTROLLER.format(target=target, extra=extra))
    scheduler.start(TRADEWIND__CORE__PARALLELISM="2")
    wait_for(parsed("target", "controller"), what="both DAGs parsed")


def test_waits_for_target_and_succeeds_with_conf(scheduler, write_dag):
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import task_instances, xcom

    start(scheduler, write_dag)
    controller = trigger_dag("controller")
    done = wait_for(finished("controller"), what="the controller run")[0]
    assert done.state == "success"
    [target] = runs_of("target")
    assert target.state == "success"
    assert target.run_id == f"from_{controller.run_id}" and target.run_type == "manual"
    assert target.conf == {"who": "controller", "fail": "False"}
    assert xcom.pull("target", target.run_id, ["work"]) == {("work", -1): "hello controller"}
    pushed = xcom.pull("controller", controller.run_id, ["trigger"], key="trigger_run_id")
    assert pushed == {("trigger", -1): target.run_id}
    for key in ("trigger_logical_date_iso", "trigger_execution_date_iso"):  # Airflow 2.10's key and the older one
        dates = xcom.pull("controller", controller.run_id, ["trigger"], key=key)
        assert dates == {("trigger", -1): target.logical_date.isoformat()}, key
    trigger_ti = task_instances.get_task_instance("controller", controller.run_id, "trigger")
    assert trigger_ti.end_date >= target.end_date  # it really waited for the target to finish


def test_fails_when_target_fails(scheduler, write_dag):
    from tradewind.scheduler.trigger import trigger_dag

    start(scheduler, write_dag)
    trigger_dag("controller", conf={"fail": True})
    done = wait_for(finished("controller"), what="the controller run")[0]
    assert done.state == "failed"
    [target] = runs_of("target")
    assert target.state == "failed"
    log = _trigger_log(done.run_id)
    assert "TriggeredDagRunFailed" in log and "failed state failed" in log


def test_reset_dag_run_clears_and_reruns_the_existing_run(scheduler, write_dag):
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import task_instances

    start(scheduler, write_dag, extra="reset_dag_run=True")
    first = trigger_dag("controller", run_id="same")
    wait_for(finished("controller"), what="the first controller run")
    target_run = f"from_{first.run_id}"
    first_end = task_instances.get_task_instance("target", target_run, "work").end_date
    from tradewind.actions.runs import clear

    clear("controller", first.run_id)  # the same run id again: the target run exists already

    def second_try_done():
        ti = task_instances.get_task_instance("controller", first.run_id, "trigger")
        return ti.try_number >= 2 and ti.state in ("success", "failed")

    wait_for(second_try_done, what="the trigger task's second try")
    done = wait_for(finished("controller"), what="the cleared controller run")[0]
    assert done.state == "success"
    [target] = runs_of("target")  # reset, not a second run
    work = task_instances.get_task_instance("target", target_run, "work")
    assert target.state == "success" and work.end_date > first_end


def test_unknown_target_dag_fails_with_a_clear_error(scheduler, write_dag):
    from tradewind.scheduler.trigger import trigger_dag

    start(scheduler, write_dag, target="no_such_dag")
    trigger_dag("controller")
    done = wait_for(finished("controller"), what="the controller run")[0]
    assert done.state == "failed"
    assert "DAG 'no_such_dag' is not in the database" in _trigger_log(done.run_id)


def _trigger_log(run_id: str) -> str:
    from pathlib import Path

    from tradewind.store import task_instances

    ti = task_instances.get_task_instance("controller", run_id, "trigger")
    return Path(ti.log_path).read_text()


def test_argument_mistakes_fail_when_the_dag_file_loads():
    from datetime import datetime

    from tradewind.exceptions import DagDefinitionError
    from tradewind.operators.trigger_dagrun import TriggerDagRunOperator

    for bad in (
        {"conf": {"when": datetime(2024, 1, 1)}},
        {"logical_date": 20240101},
        {"poke_interval": -1},
        {"poke_interval": "often"},
    ):
        with pytest.raises(DagDefinitionError):
            TriggerDagRunOperator(task_id="t", trigger_dag_id="target", **bad)
    templated = TriggerDagRunOperator(
        task_id="t",
        trigger_dag_id="target",
        conf={"day": "{{ ds }}"},
        logical_date="{{ logical_date }}",
        poke_interval=0,
    )
    assert templated.conf == {"day": "{{ ds }}"} and templated.poke_interval == 0
