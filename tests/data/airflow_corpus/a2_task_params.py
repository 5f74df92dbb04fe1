# expect: {"dag_id": "task_level_params", "state": "success", "tasks": {"t1": "success", "t2": "success"}, "xcom": {"t1": "eu 1", "t2": "us 1"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("task_level_params", start_date=datetime(2023, 1, 1), schedule=None, params={"region": "eu", "version": 1}):
    BashOperator(task_id="t1", bash_command="echo {{ params.region }} {{ params.version }}")
    BashOperator(task_id="t2", bash_command="echo {{ params.region }} {{ params.version }}", params={"region": "us"})
