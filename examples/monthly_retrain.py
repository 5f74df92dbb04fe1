"""Monthly retrain: the seed's "internal trigger" — retrain every month on all the data received.

The data keeps changing, so once a month the model is retrained from scratch on every drop
received so far (the month's drops are fetched first), reusing the weekly pipeline's steps
from `seedlib`. Outputs go to `$TRADEWIND_HOME/data/monthly_retrain/runs/<run_id>/`, and the
report's trend compares month with month.
"""

import sys
from datetime import datetime, timedelta
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # examples/, for seedlib

from seedlib import ftp_fetch, paths, report, weekly_ml

from tradewind import DAG, task


@task
def download_month(data_interval_start=None, data_interval_end=None, dag=None) -> list[str]:
    """Every weekly drop that started in this month."""
    return ftp_fetch.fetch_drops(
        "ftp_default", paths.raw_dir(dag.dag_id), data_interval_start.date(), data_interval_end.date()
    )


@task
def preprocess_all(data_interval_end=None, run_id=None, dag=None) -> dict:
    return weekly_ml.preprocess(paths.raw_dir(dag.dag_id), paths.run_dir(dag.dag_id, run_id), data_interval_end.date())


@task
def retrain(run_id=None, ts=None, dag=None) -> dict:
    folder = paths.run_dir(dag.dag_id, run_id)
    metrics = weekly_ml.train(folder / "train.csv", folder / "test.csv", folder, run_id=run_id, logical_date=ts)
    return {k: metrics[k] for k in ("accuracy", "f1", "roc_auc", "train_rows")}


@task
def monthly_report(run_id=None, dag=None) -> str:
    return report.generate_report(paths.run_dir(dag.dag_id, run_id), paths.runs_dir(dag.dag_id))


with DAG(
    dag_id="monthly_retrain",
    description="Retrain on all data received, once a month (the seed's internal trigger)",
    schedule="@monthly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "data-team",
        "retries": 1,
        "retry_delay": timedelta(minutes=5),
        "email_on_failure": True,
        "email": "{{ var.value.get('alert_email', 'data-team@example.com') }}",
    },
    tags=["seed", "ml", "monthly"],
) as dag:
    download_month() >> preprocess_all() >> retrain() >> monthly_report()
