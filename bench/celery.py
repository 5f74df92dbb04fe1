"""CeleryExecutor benchmark: a real scheduler and 2 `tradewind celery worker`s (concurrency 2 each), PostgreSQL, Redis.

    .venv/bin/python bench/celery.py [--repeat N] [--broker redis://127.0.0.1:6379/5] [--fanout 1000]

Prints medians over `--repeat` runs of:
- fanout_N: trigger → run success (the scheduler's end_date), tasks/s;
- chain_20: the hand-off between dependent tasks (a task's end_date → the next one's start_date),
  split into end → queued (result stored, hint through the broker, scheduler plans and sends) and
  queued → start (broker → worker → pool process → task process forked and the try claimed);
- CPU per task (user+sys, from /proc) of the scheduler, and of each worker's whole process tree.
The machine may be shared: wall-clock figures are medians, CPU figures are the ones to compare.
Uses its own PostgreSQL database (dropped at the end) and its own Celery queue on the broker.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from itertools import pairwise
from pathlib import Path
from typing import Any

PY = sys.executable
PG = os.environ.get("TRADEWIND_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")

FANOUT = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator

def noop():
    return None

with DAG("fanout_{n}", schedule=None, start_date=datetime(2024, 1, 1), max_active_tasks={n}):
    EmptyOperator(task_id="start") >> [PythonOperator(task_id=f"p{{i}}", python_callable=noop) for i in range({n})] >> EmptyOperator(task_id="end")
"""

CHAIN = """
from datetime import datetime
from tradewind import DAG, chain
from tradewind.operators.python import PythonOperator

def noop():
    return None

with DAG("chain_{n}", schedule=None, start_date=datetime(2024, 1, 1)):
    chain(*[PythonOperator(task_id=f"p{{i}}", python_callable=noop) for i in range({n})])
"""


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG.replace("postgresql+psycopg://", "postgresql://") + "/postgres", autocommit=True) as c:
        c.execute(sql)


def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and its live descendants, with their reaped children's (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
        todo.extend(int(c) for c in _children(p))
    return total


def _children(pid: int) -> list[str]:
    out: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend((task / "children").read_text().split())
        except OSError:
            pass
    return out


def trigger_and_wait(dag_id: str) -> tuple[float, list[Any]]:
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import runs, task_instances

    start = time.time()
    run = trigger_dag(dag_id)
    while True:
        current = runs.get_dag_run(dag_id, run.run_id)
        if current is not None and current.state in ("success", "failed"):
            break
        time.sleep(0.1)
    if current.state != "success":
        raise SystemExit(f"{dag_id} run {run.run_id} ended {current.state}")
    assert current.end_date is not None
    return current.end_date.timestamp() - start, task_instances.list_task_instances(dag_id, run.run_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--fanout", type=int, default=1000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tw-bench-celery-"))
    (home / "dags").mkdir()
    (home / "dags" / "fanout.py").write_text(FANOUT.format(n=args.fanout))
    (home / "dags" / "chain.py").write_text(CHAIN.format(n=20))
    db = f"tw_bench_celery_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{db}"')
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "TRADEWIND_HOME": str(home),
        "TRADEWIND__CORE__DAGS_FOLDER": str(home / "dags"),
        "TRADEWIND__CORE__LOAD_EXAMPLES": "false",
        "TRADEWIND__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
        "TRADEWIND__CORE__EXECUTOR": "CeleryExecutor",
        "TRADEWIND__CORE__PARALLELISM": "8",
        "TRADEWIND__DATABASE__SQL_ALCHEMY_CONN": f"{PG}/{db}",
        "TRADEWIND__CELERY__BROKER_URL": args.broker,
        "TRADEWIND__CELERY__DEFAULT_QUEUE": f"tw_bench_{uuid.uuid4().hex[:8]}",
    }
    os.environ.update(env)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([PY, "-m", "tradewind", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)

        def start(name: str, *cmd: str) -> subprocess.Popen[bytes]:
            with (home / f"{name}.log").open("wb") as out:
                proc = subprocess.Popen([PY, "-m", "tradewind", *cmd], env=env, stdout=out, stderr=subprocess.STDOUT)
            procs.append(proc)
            return proc

        workers = [start(f"w{i}", "celery", "worker", "-c", "2", "-H", f"bench{i}@%h") for i in (1, 2)]
        while not all("ready." in (home / f"w{i}.log").read_text(errors="replace") for i in (1, 2)):
            time.sleep(0.2)
        sched = start("scheduler", "scheduler")
        from tradewind.store import dags

        while dags.get_dag(f"fanout_{args.fanout}") is None or dags.get_dag("chain_20") is None:
            time.sleep(0.2)
        trigger_and_wait("chain_20")  # warm: every pool process has imported the DAG files once
        results: dict[str, list[float]] = {k: [] for k in ("fanout_s", "tasks_per_s", "sched_cpu_ms", "workers_cpu_ms")}
        gaps: list[float] = []
        to_queued: list[float] = []
        to_start: list[float] = []
        for _ in range(args.repeat):
            cpu0 = tree_cpu(sched.pid), sum(tree_cpu(w.pid) for w in workers)
            wall, tis = trigger_and_wait(f"fanout_{args.fanout}")
            cpu1 = tree_cpu(sched.pid), sum(tree_cpu(w.pid) for w in workers)
            n = len(tis)
            results["fanout_s"].append(wall)
            results["tasks_per_s"].append(n / wall)
            results["sched_cpu_ms"].append((cpu1[0] - cpu0[0]) * 1000 / n)
            results["workers_cpu_ms"].append((cpu1[1] - cpu0[1]) * 1000 / n)
            _, chain = trigger_and_wait("chain_20")
            chain.sort(key=lambda t: t.start_date)
            for a, b in pairwise(chain):
                gaps.append((b.start_date - a.end_date).total_seconds() * 1000)
                to_queued.append((b.queued_dttm - a.end_date).total_seconds() * 1000)
                to_start.append((b.start_date - b.queued_dttm).total_seconds() * 1000)
        print(
            f"CeleryExecutor, 2 workers x concurrency 2, {args.broker.split('://')[0]}, PostgreSQL; {args.repeat} repeats"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared machine)")
        for key, values in results.items():
            print(
                f"fanout_{args.fanout} {key:16} median {statistics.median(values):9.2f}  all {[round(v, 2) for v in values]}"
            )
        for name, values in (("hand-off", gaps), ("  end → queued", to_queued), ("  queued → start", to_start)):
            q = statistics.quantiles(values, n=10)
            print(f"chain_20 {name:18} median {statistics.median(values):7.1f} ms  p10 {q[0]:.1f}  p90 {q[-1]:.1f}")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        from tradewind.store.engine import reset_engine

        reset_engine()
        _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
