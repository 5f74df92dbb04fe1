# expect: {"dag_id": "nested_branches", "state": "success", "tasks": {"outer": "success", "inner": "success", "inner_a": "skipped", "inner_b": "success", "other": "skipped", "join": "success"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.empty import EmptyOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def nested_branches():
    @task.branch
    def outer():
        return "inner"

    @task.branch
    def inner():
        return "inner_b"

    join = EmptyOperator(task_id="join", trigger_rule="none_failed_min_one_success")
    i = inner()
    outer() >> [i, EmptyOperator(task_id="other")]
    i >> [EmptyOperator(task_id="inner_a"), EmptyOperator(task_id="inner_b")] >> join


nested_branches()
