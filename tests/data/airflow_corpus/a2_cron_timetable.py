# expect: {"dag_id": "cron_trigger_timetable", "state": "success", "tasks": {"at_tick": "success"}, "data_interval": ["2024-03-05T00:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.timetables.trigger import CronTriggerTimetable

with DAG(
    "cron_trigger_timetable",
    start_date=pendulum.datetime(2023, 1, 1, tz="UTC"),
    schedule=CronTriggerTimetable("0 1 * * 3", timezone="UTC"),
    catchup=False,
):
    EmptyOperator(task_id="at_tick")
