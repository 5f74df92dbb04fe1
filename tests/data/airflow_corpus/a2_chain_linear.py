# expect: {"dag_id": "chain_linear_demo", "state": "success", "tasks": {"t1": "success", "t2": "success", "t3": "success", "t4": "success", "t5": "success"}, "xcom": {"t5": "t2 t3 t4"}}
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import chain_linear
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator

with DAG("chain_linear_demo", start_date=datetime(2023, 1, 1), schedule=None):
    t1, t2, t3, t4 = (EmptyOperator(task_id=f"t{i}") for i in range(1, 5))
    t5 = BashOperator(task_id="t5", bash_command="echo {{ task.upstream_task_ids | sort | join(' ') }}")
    chain_linear(t1, [t2, t3, t4], t5)
