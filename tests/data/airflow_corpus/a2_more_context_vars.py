# expect: {"dag_id": "more_context_vars", "state": "success", "tasks": {"deprecated_names": "success", "more": "success", "prev_success": "success"}, "xcom": {"deprecated_names": "2024-03-05T00:00:00+00:00 2024-03-04 2024-03-06", "more": "20240305T000000+0000 manual -1 2024-03-05", "prev_success": "None None"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG("more_context_vars", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    BashOperator(
        task_id="deprecated_names",
        bash_command="echo {{ execution_date.isoformat() }} {{ yesterday_ds }} {{ tomorrow_ds }}",
    )
    BashOperator(
        task_id="more",
        bash_command="echo {{ ts_nodash_with_tz }} {{ dag_run.run_type }} {{ ti.map_index }} {{ dag_run.logical_date | ds }}",
    )
    BashOperator(
        task_id="prev_success",
        bash_command="echo {{ prev_data_interval_start_success }} {{ prev_start_date_success }}",
    )
