# expect: {"dag_id": "sdk_variable_connection", "state": "success", "tasks": {"read": "success"}, "xcom": {"read": "staging db.example"}}
import pendulum
from airflow.sdk import BaseHook, Variable, dag, task


@dag(start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None)
def sdk_variable_connection():
    @task
    def read():
        return f"{Variable.get('corpus_env')} {BaseHook.get_connection('corpus_db').host}"

    read()


sdk_variable_connection()
