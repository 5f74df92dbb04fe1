# expect: {"dag_id": "latest_only_once", "state": "success", "tasks": {"latest_only": "success", "after": "success"}}
# An @once DAG has no interval after its run: LatestOnlyOperator lets its downstream run.
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.latest_only import LatestOnlyOperator

with DAG("latest_only_once", start_date=datetime(2023, 1, 1), schedule="@once"):
    LatestOnlyOperator(task_id="latest_only") >> EmptyOperator(task_id="after")
