# expect: {"dag_id": "template_errors", "state": "failed", "tasks": {"undefined_name": "failed", "missing_variable": "failed", "fine": "success"}, "tries": {"undefined_name": 1}}
# Airflow renders with StrictUndefined: an unknown name, or a variable that does not exist, fails the task.
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("template_errors", start_date=datetime(2023, 1, 1), schedule=None, default_args={"retries": 0}):
    BashOperator(task_id="undefined_name", bash_command="echo {{ no_such_thing }}")
    BashOperator(task_id="missing_variable", bash_command="echo {{ var.value.corpus_does_not_exist }}")
    BashOperator(task_id="fine", bash_command="echo {{ var.value.get('corpus_does_not_exist', 'x') }}")
