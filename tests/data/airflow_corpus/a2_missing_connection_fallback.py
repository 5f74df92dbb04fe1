# expect: {"dag_id": "missing_connection_fallback", "state": "success", "tasks": {"connect": "success"}, "xcom": {"connect": "fallback: localhost"}}
# The usual guard around an optional connection: BaseHook.get_connection raises AirflowNotFoundException.
from datetime import datetime

from airflow.decorators import dag, task
from airflow.exceptions import AirflowNotFoundException
from airflow.hooks.base import BaseHook


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def missing_connection_fallback():
    @task
    def connect():
        try:
            host = BaseHook.get_connection("corpus_not_configured").host
        except AirflowNotFoundException:
            return "fallback: localhost"
        return host

    connect()


missing_connection_fallback()
