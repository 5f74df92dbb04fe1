# expect-import-error: timetable class
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.timetables.base import DagRunInfo, DataInterval, Timetable


class AfterWorkdayTimetable(Timetable):
    def infer_manual_data_interval(self, *, run_after):
        return DataInterval.exact(run_after)

    def next_dagrun_info(self, *, last_automated_data_interval, restriction):
        return DagRunInfo.interval(start=datetime(2023, 1, 1), end=datetime(2023, 1, 2))


with DAG("custom_timetable", start_date=datetime(2023, 1, 1), timetable=AfterWorkdayTimetable()):
    EmptyOperator(task_id="t")
