"""DAG files written for Airflow, `airflow` imports untouched, load with `dags list` and run with `dags test`."""

from __future__ import annotations

import json
from pathlib import Path

# Airflow 2's classic tutorial: default_args, a templated Bash command, `>>` to a list.
TUTORIAL = '''
"""
### Tutorial Documentation
Documentation that goes along with the Airflow tutorial.
"""
from datetime import datetime, timedelta
from textwrap import dedent

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    "tutorial",
    default_args={
        "depends_on_past": False,
        "email": ["airflow@example.com"],
        "email_on_failure": False,
        "email_on_retry": False,
        "retries": 1,
        "retry_delay": timedelta(minutes=5),
    },
    description="A simple tutorial DAG",
    schedule=timedelta(days=1),
    start_date=datetime(2021, 1, 1),
    catchup=False,
    tags=["example"],
) as dag:
    t1 = BashOperator(task_id="print_date", bash_command="date")
    t2 = BashOperator(task_id="sleep", depends_on_past=False, bash_command="sleep 1", retries=3)
    t1.doc_md = dedent("""#### Task Documentation""")
    dag.doc_md = __doc__
    templated_command = dedent(
        """
    {% for i in range(2) %}
        echo "{{ ds }}"
        echo "{{ macros.ds_add(ds, 7)}}"
    {% endfor %}
    """
    )
    t3 = BashOperator(task_id="templated", depends_on_past=False, bash_command=templated_command)
    t1 >> [t2, t3]
'''

# Airflow's TaskFlow tutorial (with `datetime` where it uses pendulum), plus the context helper.
TASKFLOW = """
import json
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.python import get_current_context


@dag(schedule=None, start_date=datetime(2021, 1, 1), catchup=False, tags=["example"])
def tutorial_taskflow_api():
    @task()
    def extract():
        data_string = '{"1001": 301.27, "1002": 433.21, "1003": 502.22}'
        return json.loads(data_string)

    @task(multiple_outputs=True)
    def transform(order_data_dict: dict):
        return {"total_order_value": sum(order_data_dict.values())}

    @task()
    def load(total_order_value: float):
        assert get_current_context()["dag"].dag_id == "tutorial_taskflow_api"
        print(f"Total order value is: {total_order_value:.2f}")
        return round(total_order_value, 2)

    order_summary = transform(extract())
    load(order_summary["total_order_value"])


tutorial_taskflow_api()
"""


def test_unmodified_airflow_dag_files_list_and_run(cli, write_dag) -> None:
    write_dag("tutorial.py", TUTORIAL)
    write_dag("tutorial_taskflow_api.py", TASKFLOW)

    listed = cli("dags", "list", "-o", "json")
    assert listed.code == 0, listed.err
    assert {d["dag_id"] for d in json.loads(listed.out)} == {"tutorial", "tutorial_taskflow_api"}

    r = cli("dags", "test", "tutorial", "2024-03-05", "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["state"] == "success"
    tis = {ti["task_id"]: ti for ti in report["task_instances"]}
    assert {t: ti["state"] for t, ti in tis.items()} == {
        "print_date": "success",
        "sleep": "success",
        "templated": "success",
    }
    log = Path(tis["templated"]["log_path"]).read_text()
    assert "2024-03-05" in log and "2024-03-12" in log  # ds and macros.ds_add(ds, 7), rendered by Jinja

    r = cli("dags", "test", "tutorial_taskflow_api", "-o", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["state"] == "success"
    assert {ti["task_id"]: ti["state"] for ti in report["task_instances"]} == {
        "extract": "success",
        "transform": "success",
        "load": "success",
    }
    from tradewind.store import xcom

    assert xcom.pull("tutorial_taskflow_api", report["run_id"], ["load"])[("load", -1)] == 1236.7
