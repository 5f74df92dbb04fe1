# expect-import-error: airflow.providers.common
from datetime import datetime

from airflow.decorators import dag
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def sql_demo():
    SQLExecuteQueryOperator(task_id="q", conn_id="warehouse", sql="SELECT 1")


sql_demo()
