# expect: {"dag_id": "time_delta_sensor_demo", "state": "success", "tasks": {"wait_a_bit": "success", "wait_until_time": "success", "wait_until_datetime": "success", "done": "success"}}
# All three targets are in the past for the 2024-03-05 run, so each sensor is done at its first poke.
import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.sensors.date_time import DateTimeSensor
from airflow.sensors.time_delta import TimeDeltaSensor
from airflow.sensors.time_sensor import TimeSensor

with DAG("time_delta_sensor_demo", start_date=datetime.datetime(2023, 1, 1), schedule="@daily", catchup=False):
    a = TimeDeltaSensor(task_id="wait_a_bit", delta=datetime.timedelta(minutes=5))
    b = TimeSensor(task_id="wait_until_time", target_time=datetime.time(0, 0))
    c = DateTimeSensor(task_id="wait_until_datetime", target_time="{{ macros.datetime(2024, 3, 4) }}")
    [a, b, c] >> EmptyOperator(task_id="done")
