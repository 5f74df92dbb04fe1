# expect: {"dag_id": "bash_skip_codes", "state": "failed", "tasks": {"skip_default": "skipped", "skip_custom": "skipped", "fails": "failed", "skip_zero": "skipped"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("bash_skip_codes", start_date=datetime(2023, 1, 1), schedule=None, default_args={"retries": 0}):
    BashOperator(task_id="skip_default", bash_command="exit 99")
    BashOperator(task_id="skip_custom", bash_command="exit 42", skip_on_exit_code=[42, 43])
    BashOperator(task_id="fails", bash_command="exit 99", skip_on_exit_code=None)
    BashOperator(task_id="skip_zero", bash_command="exit 0", skip_on_exit_code=0)
