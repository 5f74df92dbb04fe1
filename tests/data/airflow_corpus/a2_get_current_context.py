# expect: {"dag_id": "current_context_demo", "state": "success", "tasks": {"describe": "success"}, "xcom": {"describe": "current_context_demo/describe/2024-03-05/manual"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.python import get_current_context


@dag(start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False)
def current_context_demo():
    @task
    def describe():
        context = get_current_context()
        ti = context["ti"]
        return f"{ti.dag_id}/{ti.task_id}/{context['ds']}/{context['dag_run'].run_type}"

    describe()


current_context_demo()
