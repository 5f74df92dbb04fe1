# expect: {"dag_id": "sql_demo", "state": "failed", "tasks": {"q": "failed"}}
# The connection `warehouse` is not defined: the file imports, and its task fails when it reads the connection
# (tests/e2e/test_sql_dags.py runs the SQL providers against real databases).
from datetime import datetime

from airflow.decorators import dag
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def sql_demo():
    SQLExecuteQueryOperator(task_id="q", conn_id="warehouse", sql="SELECT 1")


sql_demo()
