"""The seed's weekly ML pipeline in one file: four Python functions joined with `>>`.

The seed offers two ways to write the pipeline; this is the first ("only one python file with
many functions"). Same steps, data and outputs as `work_automation/work_automation.py` (the
many-files way), but every step is a TaskFlow `@task` calling the shared code in `seedlib`,
and the model is trained in Python instead of a notebook. Outputs go to
`$TRADEWIND_HOME/data/work_automation_one_file/runs/<run_id>/`.
"""

import sys
from datetime import datetime, timedelta
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # examples/, for seedlib

from seedlib import ftp_fetch, paths, report, weekly_ml

from tradewind import DAG, task

default_args = {
    "owner": "data-team",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
    "email_on_failure": True,
    "email_on_retry": True,
    "email": "{{ var.value.get('alert_email', 'data-team@example.com') }}",
}


@task
def download_data(data_interval_start=None, data_interval_end=None, dag=None) -> list[str]:
    """This week's drop(s) from the FTP server of connection `ftp_default`."""
    return ftp_fetch.fetch_drops(
        "ftp_default", paths.raw_dir(dag.dag_id), data_interval_start.date(), data_interval_end.date()
    )


@task
def preprocess_data(data_interval_end=None, run_id=None, dag=None) -> dict:
    """Merge every drop received so far, clean, split train/test."""
    return weekly_ml.preprocess(paths.raw_dir(dag.dag_id), paths.run_dir(dag.dag_id, run_id), data_interval_end.date())


@task
def train_model(run_id=None, ts=None, dag=None) -> dict:
    folder = paths.run_dir(dag.dag_id, run_id)
    metrics = weekly_ml.train(folder / "train.csv", folder / "test.csv", folder, run_id=run_id, logical_date=ts)
    return {k: metrics[k] for k in ("accuracy", "f1", "roc_auc", "train_rows")}


@task
def generate_report(run_id=None, dag=None) -> str:
    return report.generate_report(paths.run_dir(dag.dag_id, run_id), paths.runs_dir(dag.dag_id))


with DAG(
    dag_id="work_automation_one_file",
    description="The weekly pipeline as four @task functions in one file, joined with >>",
    schedule="@weekly",
    start_date=datetime(2026, 1, 4),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["seed", "ml", "weekly", "taskflow"],
) as dag:
    download_data() >> preprocess_data() >> train_model() >> generate_report()
