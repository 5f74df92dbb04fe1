# expect: {"dag_id": "example_short_circuit_decorator", "state": "success", "tasks": {"check_condition": "success", "check_condition__1": "success", "true_1": "success", "true_2": "success", "false_1": "skipped", "false_2": "skipped"}}
import pendulum
from airflow.decorators import dag, task
from airflow.models.baseoperator import chain
from airflow.operators.empty import EmptyOperator


@dag(start_date=pendulum.datetime(2021, 1, 1, tz="UTC"), catchup=False, tags=["example"])
def example_short_circuit_decorator():
    @task.short_circuit()
    def check_condition(condition):
        return condition

    ds_true = [EmptyOperator(task_id=f"true_{i}") for i in [1, 2]]
    ds_false = [EmptyOperator(task_id=f"false_{i}") for i in [1, 2]]

    condition_is_true = check_condition(condition=True)
    condition_is_false = check_condition(condition=False)

    chain(condition_is_true, *ds_true)
    chain(condition_is_false, *ds_false)


example_dag = example_short_circuit_decorator()
