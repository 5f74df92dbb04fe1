"""Server time of every web UI page at scale: 500 DAGs (3 runs each) and a DAG of 100 runs × 50 tasks.

    .venv/bin/python bench/web_pages.py [--repeat 15] [--dags 500] [--runs 100] [--tasks 50]

Seeds a throwaway TRADEWIND_HOME through the store (bench/web.py's seed, plus XComs, dataset events
and jobs), then requests each page in-process through httpx's ASGI transport — the app's own time,
no network, no browser — and prints per page the median wall time, the median CPU time of this
process (`time.process_time`, less disturbed by other work on the machine) and the SQL statements.
The budget is 150 ms per page. Results also go to bench/results/web_pages.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from web import GRID_DAG, headers, seed  # noqa: E402 - bench/ is not a package

BUDGET_MS = 150.0


def seed_more(n_runs: int, n_tasks: int) -> str:
    """XComs for every instance of the grid DAG, a few datasets with events, and scheduler/triggerer jobs;
    returns the run_id of the grid DAG's newest run."""
    from tradewind.store import datasets, jobs, runs, xcom

    newest = runs.list_dag_runs(GRID_DAG, limit=1)[0].run_id
    _timings()
    for run in runs.list_dag_runs(GRID_DAG, limit=n_runs):
        for t in range(n_tasks):
            xcom.push(GRID_DAG, run.run_id, f"t{t:03d}", -1, "return_value", {"rows": t, "run": run.run_id})
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for d in range(20):
        for k in range(10):
            datasets.record_events(
                dag_id=f"dag_{d:04d}",
                run_id=f"scheduled__{(start + timedelta(days=k % 3)).isoformat()}",
                task_id="t003",
                map_index=-1,
                outlets={f"s3://bench/table_{d}.parquet": {"rows": k}},
                timestamp=start + timedelta(days=k),
            )
    for job_type in (jobs.SCHEDULER, jobs.TRIGGERER):
        for _ in range(5):
            jobs.start_job(job_type, hostname="bench-host", pid=os.getpid(), executor_class="LocalExecutor")
    return newest


def _timings() -> None:
    """Give every started instance plausible dates and a duration (the seed leaves them empty), so the
    Gantt, durations and landing-time charts draw as many marks as they would in real life. One
    executemany straight through the store's engine: the store has no "rewrite history" operation."""
    import sqlalchemy as sa

    from tradewind.store.engine import transaction
    from tradewind.store.models import dag_run
    from tradewind.store.models import task_instance as ti

    with transaction() as conn:
        rows = conn.execute(
            sa.select(ti.c.id, ti.c.task_id, ti.c.state, dag_run.c.data_interval_end).join(
                dag_run, sa.and_(dag_run.c.dag_id == ti.c.dag_id, dag_run.c.run_id == ti.c.run_id)
            )
        ).all()
        updates = []
        for r in rows:
            if r.state in ("none", "scheduled", "queued"):
                continue
            k = int(r.task_id[1:]) if r.task_id[1:].isdigit() else 0
            start = r.data_interval_end + timedelta(seconds=30 * k + (r.id % 7))
            seconds = 5.0 + (r.id * 7919 % 1000) / 10
            end = None if r.state == "running" else start + timedelta(seconds=seconds)
            updates.append({"i": r.id, "s": start, "e": end, "d": None if end is None else seconds})
        stmt = sa.update(ti).where(ti.c.id == sa.bindparam("i"))
        conn.execute(
            stmt.values(start_date=sa.bindparam("s"), end_date=sa.bindparam("e"), duration=sa.bindparam("d")), updates
        )


def pages(run_id: str) -> dict[str, str]:
    g, r = GRID_DAG, quote(run_id, safe="")
    return {
        "DAGs list (first 100 of 500)": "/home",
        "grid (100 runs × 50 tasks)": f"/dags/{g}/grid?runs=100",
        "grid + task panel": f"/dags/{g}/grid?runs=100&run_id={r}&task_id=t025",
        "grid fragment (live refresh)": f"/dags/{g}/grid/fragment?runs=100",
        "task panel (htmx)": f"/dags/{g}/runs/{r}/tasks/t025/panel",
        "run panel (htmx)": f"/dags/{g}/runs/{r}/panel",
        "task instance page": f"/dags/{g}/runs/{r}/tasks/t025",
        "run page (50 instances)": f"/dags/{g}/runs/{r}",
        "runs list": f"/dags/{g}/runs",
        "graph page": f"/dags/{g}/graph",
        "graph.json": f"/dags/{g}/graph.json?run_id={r}",
        "code (Pygments)": f"/dags/{g}/code",
        "Gantt (50 instances)": f"/dags/{g}/gantt?run_id={r}",
        "durations (100 runs × 50 tasks)": f"/dags/{g}/durations?runs=100",
        "landing times (100 runs × 50 tasks)": f"/dags/{g}/landing-times?runs=100",
        "calendar (365 days)": f"/dags/{g}/calendar",
        "datasets": "/datasets",
        "browse DAG runs (1,600)": "/browse/dag-runs",
        "browse DAG runs, filtered": "/browse/dag-runs?dag_id=dag_01&state=failed",
        "browse task instances (11,000)": "/browse/task-instances",
        "browse task instances, filtered": f"/browse/task-instances?dag_id={g}&state=running",
        "browse XComs (5,000)": "/browse/xcoms",
        "jobs": "/browse/jobs",
        "cluster activity": "/cluster-activity",
    }


async def measure(paths: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    import httpx
    from sqlalchemy import event

    from tradewind.api.app import create_app
    from tradewind.store.engine import get_engine

    statements = [0]
    event.listen(get_engine(), "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    out: dict[str, dict[str, float]] = {}
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers()) as client:
        for name, path in paths.items():
            wall, cpu = [], []
            for i in range(repeat + 2):
                t0, c0, s0 = time.perf_counter(), time.process_time(), statements[0]
                resp = await client.get(path)
                t1, c1 = time.perf_counter(), time.process_time()
                if resp.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {resp.status_code} {resp.text[:300]}")
                if i >= 2:  # warm-up: first imports, template compilation, caches
                    wall.append(t1 - t0)
                    cpu.append(c1 - c0)
                    queries = statements[0] - s0
            out[name] = {
                "wall_ms": round(statistics.median(wall) * 1000, 1),
                "cpu_ms": round(statistics.median(cpu) * 1000, 1),
                "sql": queries,
                "kb": round(len(resp.content) / 1024, 1),
            }
    return out


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    os.environ["TRADEWIND_HOME"] = str(home)
    os.environ["TRADEWIND__CORE__LOAD_EXAMPLES"] = "false"
    os.environ["TRADEWIND__CORE__DAGS_FOLDER"] = str(home / "dags")
    from tradewind.api.session_key import ensure_secret_key

    t0 = time.perf_counter()
    seed(args.dags, args.runs, args.tasks)
    newest = seed_more(args.runs, args.tasks)
    ensure_secret_key()
    print(
        f"seeded {args.dags} DAGs, a {args.runs} × {args.tasks} grid, XComs, datasets in {time.perf_counter() - t0:.1f}s"
    )
    results = asyncio.run(measure(pages(newest), args.repeat))
    width = max(map(len, results))
    print(f"\n{'page':<{width}}  wall ms  CPU ms  SQL   KB   (median of {args.repeat}; budget {BUDGET_MS:.0f} ms)")
    for name, r in results.items():
        flag = "  OVER" if r["wall_ms"] > BUDGET_MS else ""
        print(f"{name:<{width}}  {r['wall_ms']:>7}  {r['cpu_ms']:>6}  {r['sql']:>3}  {r['kb']:>5}{flag}")
    return {"args": vars(args), "pages": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--dags", type=int, default=500)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=50)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tw-bench-pages-"))
    try:
        report = run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "web_pages.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
