# expect: {"dag_id": "parse_time_config", "state": "success", "tasks": {"show": "success"}, "xcom": {"show": "staging default True"}}
# Top-level code reads variables (with a default) and configuration at parse time, and uses the parsing context.
from datetime import datetime

from airflow import DAG
from airflow.configuration import conf
from airflow.models import Variable
from airflow.operators.bash import BashOperator
from airflow.utils.dag_parsing_context import get_parsing_context

ENV = Variable.get("corpus_env", default_var="dev")
MISSING = Variable.get("corpus_not_set", default_var="default")
HAS_FOLDER = bool(conf.get("core", "dags_folder"))
current_dag_id = get_parsing_context().dag_id

if current_dag_id is None or current_dag_id == "parse_time_config":
    with DAG("parse_time_config", start_date=datetime(2023, 1, 1), schedule=None):
        BashOperator(task_id="show", bash_command=f"echo {ENV} {MISSING} {HAS_FOLDER}")
