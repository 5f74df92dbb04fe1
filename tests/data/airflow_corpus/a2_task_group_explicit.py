# expect: {"dag_id": "task_group_explicit", "state": "success", "tasks": {"grp.a": "success", "grp.b": "success", "grp.sub.c": "success", "after": "success"}}
from datetime import datetime

from airflow import DAG
from airflow.operators.empty import EmptyOperator
from airflow.utils.task_group import TaskGroup

dag = DAG("task_group_explicit", start_date=datetime(2023, 1, 1), schedule=None)
grp = TaskGroup("grp", dag=dag)
sub = TaskGroup("sub", parent_group=grp, dag=dag)
a = EmptyOperator(task_id="a", task_group=grp, dag=dag)
b = EmptyOperator(task_id="b", task_group=grp, dag=dag)
c = EmptyOperator(task_id="c", task_group=sub, dag=dag)
after = EmptyOperator(task_id="after", dag=dag)
a >> b >> c
grp >> after
