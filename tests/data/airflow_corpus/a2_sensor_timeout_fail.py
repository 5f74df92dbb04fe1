# expect: {"dag_id": "sensor_timeout_fail", "state": "failed", "tasks": {"never_ready": "failed", "downstream": "upstream_failed"}, "tries": {"never_ready": 1}}
# A sensor timing out fails at once, without using its retries (AirflowSensorTimeout).
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.sensors.python import PythonSensor

with DAG("sensor_timeout_fail", start_date=datetime(2023, 1, 1), schedule=None, default_args={"retries": 2}):
    PythonSensor(task_id="never_ready", python_callable=lambda: False, poke_interval=0.2, timeout=0.5) >> EmptyOperator(
        task_id="downstream"
    )
