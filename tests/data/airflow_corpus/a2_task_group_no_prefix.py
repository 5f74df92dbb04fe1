# expect: {"dag_id": "task_group_no_prefix", "state": "success", "tasks": {"extract_a": "success", "extract_b": "success", "merge": "success", "publish": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.utils.task_group import TaskGroup

with DAG("task_group_no_prefix", start_date=datetime(2023, 1, 1), schedule=None) as dag:
    with TaskGroup("extract", prefix_group_id=False, default_args={"retries": 2}) as extract:
        a = EmptyOperator(task_id="extract_a")
        b = EmptyOperator(task_id="extract_b")
    merge = EmptyOperator(task_id="merge")
    publish = EmptyOperator(task_id="publish")
    extract >> merge >> publish
    assert a.retries == 2 and b.retries == 2
