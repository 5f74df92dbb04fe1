"""The seed's weekly ML pipeline, one file per step: download → preprocess → train → report.

Every week the pipeline fetches the new data drop from an FTP server, merges it with the drops
received before, retrains a model in a Jupyter notebook and writes an HTML report showing
whether retraining helped. As the seed asks:

* each task runs only if the one before it succeeded (the default trigger rule, all_success);
* a failed task is relaunched at most once, five minutes later (`retries=1`, `retry_delay`);
* every failed try sends an email to the address in the Variable `alert_email`.

The steps live beside this file: `download_data.sh` (curl; the FTP credentials come from the
connection `ftp_default`), `preprocess_data.py`, `train_model.ipynb` (run by papermill) and
the report, built by `seedlib.report`; `seedlib/weekly_steps.py` declares the three steps after
the download, shared with `work_automation_ftp.py` (the same pipeline downloading with the ftp
provider's FTPSensor and FTPFileTransmitOperator instead of a shell script). Outputs go to
`$TRADEWIND_HOME/data/work_automation/runs/<run_id>/`. See docs/seed-pipelines.md.
"""

import sys
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))  # examples/, for seedlib (also when a worker imports this file alone)

from seedlib.paths import data_dir, run_dir  # noqa: E402
from seedlib.weekly_steps import training_steps  # noqa: E402

from tradewind import DAG  # noqa: E402
from tradewind.operators.bash import BashOperator  # noqa: E402

default_args = {
    "owner": "data-team",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
    "email_on_failure": True,
    "email_on_retry": True,  # "whenever a task failed, you get the email" — the first try too
    "email": "{{ var.value.get('alert_email', 'data-team@example.com') }}",
}

with DAG(
    dag_id="work_automation",
    description="Weekly retraining on FTP data drops: download, preprocess, train (notebook), report",
    schedule="@weekly",
    start_date=datetime(2026, 1, 4),
    catchup=False,  # the scheduler runs the latest week; `dags backfill` runs chosen past weeks
    max_active_runs=1,  # week after week, in order: each run builds on the data of the previous ones
    default_args=default_args,
    user_defined_macros={"data_dir": data_dir, "run_dir": run_dir},
    tags=["seed", "ml", "weekly"],
) as dag:
    download_data = BashOperator(
        task_id="download_data",
        bash_command="download_data.sh",  # a Jinja template file beside this one
    )
    # preprocess_data (preprocess_data.py) >> train_model (train_model.ipynb) >> generate_report
    preprocess_data, generate_report = training_steps(HERE)

    download_data >> preprocess_data
