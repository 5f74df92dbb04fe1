# expect: {"dag_id": "dataset_produces_1", "state": "success", "tasks": {"producing_task_1": "success"}}
# expect: {"dag_id": "dataset_consumes_1", "state": "success", "tasks": {"consuming_1": "success"}, "xcom": {"consuming_1": "s3://dag1/output_1.txt"}, "data_interval": ["2024-03-05T00:00:00+00:00", "2024-03-05T00:00:00+00:00"]}
import pendulum
from airflow.datasets import Dataset
from airflow.models.dag import DAG
from airflow.operators.bash import BashOperator

dag1_dataset = Dataset("s3://dag1/output_1.txt", extra={"hi": "bye"})
dag2_dataset = Dataset("s3://dag2/output_1.txt", extra={"hi": "bye"})

with DAG(
    dag_id="dataset_produces_1",
    catchup=False,
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    schedule="@daily",
    tags=["produces", "dataset-scheduled"],
) as dag1:
    BashOperator(outlets=[dag1_dataset], task_id="producing_task_1", bash_command="sleep 0.1")

with DAG(
    dag_id="dataset_consumes_1",
    catchup=False,
    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),
    schedule=[dag1_dataset],
    tags=["consumes", "dataset-scheduled"],
) as dag3:
    BashOperator(
        outlets=[Dataset("s3://consuming_1_task/dataset_other.txt")],
        task_id="consuming_1",
        bash_command="echo " + dag1_dataset.uri,
    )
