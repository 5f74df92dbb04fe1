# expect: {"dag_id": "airflow1_style", "state": "success", "tasks": {"start": "success", "say_hi": "success", "py": "success", "end": "success"}, "xcom": {"py": "2024-03-05"}}
# Airflow 1.10 idioms that Airflow 2 still imports: *_operator modules, DummyOperator, days_ago, apply_defaults.
from datetime import timedelta

from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from airflow.operators.dummy_operator import DummyOperator
from airflow.operators.python_operator import PythonOperator
from airflow.utils.dates import days_ago

default_args = {"owner": "airflow", "start_date": days_ago(2), "retries": 1, "retry_delay": timedelta(minutes=5)}

dag = DAG("airflow1_style", default_args=default_args, schedule_interval="@daily", catchup=False)


def print_ds(ds, **kwargs):
    return ds


start = DummyOperator(task_id="start", dag=dag)
say_hi = BashOperator(task_id="say_hi", bash_command="echo hi", dag=dag)
py = PythonOperator(task_id="py", python_callable=print_ds, dag=dag)
end = DummyOperator(task_id="end", dag=dag)
start >> say_hi >> py >> end
