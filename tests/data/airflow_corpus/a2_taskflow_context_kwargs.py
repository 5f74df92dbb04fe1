# expect: {"dag_id": "taskflow_context_kwargs", "state": "success", "tasks": {"with_kwargs": "success", "named": "success"}, "xcom": {"with_kwargs": "2024-03-05 with_kwargs", "named": "20240305 1"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def taskflow_context_kwargs():
    @task
    def with_kwargs(**kwargs):
        return f"{kwargs['ds']} {kwargs['task'].task_id}"

    @task
    def named(ds_nodash=None, ti=None):
        return f"{ds_nodash} {ti.try_number}"

    with_kwargs() >> named()


taskflow_context_kwargs()
