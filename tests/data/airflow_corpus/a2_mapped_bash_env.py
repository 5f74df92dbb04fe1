# expect: {"dag_id": "mapped_bash_env", "state": "success", "tasks": {"regions": "success", "export[0]": "success", "export[1]": "success", "count": "success"}, "xcom": {"export[1]": "us 2024-03-05", "count": 2}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.bash import BashOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def mapped_bash_env():
    @task
    def regions():
        return [{"REGION": "eu"}, {"REGION": "us"}]

    @task
    def count(values):
        return len(list(values))

    exported = BashOperator.partial(task_id="export", bash_command="echo $REGION {{ ds }}").expand(env=regions())
    count(exported.output)


mapped_bash_env()
