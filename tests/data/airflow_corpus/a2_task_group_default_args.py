# expect: {"dag_id": "task_group_default_args", "state": "success", "tasks": {"load.first": "success", "load.second": "success", "after": "success"}, "xcom": {"load.first": "etl 4", "load.second": "etl 1", "after": "data-eng 0"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.utils.task_group import TaskGroup


def describe(**context):
    return f"{context['task'].owner} {context['task'].retries}"


with DAG(
    "task_group_default_args",
    start_date=datetime(2023, 1, 1),
    schedule=None,
    default_args={"owner": "data-eng", "retries": 0},
):
    with TaskGroup("load", default_args={"owner": "etl", "retries": 4}, tooltip="Load", ui_color="#eee") as load:
        PythonOperator(task_id="first", python_callable=describe)
        PythonOperator(task_id="second", python_callable=describe, retries=1)
    load >> PythonOperator(task_id="after", python_callable=describe)
