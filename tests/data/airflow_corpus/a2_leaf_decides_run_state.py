# expect: {"dag_id": "leaf_decides_run_state", "state": "success", "tasks": {"extract": "failed", "notify": "success"}}
# Airflow sets a run's state from its leaves: a failed task upstream of an all_done leaf that succeeds gives a successful run.
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def broken():
    raise ValueError("source unavailable")


with DAG("leaf_decides_run_state", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    PythonOperator(task_id="extract", python_callable=broken) >> PythonOperator(
        task_id="notify", python_callable=lambda: print("done"), trigger_rule="all_done"
    )
