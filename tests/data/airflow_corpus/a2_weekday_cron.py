# expect: {"dag_id": "weekday_cron", "state": "success", "tasks": {"report": "success"}, "xcom": {"report": "2024-03-01 2024-03-04"}, "data_interval": ["2024-03-01T07:30:00+00:00", "2024-03-04T07:30:00+00:00"]}
# Weekdays at 07:30: the run at 2024-03-05 00:00 gets the last whole interval before it, Friday to Monday.
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("weekday_cron", start_date=datetime(2023, 1, 1), schedule="30 7 * * 1-5", catchup=False):
    BashOperator(task_id="report", bash_command="echo {{ data_interval_start | ds }} {{ data_interval_end | ds }}")
