# expect: {"dag_id": "user_macros_filters", "state": "success", "tasks": {"render": "success"}, "xcom": {"render": "PROJECT-X s3://bucket/2024/03/05 HELLO"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator


def partition_path(ds):
    y, m, d = ds.split("-")
    return f"s3://bucket/{y}/{m}/{d}"


with DAG(
    "user_macros_filters",
    start_date=datetime(2023, 1, 1),
    schedule=None,
    user_defined_macros={"project": "project-x", "partition_path": partition_path},
    user_defined_filters={"shout": lambda s: s.upper()},
):
    BashOperator(
        task_id="render", bash_command="echo {{ project | shout }} {{ partition_path(ds) }} {{ 'hello' | shout }}"
    )
