# expect: {"dag_id": "default_args_demo", "state": "success", "tasks": {"uses_defaults": "success", "overrides": "success"}, "xcom": {"uses_defaults": "data-eng 3 0:05:00 2", "overrides": "alice 0 0:05:00 2"}}
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.python import PythonOperator

default_args = {
    "owner": "data-eng",
    "depends_on_past": False,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "priority_weight": 2,
    "email_on_failure": False,
    "queue": "default",
    "pool": "default_pool",
}


def describe(**context):
    task = context["task"]
    return f"{task.owner} {task.retries} {task.retry_delay} {task.priority_weight}"


with DAG("default_args_demo", default_args=default_args, start_date=datetime(2023, 1, 1), schedule=None) as dag:
    PythonOperator(task_id="uses_defaults", python_callable=describe)
    PythonOperator(task_id="overrides", python_callable=describe, owner="alice", retries=0)
