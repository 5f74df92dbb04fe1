# expect: {"dag_id": "weekly_report", "state": "success", "tasks": {"report": "success"}, "xcom": {"report": "2024-02-25 2024-03-03"}, "data_interval": ["2024-02-25T00:00:00+00:00", "2024-03-03T00:00:00+00:00"]}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("weekly_report", start_date=datetime(2023, 1, 1), schedule_interval="@weekly", catchup=False):
    BashOperator(task_id="report", bash_command="echo {{ data_interval_start | ds }} {{ data_interval_end | ds }}")
