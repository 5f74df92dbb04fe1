# expect: {"dag_id": "short_circuit_truthiness", "state": "success", "tasks": {"empty_list": "success", "after_empty": "skipped", "non_empty": "success", "after_non_empty": "success"}, "xcom": {"non_empty": ["x"]}}
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import ShortCircuitOperator

with DAG("short_circuit_truthiness", start_date=datetime(2023, 1, 1), schedule=None):
    ShortCircuitOperator(task_id="empty_list", python_callable=lambda: []) >> EmptyOperator(task_id="after_empty")
    ShortCircuitOperator(task_id="non_empty", python_callable=lambda: ["x"]) >> EmptyOperator(task_id="after_non_empty")
