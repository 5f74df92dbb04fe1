"""DAG 1 of the seed's cross-DAG scenario: download images → process them → extract their text.

Every week (the seed's rhythm: the text model downstream is retrained weekly) it downloads that
week's drop of scanned documents from the FTP connection `ftp_default`, cleans the images with
Pillow and reads them with Tesseract. `extract_text` writes the text records and updates the
dataset `file://tradewind-home/data/ocr/text_records`, which is what `text_model_training_dataset`
is scheduled on; `text_model_training` instead waits for `extract_text` with an ExternalTaskSensor.
"""

from datetime import timedelta

from seedlib.ocr_tasks import FTP_CONN_ID, SCHEDULE, START_DATE, add_extraction_tasks

from tradewind import DAG

with DAG(
    dag_id="image_text_extraction",
    description="Weekly: download scanned documents over FTP, clean them, OCR them",
    schedule=SCHEDULE,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(minutes=5)},
    params={"ftp_conn_id": FTP_CONN_ID},
    tags=["example", "ocr", "cross-dag"],
) as dag:
    add_extraction_tasks(emit_dataset=True)
