# expect: {"dag_id": "callbacks_demo", "state": "success", "tasks": {"succeeds": "success", "check_callbacks": "success"}, "xcom": {"check_callbacks": "success:succeeds"}}
import os
import tempfile
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator

print("parsing callbacks_demo")  # user output at import time must not spoil `-o json`
MARKER = os.path.join(tempfile.gettempdir(), f"callbacks_demo_{os.getpid()}.txt")


def on_success(context):
    with open(MARKER, "w") as f:
        f.write(f"success:{context['ti'].task_id}")


def check():
    with open(MARKER) as f:
        return f.read()


with DAG(
    "callbacks_demo",
    start_date=datetime(2023, 1, 1),
    schedule=None,
    on_success_callback=lambda context: print("dag done"),
    on_failure_callback=lambda context: print("dag failed"),
):
    PythonOperator(task_id="succeeds", python_callable=lambda: 1, on_success_callback=on_success) >> PythonOperator(
        task_id="check_callbacks", python_callable=check
    )
