"""Scheduler benchmark: a real `tradewind scheduler` (local executor) runs triggered DAGs.

    .venv/bin/python bench/scheduler.py [--repeat N] [--only NAME ...] [--sizes 100,1000,10000]

Prints medians: trigger → run success, the gap between one task's end and the next one's start
(chains), tasks/s, ms per task, CPU per task by process (scheduler, workers, fork servers, task
processes) across DAG sizes, the RSS of a no-op task's process, and the scheduler's RSS idle.
`fanout_1000_reuse50` is fanout_1000 with `executor_config={"tasks_per_process": 50}`.

It also prints the floor on this machine — CPU of a fork + exit of a process holding only the
task runtime, and of a bare `python -c pass` — and each CPU-per-task figure as a ratio to the
fork floor. CPU time (not wall) is the evidence to trust on a shared machine.
Results also go to bench/results/scheduler.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable

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


FANOUT_REUSE = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator

def noop():
    return None

with DAG("fanout_{n}_reuse50", schedule=None, start_date=datetime(2024, 1, 1), max_active_tasks={n},
         default_args={{"executor_config": {{"tasks_per_process": 50}}}}):
    EmptyOperator(task_id="start") >> [PythonOperator(task_id=f"p{{i}}", python_callable=noop) for i in range({n})] >> EmptyOperator(task_id="end")
"""

RSS_PROBE = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.python import PythonOperator

def own_rss():
    rss = [int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS:")][0]
    private = sum(int(l.split()[1]) / 1024 for l in open("/proc/self/smaps_rollup") if l.startswith("Private_"))
    return [rss, private]

with DAG("rss_probe", schedule=None, start_date=datetime(2024, 1, 1)):
    PythonOperator(task_id="rss", python_callable=own_rss)
"""

FORK_FLOOR = """
import os, resource, sys
import tradewind.operators.bash, tradewind.operators.python, tradewind.parsing.dagbag  # the task runtime
import tradewind.runtime.context, tradewind.runtime.runner, tradewind.runtime.task_log, tradewind.runtime.templating
n = 200
before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = sum((a.ru_utime + a.ru_stime) - (b.ru_utime + b.ru_stime) for a, b in zip(after, before))
print(1000 * cpu / n)
"""


def fork_floor_ms() -> float:
    """CPU ms of a fork + exit from a process holding the task runtime (median of 3 × 200)."""
    return statistics.median(float(subprocess.check_output([PY, "-c", FORK_FLOOR]).decode()) for _ in range(3))


def floor_ms() -> dict[str, float]:
    """CPU ms of (a) fork + exit from a process holding the task runtime, (b) a bare `python -c pass`."""
    fork = fork_floor_ms()
    bare = []
    for _ in range(10):
        before = os.times()
        subprocess.run([PY, "-c", "pass"], check=True)
        after = os.times()
        bare.append(
            1000 * ((after.children_user - before.children_user) + (after.children_system - before.children_system))
        )
    return {"fork_exit_cpu_ms": fork, "python_c_pass_cpu_ms": statistics.median(bare)}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int, reaped_children: bool = False) -> float:
    """User + system CPU of the process itself (with `reaped_children`, also of children it has reaped)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    used = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if reaped_children else 0)
    return used / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, ValueError):
                pass
    return out


def cpu_by_role(sched_pid: int) -> dict[str, float]:
    """CPU seconds so far of the scheduler, its workers, their fork servers (with their zygotes), and the
    task processes those forked and reaped: where a task's cost goes, by process."""
    workers = children(sched_pid)
    servers = [s for w in workers for s in children(w)]
    totals = {"scheduler": cpu_seconds(sched_pid), "workers": 0.0, "forkservers": 0.0, "tasks": 0.0}
    for pid in workers:
        try:
            totals["workers"] += cpu_seconds(pid)
        except OSError:
            pass
    # Task processes are forked by a fork server's zygotes (one per DAG file): count the zygotes
    # with their server, and what each zygote (or the server itself) forked and reaped as tasks.
    forkers = servers + [z for s in servers for z in children(s)]
    for pid in forkers:
        try:
            own = cpu_seconds(pid)
            totals["forkservers"] += own
            totals["tasks"] += cpu_seconds(pid, reaped_children=True) - own
        except OSError:
            pass
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--sizes", default="100,1000,10000", help="fan-out sizes for the cost-per-task curve")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    home = Path(tempfile.mkdtemp(prefix="tw-bench-sched-"))
    dags = home / "dags"
    dags.mkdir()
    (dags / "linear_10.py").write_text((HERE / "dags" / "linear_10.py").read_text())
    for n in sorted({1000, *sizes}):
        (dags / f"fanout_{n}.py").write_text(FANOUT.format(n=n))
    (dags / "chain_1000.py").write_text(CHAIN.format(n=1000))
    (dags / "fanout_1000_reuse50.py").write_text(FANOUT_REUSE.format(n=1000))
    (dags / "rss_probe.py").write_text(RSS_PROBE)
    env = {
        **os.environ,
        "TRADEWIND_HOME": str(home),
        "TRADEWIND__CORE__DAGS_FOLDER": str(dags),
        "TRADEWIND__CORE__LOAD_EXAMPLES": "false",
        "TRADEWIND__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
        "TRADEWIND__CORE__PARALLELISM": "2",
    }
    os.environ.update(env)
    subprocess.run([PY, "-m", "tradewind", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    log = (home / "scheduler.log").open("wb")
    sched = subprocess.Popen([PY, "-m", "tradewind", "scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        results = {"floor": floor_ms()}
        results.update(run_all(args, sizes, sched.pid))
    finally:
        sched.send_signal(signal.SIGTERM)
        sched.wait(60)
    floor = results["floor"]["fork_exit_cpu_ms"]
    for r in results.values():  # every CPU-per-task figure as a multiple of the fork floor
        for key in [k for k in r if k.endswith("_cpu_ms_per_task")]:
            r[key.replace("_cpu_ms_per_task", "_x_floor")] = r[key] / floor if floor else 0.0
    print(f"{'benchmark':34} {'median':>10}  extra")
    for name, r in results.items():
        extra = ", ".join(f"{k}={v:.2f}" for k, v in r.items() if k != "median_s")
        print(f"{name:34} {r.get('median_s', 0) * 1000:9.1f}ms  {extra}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "scheduler.json").write_text(json.dumps({"repeat": args.repeat, "results": results}, indent=2))


def run_all(args: argparse.Namespace, sizes: list[int], sched_pid: int) -> dict[str, dict[str, float]]:
    from tradewind.store import dags

    want = set(args.only or [])
    deadline = time.monotonic() + 300
    expected = {"linear_10", "chain_1000", "fanout_1000_reuse50", "rss_probe", *(f"fanout_{n}" for n in {1000, *sizes})}
    while {d.dag_id for d in dags.list_dags()} < expected:
        if time.monotonic() > deadline:
            raise SystemExit("the scheduler did not parse the benchmark DAGs in 300 s")
        time.sleep(0.2)
    time.sleep(1.0)
    results: dict[str, dict[str, float]] = {"scheduler_rss_idle": {"rss_mb": rss_mb(sched_pid)}}
    cpu = cpu_seconds(sched_pid)
    time.sleep(5.0)
    results["scheduler_idle_cpu"] = {"percent": 100 * (cpu_seconds(sched_pid) - cpu) / 5.0}

    def bench(name: str, dag_id: str, tasks: int, repeat: int) -> None:
        if want and name not in want:
            return
        walls, gaps, cpus = [], [], []
        for _ in range(repeat):
            before = cpu_by_role(sched_pid)
            wall, run_gaps = trigger_and_wait(dag_id)
            after = cpu_by_role(sched_pid)
            cpus.append({role: after[role] - before[role] for role in after})
            walls.append(wall)
            gaps.extend(run_gaps)
        r = {
            "median_s": statistics.median(walls),
            "tasks_per_s": tasks / statistics.median(walls),
            "ms_per_task": 1000 * statistics.median(walls) / tasks,
        }
        for role in ("scheduler", "workers", "forkservers", "tasks"):  # CPU per task by process role
            r[f"{role}_cpu_ms_per_task"] = 1000 * statistics.median(c[role] for c in cpus) / tasks
        r["worker_and_forkserver_cpu_ms_per_task"] = (
            1000 * statistics.median(c["workers"] + c["forkservers"] for c in cpus) / tasks
        )
        if gaps:
            r["gap_median_ms"] = 1000 * statistics.median(gaps)
        results[name] = r

    bench("linear_10", "linear_10", 10, args.repeat)
    bench("fanout_1000", "fanout_1000", 1002, max(1, args.repeat // 2))
    bench("chain_1000", "chain_1000", 1000, max(1, args.repeat // 2))
    bench("fanout_1000_reuse50", "fanout_1000_reuse50", 1002, max(1, args.repeat // 2))
    if not want or "task_rss" in want:
        results["task_rss"] = task_rss_mb()
    for n in sizes:
        bench(f"cost_per_task_fanout_{n}", f"fanout_{n}", n + 2, 1 if n >= 10000 else max(1, args.repeat // 2))
    time.sleep(1.0)
    results["scheduler_rss_after"] = {"rss_mb": rss_mb(sched_pid)}
    return results


def task_rss_mb() -> dict[str, float]:
    """The RSS of a no-op Python task's own process, and its private (not shared with its parent) part,
    as it measured itself (medians of 5 runs)."""
    from tradewind.store import xcom

    seen = []
    for _ in range(5):
        run_id = trigger_and_wait("rss_probe", want_run_id=True)
        seen.append(xcom.pull("rss_probe", run_id, ["rss"])[("rss", -1)])
    return {"rss_mb": statistics.median(s[0] for s in seen), "private_mb": statistics.median(s[1] for s in seen)}


def trigger_and_wait(dag_id: str, want_run_id: bool = False) -> Any:
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import runs, task_instances

    start = time.time()
    run = trigger_dag(dag_id)
    while True:  # polled gently: the harness must not take the CPU the scheduler and its tasks need
        current = runs.get_dag_run(dag_id, run.run_id)
        if current is not None and current.state in ("success", "failed"):
            break
        time.sleep(0.05)
    # trigger → the moment the scheduler marked the run finished (its end_date), not → when we polled
    wall = current.end_date.timestamp() - start if current.end_date is not None else time.time() - start
    if current.state != "success":
        raise SystemExit(f"{dag_id} run {run.run_id} ended {current.state}")
    if want_run_id:
        return run.run_id
    tis = sorted(task_instances.list_task_instances(dag_id, run.run_id), key=lambda t: t.start_date)
    gaps = []
    if dag_id.startswith(("linear", "chain")):
        gaps = [(b.start_date - a.end_date).total_seconds() for a, b in pairwise(tis)]
    return wall, gaps


if __name__ == "__main__":
    main()
