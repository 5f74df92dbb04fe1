# expect: {"dag_id": "params_conf_override", "conf": {"table": "customers", "limit": 5}, "state": "success", "tasks": {"show": "success", "from_conf": "success"}, "xcom": {"show": "customers 5 true", "from_conf": "customers"}}
from datetime import datetime

from airflow import DAG
from airflow.models.param import Param
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def read_conf(**context):
    return context["dag_run"].conf.get("table")


with DAG(
    "params_conf_override",
    start_date=datetime(2023, 1, 1),
    schedule=None,
    params={"table": "orders", "limit": Param(10, type="integer"), "dry_run": True},
):
    BashOperator(task_id="show", bash_command="echo {{ params.table }} {{ params.limit }} {{ params.dry_run | lower }}")
    PythonOperator(task_id="from_conf", python_callable=read_conf)
