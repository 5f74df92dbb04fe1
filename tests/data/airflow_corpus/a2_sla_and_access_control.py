# expect: {"dag_id": "sla_and_access_control", "state": "success", "tasks": {"extract": "success", "load": "success"}}
# Arguments Tradewind has no use for (SLAs, per-DAG access control) are accepted; `dags check-compat` lists them as warnings.
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator


def sla_missed(dag, task_list, blocking_task_list, slas, blocking_tis):
    print("SLA missed", task_list)


with DAG(
    "sla_and_access_control",
    start_date=datetime(2023, 1, 1),
    schedule="@daily",
    catchup=False,
    sla_miss_callback=sla_missed,
    access_control={"Viewer": {"can_read"}},
    default_args={"sla": timedelta(hours=1)},
):
    BashOperator(task_id="extract", bash_command="echo extract") >> BashOperator(
        task_id="load", bash_command="echo load"
    )
