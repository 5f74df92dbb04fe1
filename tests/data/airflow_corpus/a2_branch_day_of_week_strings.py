# expect: {"dag_id": "weekend_branch", "state": "success", "tasks": {"is_weekend": "success", "weekend_report": "skipped", "weekday_report": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.weekday import BranchDayOfWeekOperator

with DAG("weekend_branch", start_date=datetime(2023, 1, 1), schedule="@daily", catchup=False):
    branch = BranchDayOfWeekOperator(
        task_id="is_weekend",
        week_day=["Saturday", "Sunday"],
        follow_task_ids_if_true=["weekend_report"],
        follow_task_ids_if_false=["weekday_report"],
        use_task_logical_date=True,
    )
    branch >> [
        BashOperator(task_id="weekend_report", bash_command="echo w"),
        BashOperator(task_id="weekday_report", bash_command="echo d"),
    ]
