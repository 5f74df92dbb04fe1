# expect: {"dag_id": "chain_with_labels", "state": "success", "tasks": {"extract": "success", "transform": "success", "load": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.models.baseoperator import chain
from airflow.operators.empty import EmptyOperator
from airflow.utils.edgemodifier import Label

with DAG("chain_with_labels", start_date=datetime(2023, 1, 1), schedule=None):
    chain(
        EmptyOperator(task_id="extract"),
        Label("raw"),
        EmptyOperator(task_id="transform"),
        Label("clean"),
        EmptyOperator(task_id="load"),
    )
