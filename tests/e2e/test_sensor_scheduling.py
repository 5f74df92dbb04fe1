"""End to end: sensors under a real scheduler (reschedule frees the slot) and under `dags test`."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from scheduler_process import wait_for

pytestmark = pytest.mark.timeout(120)

DATE = datetime(2024, 5, 1, tzinfo=timezone.utc)


def ti_of(dag_id: str, run_id: str, task_id: str):
    from tradewind.store import task_instances

    return task_instances.get_task_instance(dag_id, run_id, task_id)


def run_state(dag_id: str, run_id: str) -> str | None:
    from tradewind.store import runs

    run = runs.get_dag_run(dag_id, run_id)
    return run.state if run is not None and run.state in ("success", "failed") else None


def parsed(*dag_ids: str):
    from tradewind.store import dags

    return lambda: all(dags.get_dag(d) is not None for d in dag_ids)


def test_reschedule_frees_the_slot_while_waiting_for_another_dag(scheduler, write_dag, tradewind_home):
    """parallelism=1: DAG A's task can only run while B's sensor waits if the sensor gives its slot back."""
    marker = tradewind_home / "let-a-finish"
    write_dag(
        "a.py",
        f"""
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("dag_a", schedule=None):
            BashOperator(task_id="work", bash_command="while [ ! -e {marker} ]; do sleep 0.1; done; echo done")
    """,
    )
    write_dag(
        "b.py",
        """
        from tradewind import DAG
        from tradewind.operators.empty import EmptyOperator
        from tradewind.sensors.external_task import ExternalTaskSensor
        with DAG("dag_b", schedule=None):
            ExternalTaskSensor(task_id="wait_a", external_dag_id="dag_a", external_task_id="work",
                               mode="reschedule", poke_interval=0.5, timeout=300, retries=0) >> EmptyOperator(task_id="after")
    """,
    )
    scheduler.start(TRADEWIND__CORE__PARALLELISM="1")
    from tradewind.scheduler.trigger import trigger_dag

    wait_for(parsed("dag_a", "dag_b"), what="both DAGs to be parsed")
    run_b = trigger_dag("dag_b", logical_date=DATE)
    waiting = wait_for(
        lambda: (t := ti_of("dag_b", run_b.run_id, "wait_a")).state == "up_for_reschedule" and t,
        what="the sensor to be up_for_reschedule",
    )
    assert waiting.reschedule_at is not None and waiting.try_number == 1

    run_a = trigger_dag("dag_a", logical_date=DATE)
    # A's task gets the only slot although B's sensor has not finished: the sensor does not hold it
    wait_for(lambda: ti_of("dag_a", run_a.run_id, "work").state == "running", what="A's task to run")
    sensor = ti_of("dag_b", run_b.run_id, "wait_a")
    assert sensor.state in ("up_for_reschedule", "scheduled", "queued"), sensor.state

    marker.touch()
    assert wait_for(lambda: run_state("dag_a", run_a.run_id), what="run A") == "success"
    assert wait_for(lambda: run_state("dag_b", run_b.run_id), what="run B") == "success"
    sensor = ti_of("dag_b", run_b.run_id, "wait_a")
    assert sensor.state == "success" and sensor.try_number == 1  # reschedules used no retry
    from tradewind.store import reschedules, tries

    pokes = reschedules.list_reschedules("dag_b", run_b.run_id, "wait_a")
    assert pokes and all(p.try_number == 1 for p in pokes)
    assert [t.state for t in tries.list_tries("dag_b", run_b.run_id, "wait_a")] == ["success"]


def test_sensor_outcomes_timeout_soft_fail_failed_states_and_file(scheduler, write_dag, tradewind_home):
    incoming = tradewind_home / "incoming"
    incoming.mkdir()
    write_dag(
        "upstream.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("upstream", schedule=None):
            BashOperator(task_id="boom", bash_command="exit 1", retries=0)
    """,
    )
    write_dag(
        "sensors.py",
        f"""
        from tradewind import DAG
        from tradewind.sensors.external_task import ExternalTaskSensor
        from tradewind.sensors.filesystem import FileSensor
        from tradewind.sensors.python import PythonSensor
        with DAG("sensors", schedule=None, default_args={{"retries": 2}}):
            PythonSensor(task_id="times_out", python_callable=lambda: False, mode="reschedule",
                         poke_interval=0.3, timeout=1.5)
            PythonSensor(task_id="soft", python_callable=lambda: False, poke_interval=0.3, timeout=1, soft_fail=True)
            ExternalTaskSensor(task_id="sees_failure", external_dag_id="upstream", external_task_id="boom",
                               failed_states=["failed"], mode="reschedule", poke_interval=0.3, timeout=60)
            FileSensor(task_id="file", filepath="{incoming}/{{{{ ds_nodash }}}}-*.csv", poke_interval=0.2, timeout=60)
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag

    wait_for(parsed("upstream", "sensors"), what="the DAGs to be parsed")
    run = trigger_dag("sensors", logical_date=DATE)
    wait_for(lambda: ti_of("sensors", run.run_id, "file").state == "running", what="the file sensor to poke")
    trigger_dag("upstream", logical_date=DATE)
    (incoming / "20240430-data.csv").write_text("a,b\n")  # another day's file: not a match
    time.sleep(0.6)  # a few pokes
    assert ti_of("sensors", run.run_id, "file").state == "running"
    (incoming / "20240501-data.csv").write_text("a,b\n")
    assert wait_for(lambda: run_state("sensors", run.run_id), what="the sensors run") == "failed"
    tis = {t: ti_of("sensors", run.run_id, t) for t in ("times_out", "soft", "sees_failure", "file")}
    assert {t: ti.state for t, ti in tis.items()} == {
        "times_out": "failed",
        "soft": "skipped",
        "sees_failure": "failed",
        "file": "success",
    }
    # a sensor timeout and a failed external task fail at once: no retry despite retries=2
    assert tis["times_out"].try_number == 1 and tis["sees_failure"].try_number == 1
    log = Path(tis["times_out"].log_path).read_text(encoding="utf-8")
    assert "SensorTimeout" in log and "UP_FOR_RESCHEDULE" in log


def test_dags_test_runs_a_rescheduled_python_sensor(cli, write_dag):
    write_dag(
        "inline.py",
        """
        from datetime import datetime
        from pathlib import Path
        from tradewind import DAG
        from tradewind.operators.python import PythonOperator
        from tradewind.sensors.base import PokeReturnValue
        from tradewind.sensors.python import PythonSensor

        def third_poke(ti):
            pokes = Path(ti.log_filepath).read_text().count("Poking callable")
            return PokeReturnValue(pokes >= 3, xcom_value=pokes)

        def report(ti):
            return ti.xcom_pull(task_ids="wait")

        with DAG("inline_sensor", schedule=None, start_date=datetime(2024, 1, 1)):
            PythonSensor(task_id="wait", python_callable=third_poke, mode="reschedule", poke_interval=1,
                         timeout=60) >> PythonOperator(task_id="report", python_callable=report)
    """,
    )
    r = cli("dags", "test", "inline_sensor", "2024-01-01", "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["state"] == "success"
    wait = next(t for t in report["task_instances"] if t["task_id"] == "wait")
    assert wait["state"] == "success" and wait["try_number"] == 1
    from tradewind.store import reschedules, xcom

    assert len(reschedules.list_reschedules("inline_sensor", report["run_id"], "wait")) == 2
    assert xcom.pull("inline_sensor", report["run_id"], ["report"]) == {("report", -1): 3}
