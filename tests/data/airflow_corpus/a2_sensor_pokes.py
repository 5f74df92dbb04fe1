# expect: {"dag_id": "sensor_pokes", "state": "success", "tasks": {"wait_three_pokes": "success", "async_delta": "success"}, "xcom": {"wait_three_pokes": 3}}
from datetime import datetime, timedelta

from airflow.decorators import dag, task
from airflow.sensors.base import PokeReturnValue
from airflow.sensors.time_delta import TimeDeltaSensorAsync

pokes = {"n": 0}


@dag(start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False)
def sensor_pokes():
    @task.sensor(poke_interval=0.1, timeout=30, mode="poke")
    def wait_three_pokes():
        pokes["n"] += 1
        return PokeReturnValue(is_done=pokes["n"] >= 3, xcom_value=pokes["n"])

    wait_three_pokes()
    TimeDeltaSensorAsync(task_id="async_delta", delta=timedelta(minutes=1))


sensor_pokes()
