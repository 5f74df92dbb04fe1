# expect: {"dag_id": "example_dynamic_task_mapping", "state": "success", "tasks": {"add_one[0]": "success", "add_one[1]": "success", "add_one[2]": "success", "sum_it": "success"}, "xcom": {"add_one[2]": 4, "sum_it": 9}}
from datetime import datetime

from airflow import DAG
from airflow.decorators import task

with DAG(dag_id="example_dynamic_task_mapping", start_date=datetime(2022, 3, 4)) as dag:

    @task
    def add_one(x: int):
        return x + 1

    @task
    def sum_it(values):
        total = sum(values)
        print(f"Total was {total}")
        return total

    added_values = add_one.expand(x=[1, 2, 3])
    sum_it(added_values)
