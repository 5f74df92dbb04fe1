# expect-import-error: airflow.operators.subdag
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.subdag import SubDagOperator


def subdag(parent_dag_name, child_dag_name, args):
    with DAG(f"{parent_dag_name}.{child_dag_name}", default_args=args, schedule="@daily") as dag_subdag:
        EmptyOperator(task_id=f"{child_dag_name}-task-1")
    return dag_subdag


with DAG("example_subdag_operator", start_date=datetime(2022, 1, 1), schedule="@once") as dag:
    start = EmptyOperator(task_id="start")
    section_1 = SubDagOperator(task_id="section-1", subdag=subdag("example_subdag_operator", "section-1", {}))
    start >> section_1
