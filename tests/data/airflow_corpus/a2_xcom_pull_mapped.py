# expect: {"dag_id": "xcom_pull_mapped", "state": "success", "tasks": {"make[0]": "success", "make[1]": "success", "make[2]": "success", "pull_all": "success", "pull_one": "success"}, "xcom": {"pull_all": [0, 10, 20], "pull_one": 10}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def xcom_pull_mapped():
    @task
    def make(i):
        return i * 10

    @task
    def pull_all(ti=None):
        return list(ti.xcom_pull(task_ids="make"))

    @task
    def pull_one(ti=None):
        return ti.xcom_pull(task_ids="make", map_indexes=1)

    made = make.expand(i=[0, 1, 2])
    made >> [pull_all(), pull_one()]


xcom_pull_mapped()
