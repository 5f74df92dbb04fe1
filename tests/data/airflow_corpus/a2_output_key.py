# expect: {"dag_id": "output_key", "state": "success", "tasks": {"pusher": "success", "use_key": "success"}, "xcom": {"use_key": "key-value"}}
from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.operators.python import PythonOperator


def pusher(ti):
    ti.xcom_push(key="custom", value="key-value")


with DAG("output_key", start_date=datetime(2023, 1, 1), schedule=None):
    p = PythonOperator(task_id="pusher", python_callable=pusher)

    @task
    def use_key(value):
        return value

    use_key(p.output["custom"])
