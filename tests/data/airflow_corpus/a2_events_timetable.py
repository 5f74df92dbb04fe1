# expect: {"dag_id": "events_timetable", "state": "success", "tasks": {"on_event": "success"}, "data_interval": ["2024-03-05T00:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.timetables.events import EventsTimetable

with DAG(
    "events_timetable",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule=EventsTimetable(
        event_dates=[pendulum.datetime(2024, 3, 1, tz="UTC"), pendulum.datetime(2024, 4, 1, tz="UTC")],
        restrict_to_events=False,
    ),
    catchup=False,
):
    EmptyOperator(task_id="on_event")
