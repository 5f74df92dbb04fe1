# expect: {"dag_id": "mapping_empty", "state": "success", "tasks": {"nothing": "success", "process": "skipped", "summarize": "skipped"}}
# A task mapped over an empty list is skipped, and so is what needs it (Airflow 2.3+).
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapping_empty():
    @task
    def nothing():
        return []

    @task
    def process(item):
        return item

    @task
    def summarize(items):
        return len(list(items))

    summarize(process.expand(item=nothing()))


mapping_empty()
