"""DAG 2, started by `image_text_extraction_trigger` (schedule=None): it runs only when triggered.

The trigger passes the text records' path in `dag_run.conf["records"]`; the tasks are the same
as in `text_model_training`, minus the sensor.
"""

from datetime import timedelta

from seedlib.ocr_tasks import START_DATE
from seedlib.text_model import add_training_tasks

from tradewind import DAG

with DAG(
    dag_id="text_model_training_triggered",
    description="Train the text classifier when image_text_extraction_trigger says the text is ready",
    schedule=None,
    start_date=START_DATE,
    default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["example", "ocr", "ml", "cross-dag"],
) as dag:
    add_training_tasks(wait_for="trigger")
