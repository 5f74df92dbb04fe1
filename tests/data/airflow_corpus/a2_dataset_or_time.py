# expect: {"dag_id": "dataset_or_time", "state": "success", "tasks": {"refresh": "success"}}
import pendulum
from airflow.datasets import Dataset
from airflow.decorators import dag, task
from airflow.timetables.datasets import DatasetOrTimeSchedule
from airflow.timetables.trigger import CronTriggerTimetable


@dag(
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    schedule=DatasetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 1 * * *", timezone="UTC"), datasets=[Dataset("s3://lake/raw")]
    ),
    catchup=False,
)
def dataset_or_time():
    @task
    def refresh():
        return None

    refresh()


dataset_or_time()
