# expect: {"dag_id": "map_index_template", "state": "success", "tasks": {"process[0]": "success", "process[1]": "success"}, "xcom": {"process[0]": "a.csv", "process[1]": "b.csv"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def map_index_template():
    @task(map_index_template="{{ filename }}")
    def process(filename):
        from airflow.operators.python import get_current_context

        get_current_context()["filename"] = filename
        return filename

    process.expand(filename=["a.csv", "b.csv"])


map_index_template()
