# expect: {"dag_id": "chain_cross_downstream", "state": "success", "tasks": {"op1": "success", "op2": "success", "op3": "success", "op4": "success", "op5": "success", "x1": "success", "x2": "success", "y1": "success", "y2": "success"}, "xcom": {"y2": "x1 x2"}}
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import chain, cross_downstream
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator

with DAG("chain_cross_downstream", start_date=datetime(2023, 1, 1), schedule=None) as dag:
    op1, op2, op3, op4, op5 = (EmptyOperator(task_id=f"op{i}") for i in range(1, 6))
    chain(op1, [op2, op3], [op4, op5])
    x1, x2 = EmptyOperator(task_id="x1"), EmptyOperator(task_id="x2")
    y1 = EmptyOperator(task_id="y1")
    y2 = BashOperator(task_id="y2", bash_command="echo {{ task.upstream_task_ids | sort | join(' ') }}")
    op5 >> [x1, x2]
    cross_downstream([x1, x2], [y1, y2])
