# expect: {"dag_id": "sdk_mapping", "state": "success", "tasks": {"files": "success", "size[0]": "success", "size[1]": "success", "size[2]": "success", "total": "success"}, "xcom": {"total": 18}}
import pendulum
from airflow.sdk import dag, task


@dag(start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None)
def sdk_mapping():
    @task
    def files():
        return ["a.txt", "bb.txt", "ccc.txt"]

    @task
    def size(name: str) -> int:
        return len(name)

    @task
    def total(sizes) -> int:
        return sum(sizes)

    total(size.expand(name=files()))


sdk_mapping()
