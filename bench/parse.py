"""DAG file processor benchmark: N generated DAG files (5 tasks each) in a temporary TRADEWIND_HOME.

    .venv/bin/python bench/parse.py [--files 1000] [--repeat 10] [--processes 2] [--no-scheduler]

Prints: the first full parse, a pass with nothing changed (median of --repeat), a pass after one
file changed, the RSS of the process holding the processor, and the RSS of a real
`tradewind scheduler` idling over the same DAGs. Results also go to bench/results/parse.json.
Targets (issue #3): first parse of 1,000 files ≤ 30 s; idle pass ≤ 50 ms; scheduler idle ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scheduler import HERE, PY, rss_mb  # bench/scheduler.py: the harness's helpers

DAG = """
from datetime import datetime, timedelta
from tradewind import DAG
from tradewind.operators.bash import BashOperator
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator


def transform(**context):
    return context["ds"]


with DAG("bench_{i:05d}", schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False,
         default_args={{"retries": 1, "retry_delay": timedelta(minutes=5)}}, tags=["bench"]):
    start = EmptyOperator(task_id="start")
    extract = BashOperator(task_id="extract", bash_command="echo {{{{ ds }}}}")
    clean = PythonOperator(task_id="transform", python_callable=transform)
    load = BashOperator(task_id="load", bash_command="echo load")
    end = EmptyOperator(task_id="end")
    start >> extract >> clean >> load >> end
"""


def write_dags(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"bench_{i:05d}.py").write_text(DAG.format(i=i))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2, help="[scheduler] parsing_processes")
    parser.add_argument("--no-scheduler", action="store_true", help="skip the real scheduler's idle RSS")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tw-bench-parse-"))
    dags = home / "dags"
    write_dags(dags, args.files)
    env = {
        **os.environ,
        "TRADEWIND_HOME": str(home),
        "TRADEWIND__CORE__DAGS_FOLDER": str(dags),
        "TRADEWIND__CORE__LOAD_EXAMPLES": "false",
        "TRADEWIND__SCHEDULER__PARSING_PROCESSES": str(args.processes),
        "TRADEWIND__SCHEDULER__DAG_DIR_LIST_INTERVAL": "0",
        "TRADEWIND__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "3600",
    }
    os.environ.update(env)
    subprocess.run([PY, "-m", "tradewind", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    results: dict[str, dict[str, float]] = {}

    from tradewind.parsing.processor import DagFileProcessor
    from tradewind.store import dags as dag_store

    processor = DagFileProcessor()
    first = processor.run_once()
    active = len(dag_store.list_dags())
    if active != args.files or first.import_errors:
        raise SystemExit(f"expected {args.files} DAGs and no import errors, got {active} and {first.import_errors}")
    results["first_parse"] = {
        "median_s": first.duration,
        "files": first.files_parsed,
        "files_per_s": first.files_parsed / first.duration,
    }

    idle = []
    for _ in range(args.repeat):
        result = processor.run_once()
        assert result.files_parsed == 0, result
        idle.append(result.duration)
    results["idle_pass"] = {"median_s": statistics.median(idle), "max_ms": 1000 * max(idle)}

    one = dags / "bench_00000.py"
    st = one.stat()
    os.utime(one, (st.st_atime, st.st_mtime + 5))
    changed = processor.run_once()
    results["one_file_changed"] = {"median_s": changed.duration, "files": changed.files_parsed}

    forced = processor.run_once(force=True)
    results["forced_full_reparse"] = {"median_s": forced.duration, "files": forced.files_parsed}

    results["processor_rss"] = {
        "rss_mb": rss_mb(os.getpid()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if not args.no_scheduler:
        results["scheduler_idle"] = scheduler_idle(home, env)
    print(f"{'benchmark':24} {'value':>12}  extra")
    for name, r in results.items():
        value = f"{r['median_s'] * 1000:10.1f}ms" if "median_s" in r else f"{r.get('rss_mb', 0):10.1f}MB"
        extra = ", ".join(f"{k}={v:.1f}" for k, v in r.items() if k not in ("median_s", "rss_mb"))
        print(f"{name:24} {value:>12}  {extra}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "parse.json").write_text(json.dumps({"files": args.files, "results": results}, indent=2))


def scheduler_idle(home: Path, env: dict[str, str]) -> dict[str, float]:
    """Start a real scheduler over the parsed DAGs (all paused), wait for its start-up parse, read its RSS."""
    log_path = home / "scheduler.log"
    with log_path.open("wb") as log:
        sched = subprocess.Popen([PY, "-m", "tradewind", "scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        start = time.monotonic()
        while "DAG files:" not in log_path.read_text(errors="replace"):
            if sched.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the scheduler did not finish parsing:\n{log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        startup = time.monotonic() - start
        time.sleep(3.0)
        return {"rss_mb": rss_mb(sched.pid), "startup_parse_s": startup}
    finally:
        sched.send_signal(signal.SIGTERM)
        sched.wait(60)


if __name__ == "__main__":
    sys.exit(main())
