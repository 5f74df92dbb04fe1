# expect: {"dag_id": "marker_parent", "state": "success", "tasks": {"produce": "success", "mark_child": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.external_task import ExternalTaskMarker

with DAG("marker_parent", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    BashOperator(task_id="produce", bash_command="echo produced") >> ExternalTaskMarker(
        task_id="mark_child", external_dag_id="marker_child", external_task_id="consume", recursion_depth=3
    )
