# expect: {"dag_id": "op_args_templated", "state": "success", "tasks": {"echo_args": "success"}, "xcom": {"echo_args": "2024-03-05|op_args_templated|20240305"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def echo_args(a, b, suffix=None):
    return f"{a}|{b}|{suffix}"


with DAG("op_args_templated", start_date=datetime(2023, 1, 1), schedule=None):
    PythonOperator(
        task_id="echo_args",
        python_callable=echo_args,
        op_args=["{{ ds }}", "{{ dag.dag_id }}"],
        op_kwargs={"suffix": "{{ ds_nodash }}"},
    )
