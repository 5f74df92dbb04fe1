# expect: {"dag_id": "connections_demo", "state": "success", "tasks": {"templated": "success", "hook": "success"}, "xcom": {"templated": "db.example 5432 sales", "hook": "postgres user db.example/sales"}}
# Run with the connection corpus_db=postgres://user:pw@db.example:5432/sales (see README).
from datetime import datetime

from airflow import DAG
from airflow.hooks.base import BaseHook
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def describe():
    conn = BaseHook.get_connection("corpus_db")
    return f"{conn.conn_type} {conn.login} {conn.host}/{conn.schema}"


with DAG("connections_demo", start_date=datetime(2023, 1, 1), schedule=None):
    BashOperator(
        task_id="templated",
        bash_command="echo {{ conn.corpus_db.host }} {{ conn.corpus_db.port }} {{ conn.corpus_db.schema }}",
    )
    PythonOperator(task_id="hook", python_callable=describe)
