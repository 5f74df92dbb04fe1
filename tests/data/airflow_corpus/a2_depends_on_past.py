# expect: {"dag_id": "depends_on_past_first_run", "state": "success", "tasks": {"extract": "success", "load": "success"}}
# The first run has no previous run: depends_on_past and wait_for_downstream do not hold it back.
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(
    "depends_on_past_first_run",
    start_date=datetime(2024, 3, 1),
    schedule="@daily",
    catchup=False,
    default_args={"depends_on_past": True, "wait_for_downstream": True},
    max_active_runs=1,
):
    EmptyOperator(task_id="extract") >> EmptyOperator(task_id="load")
