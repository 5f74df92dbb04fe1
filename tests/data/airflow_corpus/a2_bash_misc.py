# expect: {"dag_id": "bash_misc", "state": "success", "tasks": {"in_cwd": "success", "multi_line": "success", "no_push": "success"}, "xcom": {"in_cwd": "/tmp", "multi_line": "last line", "no_push": "<no xcom>"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("bash_misc", start_date=datetime(2023, 1, 1), schedule=None):
    BashOperator(task_id="in_cwd", bash_command="pwd", cwd="/tmp")
    BashOperator(task_id="multi_line", bash_command="echo first line\necho last line\n")
    BashOperator(task_id="no_push", bash_command="echo hidden", do_xcom_push=False)
