# expect: {"dag_id": "operational_args", "state": "success", "tasks": {"heavy": "success", "mapped[0]": "success", "mapped[1]": "success", "light": "success"}}
from datetime import datetime, timedelta

from airflow.decorators import dag, task
from airflow.operators.bash import BashOperator


@dag(
    start_date=datetime(2023, 1, 1),
    schedule=None,
    max_active_runs=1,
    max_active_tasks=4,
    dagrun_timeout=timedelta(hours=1),
    is_paused_upon_creation=False,
    dag_display_name="Operational arguments",
    default_view="graph",
    doc_md="## Ops",
)
def operational_args():
    BashOperator(
        task_id="heavy",
        bash_command="echo heavy",
        pool="default_pool",
        pool_slots=1,
        priority_weight=10,
        weight_rule="upstream",
        queue="default",
        owner="ops",
        max_active_tis_per_dag=1,
        email=["ops@example.com"],
        email_on_retry=False,
        doc_md="Heavy task",
    )

    @task(max_active_tis_per_dagrun=1, retries=1, retry_delay=timedelta(seconds=1))
    def mapped(x):
        return x

    @task(priority_weight=5, execution_timeout=timedelta(minutes=5), task_display_name="Light work")
    def light():
        return None

    mapped.expand(x=[1, 2])
    light()


operational_args()
