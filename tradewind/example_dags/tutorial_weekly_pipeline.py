"""The seed's weekly pipeline in miniature: download → preprocess → train → report.

Each task runs only if the previous one succeeded; a failed task is retried once after five
minutes. It needs nothing outside Tradewind: `download_data` generates the week's data file.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path

from tradewind import DAG
from tradewind.operators.bash import BashOperator
from tradewind.operators.python import PythonOperator

default_args = {
    "owner": "data-team",
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
    "email_on_failure": True,
}


def _workdir(ds: str) -> Path:
    from tradewind.config import tradewind_home

    return tradewind_home() / "tutorial" / ds


def preprocess(ds: str) -> int:
    """Parse the CSV, drop malformed rows, write clean JSON; return the number of rows kept."""
    rows = []
    for line in (_workdir(ds) / "raw.csv").read_text().splitlines()[1:]:
        x, y = line.split(",")
        try:
            rows.append((float(x), float(y)))
        except ValueError:
            continue
    (_workdir(ds) / "clean.json").write_text(json.dumps(rows))
    return len(rows)


def train(ds: str) -> dict:
    """Least-squares fit y = a·x + b on the clean data."""
    rows = json.loads((_workdir(ds) / "clean.json").read_text())
    n = len(rows)
    mx = sum(x for x, _ in rows) / n
    my = sum(y for _, y in rows) / n
    a = sum((x - mx) * (y - my) for x, y in rows) / sum((x - mx) ** 2 for x, _ in rows)
    b = my - a * mx
    mse = sum((a * x + b - y) ** 2 for x, y in rows) / n
    model = {"a": round(a, 4), "b": round(b, 4), "mse": round(mse, 4), "rows": n}
    (_workdir(ds) / "model.json").write_text(json.dumps(model))
    return model


def report(ds: str, ti=None) -> str:
    model = ti.xcom_pull(task_ids="train_model")
    path = _workdir(ds) / "report.html"
    path.write_text(
        "<html><body><h1>Weekly model report {}</h1><table>{}</table></body></html>".format(
            ds, "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in model.items())
        )
    )
    print(f"Report written to {path}")
    return str(path)


with DAG(
    dag_id="tutorial_weekly_pipeline",
    description="Weekly retraining: download, preprocess, train, report",
    schedule="@weekly",
    start_date=datetime(2024, 1, 7),
    catchup=False,
    default_args=default_args,
    tags=["example", "tutorial"],
    user_defined_macros={"workdir": lambda ds: str(_workdir(ds))},
) as dag:
    download_data = BashOperator(
        task_id="download_data",
        bash_command=(
            'set -euo pipefail; dir="{{ workdir(ds) }}"; mkdir -p "$dir"; '
            'echo "x,y" > "$dir/raw.csv"; '
            'for i in $(seq 1 200); do echo "$i,$(( 3 * i + 7 + RANDOM % 11 - 5 ))" >> "$dir/raw.csv"; done; '
            'echo "bad,row" >> "$dir/raw.csv"; echo "$dir/raw.csv"'
        ),
    )
    preprocess_data = PythonOperator(task_id="preprocess_data", python_callable=preprocess)
    train_model = PythonOperator(task_id="train_model", python_callable=train)
    generate_report = PythonOperator(task_id="generate_report", python_callable=report)

    download_data >> preprocess_data >> train_model >> generate_report
