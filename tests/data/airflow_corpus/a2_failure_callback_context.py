# expect: {"dag_id": "failure_callback_context", "state": "success", "tasks": {"breaks": "failed", "check": "success"}, "xcom": {"check": "breaks ValueError boom"}}
import json
import os
import tempfile
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator

MARKER = os.path.join(tempfile.gettempdir(), f"failure_callback_context_{os.getpid()}.json")


def on_failure(context):
    exc = context["exception"]
    with open(MARKER, "w") as f:
        json.dump([context["task_instance"].task_id, type(exc).__name__, str(exc)], f)


def breaks():
    raise ValueError("boom")


def check():
    with open(MARKER) as f:
        return " ".join(json.load(f))


with DAG(
    "failure_callback_context",
    start_date=datetime(2023, 1, 1),
    schedule=None,
    default_args={"on_failure_callback": on_failure, "retries": 0},
):
    PythonOperator(task_id="breaks", python_callable=breaks) >> PythonOperator(
        task_id="check", python_callable=check, trigger_rule="all_done"
    )
