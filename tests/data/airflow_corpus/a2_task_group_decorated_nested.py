# expect: {"dag_id": "nested_task_group_decorators", "state": "success", "tasks": {"outer.start": "success", "outer.inner.add": "success", "outer.inner.add__1": "success", "custom_id.double": "success"}, "xcom": {"outer.inner.add__1": 3, "custom_id.double": 20}}
from datetime import datetime

from airflow.decorators import dag, task, task_group


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def nested_task_group_decorators():
    @task
    def add(x, y):
        return x + y

    @task
    def double(x):
        return x * 2

    @task_group
    def inner():
        add(1, 0) >> add(1, 2)

    @task_group
    def outer():
        @task
        def start():
            return 0

        start() >> inner()

    @task_group(group_id="custom_id")
    def other(value):
        return double(value)

    outer()
    other(10)


nested_task_group_decorators()
