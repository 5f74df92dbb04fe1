# expect: {"dag_id": "file_sensor_demo", "state": "success", "tasks": {"wait_for_etc_hostname": "success", "wait_for_missing": "skipped", "consume": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.sensors.filesystem import FileSensor

with DAG("file_sensor_demo", start_date=datetime(2023, 1, 1), schedule=None):
    found = FileSensor(
        task_id="wait_for_etc_hostname", filepath="/etc/hostname", fs_conn_id="fs_default", poke_interval=1, timeout=10
    )
    missing = FileSensor(
        task_id="wait_for_missing", filepath="/nonexistent/{{ ds }}.csv", poke_interval=1, timeout=1, soft_fail=True
    )
    found >> EmptyOperator(task_id="consume")
