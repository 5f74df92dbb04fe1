# expect: {"dag_id": "python_sensor_demo", "state": "success", "tasks": {"wait_for_file_count": "success", "wait_soft": "skipped", "after_soft": "skipped", "process": "success"}, "xcom": {"process": 3}}
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.sensors.python import PythonSensor

attempts = {"n": 0}


def enough_files():
    attempts["n"] += 1
    return attempts["n"] >= 1


with DAG("python_sensor_demo", start_date=datetime(2023, 1, 1), schedule=None, catchup=False):
    wait = PythonSensor(task_id="wait_for_file_count", python_callable=enough_files, poke_interval=1, timeout=30)
    soft = PythonSensor(task_id="wait_soft", python_callable=lambda: False, poke_interval=1, timeout=1, soft_fail=True)
    soft >> PythonOperator(task_id="after_soft", python_callable=lambda: 1)
    wait >> PythonOperator(task_id="process", python_callable=lambda: 3)
