# expect: {"dag_id": "example_branch_labels", "state": "success", "tasks": {"ingest": "success", "analyse": "success", "check_integrity": "success", "describe_integrity": "skipped", "email_error": "skipped", "save": "success", "report": "success"}}
import pendulum
from airflow.models.dag import DAG
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import BranchPythonOperator
from airflow.utils.edgemodifier import Label

with DAG(
    "example_branch_labels",
    schedule="@daily",
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    ingest = EmptyOperator(task_id="ingest")
    analyse = EmptyOperator(task_id="analyse")
    check = BranchPythonOperator(task_id="check_integrity", python_callable=lambda: "save")
    describe = EmptyOperator(task_id="describe_integrity")
    error = EmptyOperator(task_id="email_error")
    save = EmptyOperator(task_id="save")
    report = EmptyOperator(task_id="report", trigger_rule="none_failed_min_one_success")

    ingest >> analyse >> check
    check >> Label("No errors") >> save >> report
    check >> Label("Errors found") >> describe >> error >> report
