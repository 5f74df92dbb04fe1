# expect: {"dag_id": "pendulum_methods", "state": "success", "tasks": {"dates": "success"}, "xcom": {"dates": "2024-03-03 2024-03-01 2024-03-31 Monday 2024-03-04T00:00:00+00:00"}}
import pendulum
from airflow.decorators import dag, task


@dag(start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule="@daily", catchup=False)
def pendulum_methods():
    @task
    def dates(data_interval_start=None):
        return " ".join(
            [
                data_interval_start.subtract(days=1).to_date_string(),
                data_interval_start.start_of("month").to_date_string(),
                data_interval_start.end_of("month").to_date_string(),
                data_interval_start.format("dddd"),
                data_interval_start.isoformat(),
            ]
        )

    dates()


pendulum_methods()
