# expect: {"dag_id": "xcom_model", "state": "success", "tasks": {"make_pool": "success", "push": "success", "read": "success", "clear": "success", "after_clear": "success"}, "xcom": {"make_pool": [3, "for the warehouse"], "read": ["v1", "from set", "return_value"], "after_clear": "<no xcom>"}}
from datetime import datetime

from airflow import DAG
from airflow.models import Pool, XCom
from airflow.models.baseoperator import chain
from airflow.models.xcom import XCOM_RETURN_KEY
from airflow.operators.python import PythonOperator


def make_pool():
    Pool.create_or_update_pool("warehouse", slots=3, description="for the warehouse")
    pool = Pool.get_pool("warehouse")
    return [pool.slots, pool.description]


def push(ti):
    ti.xcom_push(key="k", value="v1")
    XCom.set(key="other", value="from set", task_id="push", dag_id="xcom_model", run_id=ti.run_id)


def read(run_id):
    first = XCom.get_one(run_id=run_id, key="k", task_id="push", dag_id="xcom_model")
    other = XCom.get_one(run_id=run_id, key="other", task_id="push", dag_id="xcom_model")
    return [first, other, XCOM_RETURN_KEY]


def clear(run_id):
    XCom.clear(dag_id="xcom_model", task_id="push", run_id=run_id)


def after_clear(run_id):
    return XCom.get_one(run_id=run_id, key="k", task_id="push", dag_id="xcom_model")


with DAG("xcom_model", start_date=datetime(2023, 1, 1), schedule=None):
    steps = [
        PythonOperator(task_id="make_pool", python_callable=make_pool),
        PythonOperator(task_id="push", python_callable=push, pool="warehouse"),
        PythonOperator(task_id="read", python_callable=read),
        PythonOperator(task_id="clear", python_callable=clear),
        PythonOperator(task_id="after_clear", python_callable=after_clear),
    ]
    chain(*steps)
