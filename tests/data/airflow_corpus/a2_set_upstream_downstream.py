# expect: {"dag_id": "set_relatives", "state": "success", "tasks": {"a": "success", "b": "success", "c": "success", "d": "success"}, "xcom": {"d": "a b c"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator

dag = DAG("set_relatives", start_date=datetime(2023, 1, 1), schedule_interval=None)
a = EmptyOperator(task_id="a", dag=dag)
b = EmptyOperator(task_id="b", dag=dag)
c = EmptyOperator(task_id="c", dag=dag)
d = BashOperator(task_id="d", bash_command="echo a b c", dag=dag)
b.set_upstream(a)
a.set_downstream(c)
d.set_upstream([b, c])
c << a
