# expect: {"dag_id": "bash_sensor_demo", "state": "success", "tasks": {"check_ready": "success", "go": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.sensors.bash import BashSensor

with DAG("bash_sensor_demo", start_date=datetime(2023, 1, 1), schedule=None):
    BashSensor(task_id="check_ready", bash_command="test 1 -eq 1", poke_interval=1, timeout=10) >> EmptyOperator(
        task_id="go"
    )
