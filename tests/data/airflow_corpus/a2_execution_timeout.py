# expect: {"dag_id": "execution_timeout_demo", "state": "failed", "tasks": {"too_slow": "failed", "quick": "success"}, "tries": {"too_slow": 1}}
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("execution_timeout_demo", start_date=datetime(2023, 1, 1), schedule=None):
    BashOperator(task_id="too_slow", bash_command="sleep 30", execution_timeout=timedelta(seconds=1), retries=0)
    BashOperator(task_id="quick", bash_command="echo quick", execution_timeout=timedelta(minutes=1))
