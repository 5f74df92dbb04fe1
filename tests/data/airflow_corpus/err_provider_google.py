# expect-import-error: airflow.providers.google
from datetime import datetime

from airflow import DAG
from airflow.providers.google.cloud.operators.gcs import GCSCreateBucketOperator

with DAG("gcs_bucket", start_date=datetime(2023, 1, 1), schedule=None):
    GCSCreateBucketOperator(task_id="create_bucket", bucket_name="my-bucket")
