# expect: {"dag_id": "every_six_hours", "state": "success", "tasks": {"window": "success"}, "xcom": {"window": "2024-03-04T18:00:00+00:00 2024-03-05T00:00:00+00:00"}, "data_interval": ["2024-03-04T18:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("every_six_hours", start_date=datetime(2023, 1, 1), schedule=timedelta(hours=6), catchup=False):
    BashOperator(
        task_id="window", bash_command="echo {{ data_interval_start.isoformat() }} {{ data_interval_end.isoformat() }}"
    )
