# expect: {"dag_id": "taskflow_branch", "state": "success", "tasks": {"get_size": "success", "choose": "success", "small_load": "skipped", "big_load": "success", "finish": "success"}, "xcom": {"choose": "big_load", "big_load": "loaded 1200 rows"}}
from datetime import datetime

from airflow.decorators import dag, task


@dag(schedule=None, start_date=datetime(2023, 1, 1), catchup=False)
def taskflow_branch():
    @task
    def get_size():
        return 1200

    @task.branch
    def choose(size: int):
        return "big_load" if size > 1000 else "small_load"

    @task
    def small_load():
        return "small"

    @task
    def big_load(ti=None):
        rows = ti.xcom_pull(task_ids="get_size")
        return f"loaded {rows} rows"

    @task(trigger_rule="none_failed_min_one_success")
    def finish():
        print("done")

    choose(get_size()) >> [small_load(), big_load()] >> finish()


taskflow_branch()
