# expect: {"dag_id": "dag_decorator_args", "state": "success", "tasks": {"greet": "success"}, "xcom": {"greet": "hi Ada"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(dag_id="dag_decorator_args", start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def pipeline(name: str = "Ada"):
    @task
    def greet(who):
        return f"hi {who}"

    greet(name)


pipeline()
