# expect: {"dag_id": "skip_exception_demo", "state": "success", "tasks": {"check_holiday": "skipped", "load": "skipped", "audit": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.exceptions import AirflowSkipException
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator


def check_holiday(**context):
    if context["logical_date"].weekday() == 1:  # Tuesday
        raise AirflowSkipException("no data on Tuesdays")


with DAG(dag_id="skip_exception_demo", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    check = PythonOperator(task_id="check_holiday", python_callable=check_holiday)
    check >> EmptyOperator(task_id="load")
    check >> EmptyOperator(task_id="audit", trigger_rule="none_failed")
