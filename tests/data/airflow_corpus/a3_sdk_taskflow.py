# expect: {"dag_id": "sdk_taskflow", "state": "success", "tasks": {"extract": "success", "transform": "success", "load": "success"}, "xcom": {"load": "total=6"}, "data_interval": ["2024-03-05T00:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
# Airflow 3: `airflow.sdk`; a cron schedule runs at the tick (CronTriggerTimetable), so the interval has no length.
import pendulum
from airflow.sdk import dag, task


@dag(schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), tags=["af3"])
def sdk_taskflow():
    @task
    def extract() -> list[int]:
        return [1, 2, 3]

    @task
    def transform(values: list[int]) -> int:
        return sum(values)

    @task
    def load(total: int) -> str:
        return f"total={total}"

    load(transform(extract()))


sdk_taskflow()
