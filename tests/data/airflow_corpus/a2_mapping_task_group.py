# expect: {"dag_id": "mapping_task_group", "state": "success", "tasks": {"numbers": "success", "grp.double[0]": "success", "grp.double[1]": "success", "grp.double[2]": "success", "grp.label[0]": "success", "grp.label[1]": "success", "grp.label[2]": "success"}, "xcom": {"grp.label[2]": "n=6"}}
from datetime import datetime

from airflow.decorators import dag, task, task_group


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapping_task_group():
    @task
    def numbers():
        return [1, 2, 3]

    @task_group
    def grp(n):
        @task
        def double(n):
            return n * 2

        @task
        def label(v):
            return f"n={v}"

        return label(double(n))

    grp.expand(n=numbers())


mapping_task_group()
