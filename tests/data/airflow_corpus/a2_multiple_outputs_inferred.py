# expect: {"dag_id": "multiple_outputs_inferred", "state": "success", "tasks": {"split": "success", "join": "success"}, "xcom": {"split:first": "Ada", "split:last": "Lovelace", "join": "Lovelace, Ada"}}
# A `-> dict[...]` return annotation makes a TaskFlow task push each key (Airflow 2.2+).
from datetime import datetime

from airflow.decorators import dag, task


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def multiple_outputs_inferred():
    @task
    def split(name: str) -> dict[str, str]:
        first, last = name.split()
        return {"first": first, "last": last}

    @task
    def join(first: str, last: str) -> str:
        return f"{last}, {first}"

    parts = split("Ada Lovelace")
    join(parts["first"], parts["last"])


multiple_outputs_inferred()
