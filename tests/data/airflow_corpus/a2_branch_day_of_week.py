# expect: {"dag_id": "example_weekday_branch_operator", "state": "success", "tasks": {"make_choice": "success", "branch_true": "success", "branch_false": "skipped"}}
# 2024-03-05 (the logical date) is a Tuesday.
import pendulum
from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.weekday import BranchDayOfWeekOperator
from airflow.utils.weekday import WeekDay

with DAG(
    dag_id="example_weekday_branch_operator",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    tags=["example"],
    schedule="@daily",
) as dag:
    empty_task_1 = EmptyOperator(task_id="branch_true")
    empty_task_2 = EmptyOperator(task_id="branch_false")

    branch = BranchDayOfWeekOperator(
        task_id="make_choice",
        follow_task_ids_if_true="branch_true",
        follow_task_ids_if_false="branch_false",
        week_day={WeekDay.TUESDAY, WeekDay.WEDNESDAY},
        use_task_logical_date=True,
    )

    branch >> [empty_task_1, empty_task_2]
