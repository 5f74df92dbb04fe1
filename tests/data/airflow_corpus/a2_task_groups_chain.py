# expect: {"dag_id": "task_groups_chain", "state": "success", "tasks": {"extract.pull": "success", "transform.clean": "failed", "transform.enrich": "upstream_failed", "load.write": "upstream_failed", "notify": "success"}}
# The only leaf (notify, trigger rule "always") succeeds, so the run succeeds although a task failed.
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import chain
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.utils.task_group import TaskGroup

with DAG("task_groups_chain", start_date=datetime(2023, 1, 1), schedule=None, default_args={"retries": 0}):
    with TaskGroup("extract") as extract:
        EmptyOperator(task_id="pull")
    with TaskGroup("transform") as transform:
        BashOperator(task_id="clean", bash_command="exit 1") >> EmptyOperator(task_id="enrich")
    with TaskGroup("load") as load:
        EmptyOperator(task_id="write")
    notify = EmptyOperator(task_id="notify", trigger_rule="always")
    chain(extract, transform, load, notify)
