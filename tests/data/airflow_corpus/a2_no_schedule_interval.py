# expect: {"dag_id": "manual_only", "state": "success", "tasks": {"window": "success"}, "xcom": {"window": "2024-03-05T00:00:00+00:00 2024-03-05T00:00:00+00:00"}, "data_interval": ["2024-03-05T00:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("manual_only", start_date=datetime(2023, 1, 1), schedule_interval=None):
    BashOperator(
        task_id="window", bash_command="echo {{ data_interval_start.isoformat() }} {{ data_interval_end.isoformat() }}"
    )
