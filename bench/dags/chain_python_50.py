"""Benchmark: 50 chained TaskFlow tasks, each passing an XCom to the next (tradewind DAG)."""

from datetime import datetime

from tradewind import dag, task


@dag(schedule=None, start_date=datetime(2024, 1, 1), catchup=False)
def chain_python_50():
    @task
    def step(value: int) -> int:
        return value + 1

    value = step.override(task_id="s0")(0)
    for i in range(1, 50):
        value = step.override(task_id=f"s{i}")(value)


chain_python_50()
