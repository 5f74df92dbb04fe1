# expect: {"dag_id": "task_decorator_options", "state": "success", "tasks": {"renamed": "success", "no_push": "success", "multi": "success", "use_multi": "success"}, "xcom": {"renamed": "r", "multi:left": 1, "multi:right": 2, "use_multi": 3, "no_push": "<no xcom>"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def task_decorator_options():
    @task(task_id="renamed", retries=2, owner="me")
    def original_name():
        return "r"

    @task(do_xcom_push=False)
    def no_push():
        return "invisible"

    @task(multiple_outputs=True)
    def multi() -> dict[str, int]:
        return {"left": 1, "right": 2}

    @task
    def use_multi(left, right):
        return left + right

    original_name()
    no_push()
    m = multi()
    use_multi(m["left"], m["right"])


task_decorator_options()
