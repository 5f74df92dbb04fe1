# expect: {"dag_id": "branch_list_and_none", "state": "success", "tasks": {"pick_two": "success", "a": "success", "b": "success", "c": "skipped", "pick_none": "success", "d": "skipped", "e": "skipped"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.empty import EmptyOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def branch_list_and_none():
    @task.branch
    def pick_two():
        return ["a", "b"]

    @task.branch
    def pick_none():
        return None

    pick_two() >> [EmptyOperator(task_id="a"), EmptyOperator(task_id="b"), EmptyOperator(task_id="c")]
    pick_none() >> [EmptyOperator(task_id="d"), EmptyOperator(task_id="e")]


branch_list_and_none()
