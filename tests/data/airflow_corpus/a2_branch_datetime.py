# expect: {"dag_id": "example_branch_datetime_operator", "state": "success", "tasks": {"datetime_branch": "success", "date_in_range": "skipped", "date_outside_range": "success"}}
# With use_task_logical_date, 2024-03-05 00:00 UTC lies outside 10:00-11:00.
import datetime

import pendulum
from airflow.models.dag import DAG
from airflow.operators.datetime import BranchDateTimeOperator
from airflow.operators.empty import EmptyOperator

dag1 = DAG(
    dag_id="example_branch_datetime_operator",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
    schedule="@daily",
)

empty_task_11 = EmptyOperator(task_id="date_in_range", dag=dag1)
empty_task_21 = EmptyOperator(task_id="date_outside_range", dag=dag1)

cond1 = BranchDateTimeOperator(
    task_id="datetime_branch",
    follow_task_ids_if_true=["date_in_range"],
    follow_task_ids_if_false=["date_outside_range"],
    target_upper=datetime.time(hour=11),
    target_lower=datetime.time(hour=10),
    use_task_logical_date=True,
    dag=dag1,
)

cond1 >> [empty_task_11, empty_task_21]
