# expect-import-error: airflow.models.xcom
from datetime import datetime

from airflow import DAG
from airflow.models.xcom import XCom
from airflow.operators.python import PythonOperator

with DAG("xcom_model", start_date=datetime(2023, 1, 1), schedule=None):
    PythonOperator(task_id="clear", python_callable=lambda: XCom.clear(dag_id="x", task_id="y"))
