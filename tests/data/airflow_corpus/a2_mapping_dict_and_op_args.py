# expect: {"dag_id": "mapping_dict_and_op_args", "state": "success", "tasks": {"show[0]": "success", "show[1]": "success", "args": "success", "py[0]": "success", "py[1]": "success"}, "xcom": {"show[1]": "b=2", "py[0]": "1+2=3", "py[1]": "10+20=30"}}
# Mapping over a dict gives each mapped task a (key, value) pair; op_args can come from an upstream list of lists.
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.python import PythonOperator


def add(a, b):
    return f"{a}+{b}={a + b}"


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def mapping_dict_and_op_args():
    @task
    def show(item):
        key, value = item
        return f"{key}={value}"

    @task
    def args():
        return [[1, 2], [10, 20]]

    show.expand(item={"a": 1, "b": 2})
    PythonOperator.partial(task_id="py", python_callable=add).expand(op_args=args())


mapping_dict_and_op_args()
