# expect: {"dag_id": "xcomarg_templated_field", "state": "success", "tasks": {"make_command": "success", "run_it": "success"}, "xcom": {"run_it": "built {{ ds }}"}}
# An XComArg passed to a templated field is resolved at run time; Airflow does not render the value it gets.
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.bash import BashOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def xcomarg_templated_field():
    @task
    def make_command():
        return "echo built {{ ds }}"

    BashOperator(task_id="run_it", bash_command=make_command())


xcomarg_templated_field()
