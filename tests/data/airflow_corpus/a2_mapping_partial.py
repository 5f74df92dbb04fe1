# expect: {"dag_id": "mapping_partial", "state": "success", "tasks": {"make_list": "success", "add[0]": "success", "add[1]": "success", "add[2]": "success", "collect": "success"}, "xcom": {"add[1]": 25, "collect": [15, 25, 35]}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapping_partial():
    @task
    def make_list():
        return [10, 20, 30]

    @task
    def add(x: int, y: int):
        return x + y

    @task
    def collect(values):
        return list(values)

    collect(add.partial(y=5).expand(x=make_list()))


mapping_partial()
