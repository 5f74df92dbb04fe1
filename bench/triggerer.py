"""Triggerer benchmark: a real `tradewind triggerer` holding N deferred task instances' TimeDeltaTriggers.

    .venv/bin/python bench/triggerer.py [--triggers 1000]

In a temporary TRADEWIND_HOME: one DAG of N tasks, one run, every instance deferred through the
store's own operations (start_try, finish_try with a 1-hour TimeDeltaTrigger); then a real
`tradewind triggerer` process starts them all. Prints the time until every trigger runs and the
triggerer's RSS while they wait (also the RSS with no trigger, for the baseline). Results also go
to bench/results/triggerer.json. Target (issue #12): 1,000 waiting triggers < 100 MB RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from scheduler import HERE, PY, rss_mb  # bench/scheduler.py: the harness's helpers


def defer_all(n: int) -> None:
    """N deferred instances, each on its own 1-hour TimeDeltaTrigger."""
    from tradewind import DAG
    from tradewind.operators.empty import EmptyOperator
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.states import TaskState
    from tradewind.store import tries
    from tradewind.store.records import Deferral
    from tradewind.triggers.temporal import TimeDeltaTrigger

    with DAG("bench_triggerer", schedule=None) as dag:
        for i in range(n):
            EmptyOperator(task_id=f"t{i:05d}")
    run = create_manual_run(dag, sync_dag(dag), logical_date=datetime(2024, 1, 1, tzinfo=timezone.utc))
    now = datetime.now(timezone.utc)
    for task_id in dag.task_ids:
        claimed = tries.start_try(
            dag.dag_id,
            run.run_id,
            task_id,
            expected={TaskState.NONE},
            hostname="bench",
            pid=0,
            log_path="-",
            start_date=now,
        )
        assert claimed is not None
        classpath, kwargs = TimeDeltaTrigger(timedelta(hours=1)).serialize()
        tries.finish_try(
            dag.dag_id,
            run.run_id,
            task_id,
            state=TaskState.DEFERRED,
            end_date=now,
            deferral=Deferral(classpath, kwargs, "execute_complete", {}, None),
        )


def started_triggers(log: Path) -> int:
    return log.read_text(errors="replace").count(" started: ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triggers", type=int, default=1000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tw-bench-triggerer-"))
    env = {**os.environ, "TRADEWIND_HOME": str(home)}
    os.environ.update(env)
    subprocess.run([PY, "-m", "tradewind", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    log = home / "triggerer.out"
    with log.open("wb") as out:
        idle = subprocess.Popen([PY, "-m", "tradewind", "triggerer"], env=env, stdout=out, stderr=subprocess.STDOUT)
        time.sleep(3)
        rss_idle = rss_mb(idle.pid)
        idle.send_signal(signal.SIGTERM)
        idle.wait(30)
    defer_all(args.triggers)
    log.write_bytes(b"")
    with log.open("ab") as out:
        started = time.monotonic()
        proc = subprocess.Popen([PY, "-m", "tradewind", "triggerer"], env=env, stdout=out, stderr=subprocess.STDOUT)
        while started_triggers(log) < args.triggers:
            if time.monotonic() - started > 120 or proc.poll() is not None:
                raise SystemExit(f"the triggerer started only {started_triggers(log)} triggers:\n{log.read_text()}")
            time.sleep(0.1)
        start_s = time.monotonic() - started
        time.sleep(3)  # a few passes over the waiting triggers
        rss_waiting = rss_mb(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    result = {
        "triggers": args.triggers,
        "rss_idle_mb": round(rss_idle, 1),
        "rss_waiting_mb": round(rss_waiting, 1),
        "all_started_s": round(start_s, 2),
        "target_rss_mb": 100,
    }
    print(json.dumps(result, indent=2))
    out_file = HERE / "results" / "triggerer.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
