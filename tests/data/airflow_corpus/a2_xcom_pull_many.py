# expect: {"dag_id": "xcom_pull_many", "state": "success", "tasks": {"a": "success", "b": "success", "collect": "success", "bash_dict": "success"}, "xcom": {"collect": [1, 2, null], "bash_dict": "v=1"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def collect(ti):
    return ti.xcom_pull(task_ids=["a", "b", "no_such_task"])


with DAG("xcom_pull_many", start_date=datetime(2023, 1, 1), schedule=None):
    a = PythonOperator(task_id="a", python_callable=lambda: 1)
    b = PythonOperator(task_id="b", python_callable=lambda: {"k": 2})
    c = PythonOperator(
        task_id="collect",
        python_callable=lambda ti: [1, ti.xcom_pull(task_ids="b")["k"], ti.xcom_pull(task_ids="nope")],
    )
    d = BashOperator(task_id="bash_dict", bash_command="echo v={{ ti.xcom_pull(task_ids='a') }}")
    [a, b] >> c
    a >> d
