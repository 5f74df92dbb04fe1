# expect: {"dag_id": "taskflow_bash", "state": "failed", "tasks": {"get_name": "success", "greet": "success", "skip_me": "skipped", "fail_me": "failed"}, "xcom": {"greet": "hello world 2024-03-05"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(schedule=None, start_date=datetime(2023, 1, 1), catchup=False)
def taskflow_bash():
    @task
    def get_name():
        return "world"

    @task.bash
    def greet(name: str) -> str:
        return f"echo hello {name} {{{{ ds }}}}"

    @task.bash
    def skip_me() -> str:
        return "exit 99"

    @task.bash(retries=0)
    def fail_me() -> str:
        return "echo nope; exit 2"

    greet(get_name())
    skip_me()
    fail_me()


taskflow_bash()
