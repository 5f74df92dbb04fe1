# expect: {"dag_id": "sdk_label_chain", "state": "success", "tasks": {"a": "success", "b": "success", "c": "success", "d": "success"}}
import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, Label, chain, cross_downstream

with DAG(dag_id="sdk_label_chain", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None):
    a, b, c, d = (EmptyOperator(task_id=t) for t in "abcd")
    a >> Label("first") >> b
    cross_downstream([b], [c, d])
    chain(c, d)
