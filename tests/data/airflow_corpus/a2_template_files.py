# expect: {"dag_id": "template_files", "state": "success", "tasks": {"run_script": "success", "read_sql": "success"}, "xcom": {"run_script": "greeting team on 2024-03-05", "read_sql": "SELECT * FROM events WHERE day = '2024-03-05'"}}
# A templated field ending in a template extension names a file on the search path (the DAG file's folder by default).
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def read_sql(templates_dict=None):
    return templates_dict["query"].strip()


with DAG("template_files", start_date=datetime(2023, 1, 1), schedule=None, params={"who": "team"}):
    BashOperator(task_id="run_script", bash_command="scripts/greet.sh")
    PythonOperator(
        task_id="read_sql",
        python_callable=read_sql,
        templates_dict={"query": "sql/events.sql"},
        templates_exts=[".sql"],
    )
