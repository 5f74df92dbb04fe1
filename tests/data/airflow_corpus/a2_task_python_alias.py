# expect: {"dag_id": "task_python_alias", "state": "success", "tasks": {"py": "success", "all_done": "success", "none_arg": "success"}, "xcom": {"py": "python", "none_arg": "got None"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.utils.trigger_rule import TriggerRule


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def task_python_alias():
    @task.python
    def py():
        return "python"

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def all_done():
        return None

    @task
    def none_arg(value):
        return f"got {value}"

    py() >> none_arg(all_done())


task_python_alias()
