# expect: {"dag_id": "short_circuit_decorator_rules", "state": "success", "tasks": {"gate": "success", "direct": "skipped", "all_done": "success"}}
from datetime import datetime

from airflow.decorators import dag, task
from airflow.operators.empty import EmptyOperator


@dag(start_date=datetime(2023, 1, 1), schedule=None)
def short_circuit_decorator_rules():
    @task.short_circuit(ignore_downstream_trigger_rules=False)
    def gate():
        return 0

    direct = EmptyOperator(task_id="direct")
    gate() >> direct >> EmptyOperator(task_id="all_done", trigger_rule="all_done")


short_circuit_decorator_rules()
