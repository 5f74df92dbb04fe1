# expect: {"dag_id": "task_override", "state": "success", "tasks": {"add_a": "success", "add_b": "success", "add": "success"}, "xcom": {"add_a": 2, "add_b": 12, "add": 101}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def task_override():
    @task
    def add(x, y):
        return x + y

    add.override(task_id="add_a")(1, 1)
    add.override(task_id="add_b", retries=1)(10, 2)
    add(100, 1)


task_override()
