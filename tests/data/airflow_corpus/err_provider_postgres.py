# expect-import-error: airflow.providers.postgres
from datetime import datetime

from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator

with DAG("postgres_demo", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    PostgresOperator(task_id="create_table", postgres_conn_id="postgres_default", sql="CREATE TABLE t (id int)")
