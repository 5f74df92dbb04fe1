# expect: {"dag_id": "example_branch_operator", "state": "success", "tasks": {"run_this_first": "success", "branching": "success", "branch_a": "success", "branch_b": "skipped", "branch_c": "skipped", "follow_branch_a": "success", "follow_branch_b": "skipped", "follow_branch_c": "skipped", "join": "success"}, "xcom": {"branching": "branch_a"}}
import pendulum
from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import BranchPythonOperator
from airflow.utils.edgemodifier import Label
from airflow.utils.trigger_rule import TriggerRule

with DAG(
    dag_id="example_branch_operator",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
    schedule="@daily",
    tags=["example", "example2"],
) as dag:
    run_this_first = EmptyOperator(task_id="run_this_first")

    options = ["branch_a", "branch_b", "branch_c"]

    branching = BranchPythonOperator(
        task_id="branching",
        python_callable=lambda: options[0],
    )
    run_this_first >> branching

    join = EmptyOperator(task_id="join", trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS)

    for option in options:
        t = EmptyOperator(task_id=option)
        empty_follow = EmptyOperator(task_id="follow_" + option)
        branching >> Label(option) >> t >> empty_follow >> join
