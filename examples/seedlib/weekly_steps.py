"""The weekly pipeline's steps after the download — preprocess, train (notebook), report — for both DAG files.

`work_automation/work_automation.py` downloads with a shell script, `work_automation/work_automation_ftp.py`
with the ftp provider's sensor and operator; what follows the download is the same, defined once here.
Call it inside a `with DAG(...)` block whose file sits beside `preprocess_data.py` and `train_model.ipynb`.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from seedlib.report import generate_report
from tradewind.operators.bash import BashOperator
from tradewind.operators.papermill import PapermillOperator
from tradewind.operators.python import PythonOperator
from tradewind.sdk.baseoperator import BaseOperator

#: where a run's outputs go (the DAG's user_defined_macros provide run_dir and data_dir)
RUN_DIR = "{{ run_dir(dag.dag_id, run_id) }}"
RUNS_DIR = "{{ data_dir(dag.dag_id) }}/runs"


def training_steps(step_dir: Path) -> tuple[BaseOperator, BaseOperator]:
    """preprocess_data >> train_model >> generate_report in the current DAG; returns (first, last)."""
    preprocess_data = BashOperator(
        task_id="preprocess_data",
        bash_command=(
            f"{shlex.quote(sys.executable)} {shlex.quote(str(step_dir / 'preprocess_data.py'))}"
            " --raw-dir '{{ data_dir(dag.dag_id) }}/raw'"
            f" --out-dir '{RUN_DIR}'"
            " --until {{ data_interval_end.strftime('%Y-%m-%d') }}"
        ),
    )

    train_model = PapermillOperator(
        task_id="train_model",
        input_nb="train_model.ipynb",
        output_nb=f"{RUN_DIR}/train_model.ipynb",  # the executed notebook, kept per run
        parameters={
            "train_csv": f"{RUN_DIR}/train.csv",
            "test_csv": f"{RUN_DIR}/test.csv",
            "out_dir": RUN_DIR,
            "run_id": "{{ run_id }}",
            "logical_date": "{{ ts }}",
        },
    )

    generate_report_task = PythonOperator(
        task_id="generate_report",
        python_callable=generate_report,
        op_kwargs={"run_dir": RUN_DIR, "runs_dir": RUNS_DIR, "notebook": "train_model.ipynb"},
    )

    preprocess_data >> train_model >> generate_report_task
    return preprocess_data, generate_report_task
