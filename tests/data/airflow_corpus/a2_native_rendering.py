# expect: {"dag_id": "native_rendering", "state": "success", "tasks": {"make": "success", "typed": "success"}, "xcom": {"typed": "dict 3 int"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator


def typed(data, count):
    return f"{type(data).__name__} {len(data)} {type(count).__name__}"


with DAG("native_rendering", start_date=datetime(2023, 1, 1), schedule=None, render_template_as_native_obj=True):
    make = PythonOperator(task_id="make", python_callable=lambda: {"a": 1, "b": 2, "c": 3})
    use = PythonOperator(
        task_id="typed",
        python_callable=typed,
        op_kwargs={"data": "{{ ti.xcom_pull(task_ids='make') }}", "count": "{{ 1 + 2 }}"},
    )
    make >> use
