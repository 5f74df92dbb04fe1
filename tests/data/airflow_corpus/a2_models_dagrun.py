# expect: {"dag_id": "count_runs", "state": "success", "tasks": {"count": "success", "states": "success"}, "xcom": {"count": 1, "states": {"count": "success", "states": "running"}}}
from datetime import datetime

from airflow import DAG
from airflow.models import DagRun
from airflow.models.dagrun import DagRun as DagRunModel
from airflow.operators.python import PythonOperator


def count_runs(dag_id):
    return len(DagRun.find(dag_id=dag_id))


def task_states(dag_run: DagRunModel, ti):
    """The run's task instances, read through the DagRun in the context."""
    return {t.task_id: t.state for t in dag_run.get_task_instances() if t.task_id != ti.task_id} | {
        ti.task_id: dag_run.get_task_instance(ti.task_id).state
    }


with DAG("count_runs", start_date=datetime(2023, 1, 1), schedule=None):
    count = PythonOperator(task_id="count", python_callable=count_runs, op_args=["count_runs"])
    count >> PythonOperator(task_id="states", python_callable=task_states)
