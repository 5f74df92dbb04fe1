# expect: {"dag_id": "expand_kwargs_demo", "state": "success", "tasks": {"copy_kwargs": "success", "copy[0]": "success", "copy[1]": "success", "run_cmd[0]": "success", "run_cmd[1]": "success"}, "xcom": {"copy[0]": "a.csv->b.csv", "copy[1]": "c.csv->d.csv", "run_cmd[1]": "two 2"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.bash import BashOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def expand_kwargs_demo():
    @task
    def copy_kwargs():
        return [{"src": "a.csv", "dst": "b.csv"}, {"src": "c.csv", "dst": "d.csv"}]

    @task
    def copy(src: str, dst: str):
        return f"{src}->{dst}"

    copy.expand_kwargs(copy_kwargs())

    BashOperator.partial(task_id="run_cmd").expand_kwargs(
        [
            {"bash_command": "echo $WORD 1", "env": {"WORD": "one"}},
            {"bash_command": "echo $WORD 2", "env": {"WORD": "two"}},
        ]
    )


expand_kwargs_demo()
