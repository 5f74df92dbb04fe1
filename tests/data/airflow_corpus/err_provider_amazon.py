# expect-import-error: airflow.providers.amazon
from datetime import datetime

from airflow import DAG
from airflow.providers.amazon.aws.operators.s3 import S3CreateBucketOperator

with DAG("s3_bucket", start_date=datetime(2023, 1, 1), schedule=None):
    S3CreateBucketOperator(task_id="create_bucket", bucket_name="my-bucket")
