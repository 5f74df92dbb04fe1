# expect: {"dag_id": "taskflow_mixed_classic", "state": "success", "tasks": {"produce": "success", "classic_echo": "success", "consume_bash": "success"}, "xcom": {"classic_echo": "got 42", "consume_bash": "len=6"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.bash import BashOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def taskflow_mixed_classic():
    @task
    def produce():
        return 42

    @task
    def consume_bash(value):
        return f"len={len(value)}"

    value = produce()
    echo = BashOperator(task_id="classic_echo", bash_command="echo got {{ ti.xcom_pull(task_ids='produce') }}")
    value >> echo
    consume_bash(echo.output)


taskflow_mixed_classic()
