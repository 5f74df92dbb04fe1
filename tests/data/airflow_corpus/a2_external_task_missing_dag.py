# expect: {"dag_id": "waits_for_missing_dag", "state": "failed", "tasks": {"wait_upstream": "failed", "after": "upstream_failed"}}
# check_existence=True: the external DAG does not exist, so the sensor fails at its first poke.
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.sensors.external_task import ExternalTaskSensor

with DAG("waits_for_missing_dag", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    ExternalTaskSensor(
        task_id="wait_upstream",
        external_dag_id="no_such_upstream_dag",
        external_task_id=None,
        execution_delta=timedelta(hours=1),
        check_existence=True,
        timeout=30,
        poke_interval=1,
    ) >> EmptyOperator(task_id="after")
