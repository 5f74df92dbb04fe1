# expect: {"dag_id": "mapping_classic", "state": "success", "tasks": {"echo[0]": "success", "echo[1]": "success", "echo[2]": "success", "py[0]": "success", "py[1]": "success"}, "xcom": {"echo[0]": "a", "echo[2]": "c", "py[1]": "y!"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def shout(word):
    return word + "!"


with DAG("mapping_classic", start_date=datetime(2023, 1, 1), schedule=None):
    BashOperator.partial(task_id="echo", retries=0).expand(bash_command=["echo a", "echo b", "echo c"])
    PythonOperator.partial(task_id="py", python_callable=shout).expand(op_args=[["x"], ["y"]])
