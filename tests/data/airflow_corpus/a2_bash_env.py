# expect: {"dag_id": "bash_env", "state": "success", "tasks": {"with_env": "success", "append_env": "success"}, "xcom": {"with_env": "2024-03-05 prod", "append_env": "yes"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("bash_env", start_date=datetime(2023, 1, 1), schedule=None):
    BashOperator(
        task_id="with_env", bash_command="echo $RUN_DATE $TARGET", env={"RUN_DATE": "{{ ds }}", "TARGET": "prod"}
    )
    BashOperator(
        task_id="append_env",
        bash_command='if [ -n "$PATH" ] && [ "$EXTRA" = 1 ]; then echo yes; else echo no; fi',
        env={"EXTRA": "1"},
        append_env=True,
    )
