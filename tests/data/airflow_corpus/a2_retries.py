# expect: {"dag_id": "retries_demo", "state": "failed", "tasks": {"flaky": "success", "fail_fast": "failed", "always_broken": "failed", "report": "upstream_failed"}, "tries": {"flaky": 2, "fail_fast": 1, "always_broken": 3}, "xcom": {"flaky": "ok on try 2"}}
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowFailException
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator

default_args = {
    "owner": "data-eng",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
}


def flaky(ti):
    if ti.try_number < 2:
        raise RuntimeError("transient error")
    return f"ok on try {ti.try_number}"


def fail_fast():
    raise AirflowFailException("bad configuration: no point retrying")


with DAG("retries_demo", default_args=default_args, start_date=datetime(2023, 1, 1), schedule=None) as dag:
    t1 = PythonOperator(task_id="flaky", python_callable=flaky)
    t2 = PythonOperator(task_id="fail_fast", python_callable=fail_fast, retries=5)
    t3 = BashOperator(task_id="always_broken", bash_command="exit 3", max_retry_delay=timedelta(minutes=1))
    report = BashOperator(task_id="report", bash_command="echo report")
    [t1, t2, t3] >> report
