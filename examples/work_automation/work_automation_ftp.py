"""The seed's weekly ML pipeline with the download done by the ftp provider instead of a shell script.

Same steps, data and outputs as `work_automation.py` (its sibling), but step 1 is two tasks:

* `wait_for_drop` — an `FTPSensor` that waits for this week's drop (`drops/<week start>.csv`) to
  appear on the server of the connection `ftp_default`. In reschedule mode: between pokes (every
  10 minutes, for up to 2 days) it holds no worker slot, so a drop that comes late delays the run
  instead of failing it;
* `download_data` — an `FTPFileTransmitOperator` that fetches that drop into
  `$TRADEWIND_HOME/data/work_automation_ftp/raw/`.

The folder on the server comes from the connection's extra (`{"path": "drops"}`), as for the
shell-script version. On Airflow, the same two operators are imported from
`airflow.providers.ftp.sensors.ftp` and `airflow.providers.ftp.operators.ftp` (Tradewind accepts
those paths too). See docs/seed-pipelines.md.
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
from tradewind.providers.ftp.operators.ftp import FTPFileTransmitOperator, FTPOperation  # noqa: E402
from tradewind.providers.ftp.sensors.ftp import FTPSensor  # noqa: E402

WEEK = "{{ data_interval_start.strftime('%Y-%m-%d') }}"  # a drop is named for the Sunday its week starts
REMOTE_DROP = "{{ conn.ftp_default.extra_dejson.get('path', 'drops') }}/" + WEEK + ".csv"

default_args = {
    "owner": "data-team",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
    "email_on_failure": True,
    "email_on_retry": True,
    "email": "{{ var.value.get('alert_email', 'data-team@example.com') }}",
}

with DAG(
    dag_id="work_automation_ftp",
    description="The weekly pipeline, downloading with FTPSensor + FTPFileTransmitOperator",
    schedule="@weekly",
    start_date=datetime(2026, 1, 4),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    user_defined_macros={"data_dir": data_dir, "run_dir": run_dir},
    tags=["seed", "ml", "weekly", "ftp"],
) as dag:
    wait_for_drop = FTPSensor(
        task_id="wait_for_drop",
        ftp_conn_id="ftp_default",
        path=REMOTE_DROP,
        mode="reschedule",
        poke_interval=timedelta(minutes=10),
        timeout=timedelta(days=2),
        fail_on_transient_errors=False,  # a busy server (421, 450...) means "poke again later"
    )
    download_data = FTPFileTransmitOperator(
        task_id="download_data",
        ftp_conn_id="ftp_default",
        operation=FTPOperation.GET,
        remote_filepath=REMOTE_DROP,
        local_filepath="{{ data_dir(dag.dag_id) }}/raw/" + WEEK + ".csv",
        create_intermediate_dirs=True,
    )
    preprocess_data, generate_report = training_steps(HERE)

    wait_for_drop >> download_data >> preprocess_data
