"""Several schedulers on PostgreSQL: fanout_1000 with one `tradewind scheduler` and with two.

    .venv/bin/python bench/schedulers_pg.py [--repeat 3] [--rounds 2] [--parallelism 2] [--pg URL]

Each round starts, for 1 and then 2 schedulers (local executor, `[core] parallelism` each), on a
fresh PostgreSQL database, and runs fanout_1000 (start → 1,000 Python tasks → end) `--repeat`
times. Rounds alternate the two setups so that load from other work on the machine falls on both.
Prints medians of trigger → run success, tasks/s, and CPU per task summed over every scheduler's
process tree (schedulers, workers, fork servers with their task processes; not PostgreSQL's own).
Results also go to bench/results/schedulers_pg.json.
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
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scheduler import FANOUT, cpu_by_role, trigger_and_wait  # noqa: E402

PY = sys.executable
TASKS = 1002


def _admin(server: str, sql: str) -> None:
    import psycopg

    dsn = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def one_setup(server: str, schedulers: int, repeat: int, parallelism: int) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds) of each fanout_1000 run with `schedulers` schedulers."""
    from tradewind.config import conf
    from tradewind.store import dags
    from tradewind.store.engine import reset_engine
    from tradewind.store.migrate import reset_cache

    name = f"tw_bench_{uuid.uuid4().hex[:10]}"
    _admin(server, f'CREATE DATABASE "{name}"')
    home = Path(tempfile.mkdtemp(prefix="tw-bench-pg-"))
    (home / "dags").mkdir()
    (home / "dags" / "fanout_1000.py").write_text(FANOUT.format(n=1000))
    env = {
        **os.environ,
        "TRADEWIND_HOME": str(home),
        "TRADEWIND__DATABASE__SQL_ALCHEMY_CONN": f"{server}/{name}",
        "TRADEWIND__CORE__DAGS_FOLDER": str(home / "dags"),
        "TRADEWIND__CORE__LOAD_EXAMPLES": "false",
        "TRADEWIND__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
        "TRADEWIND__CORE__PARALLELISM": str(parallelism),
    }
    os.environ.update(env)
    reset_engine()
    reset_cache()
    conf.reload()
    subprocess.run([PY, "-m", "tradewind", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    procs = []
    try:
        for i in range(schedulers):
            log = (home / f"scheduler-{i}.log").open("wb")
            procs.append(
                subprocess.Popen([PY, "-m", "tradewind", "scheduler"], env=env, stdout=log, stderr=subprocess.STDOUT)
            )
        deadline = time.monotonic() + 120
        while dags.get_dag("fanout_1000") is None:
            if time.monotonic() > deadline:
                raise SystemExit("the schedulers did not parse fanout_1000 in 120 s")
            time.sleep(0.2)
        time.sleep(2.0)  # every scheduler has started its workers
        out = []
        for _ in range(repeat):
            before = [cpu_by_role(p.pid) for p in procs]
            wall, _ = trigger_and_wait("fanout_1000")
            after = [cpu_by_role(p.pid) for p in procs]
            cpu = sum(a[r] - b[r] for a, b in zip(after, before, strict=True) for r in a)
            out.append((wall, cpu))
        return out
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(60)
        reset_engine()
        _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="fanout_1000 runs per setup and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds alternating one and two schedulers")
    parser.add_argument("--parallelism", type=int, default=2, help="[core] parallelism of each scheduler")
    parser.add_argument("--setups", default="1,2", help="how many schedulers in each setup compared")
    parser.add_argument(
        "--pg", default=os.environ.get("TRADEWIND_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    setups = [int(n) for n in args.setups.split(",") if n]
    samples: dict[int, list[tuple[float, float]]] = {n: [] for n in setups}
    for _ in range(args.rounds):
        for n in setups:
            samples[n].extend(one_setup(args.pg, n, args.repeat, args.parallelism))
    results = {}
    for n, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        results[f"fanout_1000_pg_{n}_scheduler{'s' if n > 1 else ''}"] = {
            "median_s": wall,
            "tasks_per_s": TASKS / wall,
            "cpu_ms_per_task": 1000 * cpu / TASKS,
            "walls_s": [round(w, 2) for w, _ in runs],
        }
    print(f"{'benchmark':34} {'median':>10}  tasks/s  CPU ms/task  (each run's wall)")
    for name, r in results.items():
        print(f"{name:34} {r['median_s']:9.2f}s  {r['tasks_per_s']:7.1f}  {r['cpu_ms_per_task']:11.1f}  {r['walls_s']}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "schedulers_pg.json").write_text(
        json.dumps(
            {"repeat": args.repeat, "rounds": args.rounds, "parallelism": args.parallelism, "results": results},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
