# expect-import-error: airflow.settings
from datetime import datetime

from airflow import DAG, settings
from airflow.operators.python import PythonOperator


def list_connections():
    session = settings.Session()
    return session.execute("SELECT 1").scalar()


with DAG("session_access", start_date=datetime(2023, 1, 1), schedule=None):
    PythonOperator(task_id="query_metadata", python_callable=list_connections)
