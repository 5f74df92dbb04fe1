# expect: {"dag_id": "teardown_fails_dagrun", "state": "failed", "tasks": {"setup_env": "success", "work": "success", "cleanup": "failed"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("teardown_fails_dagrun", start_date=datetime(2023, 1, 1), schedule=None):
    s = BashOperator(task_id="setup_env", bash_command="echo up")
    w = BashOperator(task_id="work", bash_command="echo work")
    t = BashOperator(task_id="cleanup", bash_command="exit 1", retries=0)
    s >> w >> t.as_teardown(setups=s, on_failure_fail_dagrun=True)
