# expect-import-error: airflow.models.DagRun is not supported
from datetime import datetime

from airflow import DAG
from airflow.models import DagRun
from airflow.operators.python import PythonOperator


def count_runs(dag_id):
    return len(DagRun.find(dag_id=dag_id))


with DAG("count_runs", start_date=datetime(2023, 1, 1), schedule=None):
    PythonOperator(task_id="count", python_callable=count_runs, op_args=["count_runs"])
