# expect: {"dag_id": "on_execute_callback", "state": "success", "tasks": {"with_callbacks": "success"}, "xcom": {"with_callbacks": "executed"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator

seen = []


def run():
    return "executed" if seen == ["on_execute"] else f"callbacks seen: {seen}"


with DAG("on_execute_callback", start_date=datetime(2023, 1, 1), schedule=None):
    PythonOperator(
        task_id="with_callbacks", python_callable=run, on_execute_callback=lambda context: seen.append("on_execute")
    )
