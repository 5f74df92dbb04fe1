# expect: {"dag_id": "postgres_demo", "state": "failed", "tasks": {"create_table": "failed"}}
# PostgresOperator (deprecated alias of SQLExecuteQueryOperator) on `postgres_default`, which is not defined here.
from datetime import datetime

from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator

with DAG("postgres_demo", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    PostgresOperator(task_id="create_table", postgres_conn_id="postgres_default", sql="CREATE TABLE t (id int)")
