# expect: {"dag_id": "latest_only_unscheduled", "state": "success", "tasks": {"latest_only": "success", "publish": "success"}}
# A DAG with no schedule has no next interval: LatestOnlyOperator lets everything run.
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.latest_only import LatestOnlyOperator

with DAG("latest_only_unscheduled", start_date=datetime(2023, 1, 1), schedule=None):
    LatestOnlyOperator(task_id="latest_only") >> EmptyOperator(task_id="publish")
