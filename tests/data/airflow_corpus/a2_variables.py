# expect: {"dag_id": "variables_demo", "state": "success", "tasks": {"templated": "success", "in_python": "success"}, "xcom": {"templated": "staging 3 fallback", "in_python": "staging/3/dflt"}}
# Run with the variables corpus_env=staging and corpus_settings={"batch": 3} (see README).
from datetime import datetime

from airflow import DAG
from airflow.models import Variable
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator


def read_variables():
    env = Variable.get("corpus_env")
    settings = Variable.get("corpus_settings", deserialize_json=True)
    missing = Variable.get("corpus_missing", default_var="dflt")
    return f"{env}/{settings['batch']}/{missing}"


with DAG("variables_demo", start_date=datetime(2023, 1, 1), schedule=None):
    BashOperator(
        task_id="templated",
        bash_command="echo {{ var.value.corpus_env }} {{ var.json.corpus_settings.batch }} {{ var.value.get('corpus_missing', 'fallback') }}",
    )
    PythonOperator(task_id="in_python", python_callable=read_variables)
