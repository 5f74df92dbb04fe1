# expect: {"dag_id": "mapping_failure", "state": "failed", "tasks": {"check[0]": "success", "check[1]": "failed", "check[2]": "success", "report": "upstream_failed"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False, default_args={"retries": 0})
def mapping_failure():
    @task
    def check(value):
        if value < 0:
            raise ValueError(f"negative value {value}")
        return value

    @task
    def report(values):
        print(list(values))

    report(check.expand(value=[1, -1, 2]))


mapping_failure()
