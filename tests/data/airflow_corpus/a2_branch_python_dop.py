# expect: {"dag_id": "example_branch_dop_operator_v3", "state": "success", "tasks": {"condition": "success", "oper_1": "success", "oper_2": "skipped"}}
import pendulum
from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import BranchPythonOperator


def should_run(**kwargs):
    """Determine which empty_task should be run based on if the logical date minute is even or odd."""
    print(f"------------- exec dttm = {kwargs['logical_date']} and minute = {kwargs['logical_date'].minute}")
    if kwargs["logical_date"].minute % 2 == 0:
        return "oper_1"
    else:
        return "oper_2"


with DAG(
    dag_id="example_branch_dop_operator_v3",
    schedule="*/1 * * * *",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    default_args={"depends_on_past": True},
    tags=["example"],
) as dag:
    cond = BranchPythonOperator(task_id="condition", python_callable=should_run)
    oper_1 = EmptyOperator(task_id="oper_1")
    oper_2 = EmptyOperator(task_id="oper_2")
    cond >> [oper_1, oper_2]
