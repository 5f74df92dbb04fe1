"""DAG 2, data-aware: scheduled on the text-records dataset that `image_text_extraction` updates.

Whenever `extract_text` succeeds, the scheduler starts a run of this DAG; the triggering dataset
event names DAG 1's run, whose records the tasks then read. No sensor, no shared schedule.
"""

from datetime import timedelta

from seedlib.ocr_tasks import START_DATE, text_records_dataset
from seedlib.text_model import add_training_tasks

from tradewind import DAG

with DAG(
    dag_id="text_model_training_dataset",
    description="Train the text classifier each time new OCR text records are produced",
    schedule=[text_records_dataset()],
    start_date=START_DATE,
    default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["example", "ocr", "ml", "cross-dag", "datasets"],
) as dag:
    add_training_tasks(wait_for="dataset")
