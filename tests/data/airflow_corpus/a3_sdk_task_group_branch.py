# expect: {"dag_id": "sdk_groups_branch", "state": "success", "tasks": {"pick": "success", "fast.step": "success", "slow.step_1": "skipped", "slow.step_2": "skipped", "end": "success"}, "xcom": {"pick": "fast.step"}}
import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, TaskGroup, TriggerRule, chain, task

with DAG(dag_id="sdk_groups_branch", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule=None):

    @task.branch
    def pick():
        return "fast.step"

    with TaskGroup("fast") as fast:
        EmptyOperator(task_id="step")
    with TaskGroup("slow") as slow:
        chain(EmptyOperator(task_id="step_1"), EmptyOperator(task_id="step_2"))

    end = EmptyOperator(task_id="end", trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS)
    pick() >> [fast, slow] >> end
