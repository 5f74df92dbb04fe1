# expect: {"dag_id": "param_types", "state": "success", "tasks": {"show": "success"}, "xcom": {"show": "None|2024-03-05|['a', 'b']|{'k': 1}|3.5"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.models.param import Param


@dag(
    start_date=datetime(2023, 1, 1),
    schedule=None,
    params={
        "maybe": Param(None, type=["null", "string"]),
        "day": Param("2024-03-05", type="string", format="date"),
        "items": Param(["a", "b"], type="array", items={"type": "string"}),
        "obj": Param({"k": 1}, type="object"),
        "ratio": Param(3.5, type="number", minimum=0),
    },
)
def param_types():
    @task
    def show(params=None):
        return "|".join(str(params[k]) for k in ["maybe", "day", "items", "obj", "ratio"])

    show()


param_types()
