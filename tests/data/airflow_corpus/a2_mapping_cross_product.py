# expect: {"dag_id": "mapping_cross_product", "state": "success", "tasks": {"combine[0]": "success", "combine[1]": "success", "combine[2]": "success", "combine[3]": "success", "gather": "success"}, "xcom": {"gather": ["a1", "a2", "b1", "b2"]}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None, catchup=False)
def mapping_cross_product():
    @task
    def combine(letter, number):
        return f"{letter}{number}"

    @task
    def gather(values):
        return sorted(values)

    gather(combine.expand(letter=["a", "b"], number=[1, 2]))


mapping_cross_product()
