"""DAG 2 of the seed's cross-DAG scenario, "pull" style: wait for DAG 1's text, then train a model.

`wait_for_text` is an ExternalTaskSensor in reschedule mode: it checks that
`image_text_extraction.extract_text` succeeded for the same logical date, and frees its worker
slot between checks. Both DAGs share the weekly schedule, so their logical dates line up.
Then: transform_data (clean, tokenise, TF-IDF) → visualise_data (PNG charts) → train_model
(a scikit-learn classifier that predicts a document's category from its OCR text).
"""

from datetime import timedelta

from seedlib.ocr_tasks import SCHEDULE, START_DATE
from seedlib.text_model import add_training_tasks

from tradewind import DAG

with DAG(
    dag_id="text_model_training",
    description="Weekly: once the OCR text of the week exists, transform it, chart it, train a classifier",
    schedule=SCHEDULE,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["example", "ocr", "ml", "cross-dag"],
) as dag:
    add_training_tasks(wait_for="sensor")
