# expect: {"dag_id": "future_annotations", "state": "success", "tasks": {"stats": "success", "report": "success"}, "xcom": {"stats:mean": 2.0, "stats:count": 3, "report": "3 values, mean 2.0"}}
# Airflow's example DAGs start with `from __future__ import annotations`: a `-> dict[...]` hint is a
# string then, and still makes the task push each key (multiple_outputs inferred).
from __future__ import annotations

import pendulum
from airflow.decorators import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2021, 1, 1, tz="UTC"), catchup=False)
def future_annotations():
    @task
    def stats(values: list[int]) -> dict[str, float | int]:
        return {"mean": sum(values) / len(values), "count": len(values)}

    @task
    def report(mean: float, count: int) -> str:
        return f"{count} values, mean {mean}"

    s = stats([1, 2, 3])
    report(s["mean"], s["count"])


dag_object = future_annotations()

if __name__ == "__main__":
    dag_object.test()
