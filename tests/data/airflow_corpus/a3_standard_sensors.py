# expect: {"dag_id": "standard_provider_sensors", "state": "success", "tasks": {"day_check": "success", "weekday_branch": "success", "tuesday": "success", "other": "skipped"}}
import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.weekday import BranchDayOfWeekOperator
from airflow.providers.standard.sensors.weekday import DayOfWeekSensor
from airflow.providers.standard.utils.weekday import WeekDay
from airflow.sdk import DAG

with DAG(dag_id="standard_provider_sensors", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule="@daily"):
    check = DayOfWeekSensor(
        task_id="day_check", week_day=WeekDay.TUESDAY, use_task_logical_date=True, poke_interval=1, timeout=5
    )
    branch = BranchDayOfWeekOperator(
        task_id="weekday_branch",
        week_day=WeekDay.TUESDAY,
        follow_task_ids_if_true="tuesday",
        follow_task_ids_if_false="other",
        use_task_logical_date=True,
    )
    check >> branch >> [EmptyOperator(task_id="tuesday"), EmptyOperator(task_id="other")]
