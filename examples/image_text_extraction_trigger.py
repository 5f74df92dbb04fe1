"""DAG 1, "push" style: the same extraction, then it triggers `text_model_training_triggered` itself.

The triggered run gets the same logical date and, in `conf`, the path of the text records that
this run wrote, so DAG 2 needs no sensor and no schedule of its own.
"""

from datetime import timedelta

from seedlib.ocr_tasks import FTP_CONN_ID, SCHEDULE, START_DATE, add_extraction_tasks

from tradewind import DAG
from tradewind.operators.trigger_dagrun import TriggerDagRunOperator

with DAG(
    dag_id="image_text_extraction_trigger",
    description="Weekly OCR extraction that triggers the text model training when it is done",
    schedule=SCHEDULE,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data-team", "retries": 1, "retry_delay": timedelta(minutes=5)},
    params={"ftp_conn_id": FTP_CONN_ID},
    tags=["example", "ocr", "cross-dag"],
) as dag:
    extract_text = add_extraction_tasks(emit_dataset=False)
    trigger = TriggerDagRunOperator(
        task_id="trigger_text_model",
        trigger_dag_id="text_model_training_triggered",
        trigger_run_id="triggered__{{ ts }}",
        logical_date="{{ logical_date }}",
        conf={"records": "{{ ti.xcom_pull(task_ids='extract_text')['records'] }}", "source_run_id": "{{ run_id }}"},
        reset_dag_run=True,
    )
    extract_text >> trigger
