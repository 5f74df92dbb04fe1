# expect: {"dag_id": "branch_to_task_group", "state": "success", "tasks": {"choose": "success", "full.extract": "success", "full.load": "success", "incremental.extract": "skipped", "incremental.load": "skipped", "done": "success"}, "xcom": {"choose": "full"}}
# A branch may return a task group's id: the group's first tasks are followed (Airflow 2.x).
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import BranchPythonOperator
from airflow.utils.task_group import TaskGroup

with DAG("branch_to_task_group", start_date=datetime(2023, 1, 1), schedule=None):
    choose = BranchPythonOperator(task_id="choose", python_callable=lambda: "full")
    with TaskGroup("full") as full:
        EmptyOperator(task_id="extract") >> EmptyOperator(task_id="load")
    with TaskGroup("incremental") as incremental:
        EmptyOperator(task_id="extract") >> EmptyOperator(task_id="load")
    done = EmptyOperator(task_id="done", trigger_rule="none_failed_min_one_success")
    choose >> [full, incremental] >> done
