"""Webserver benchmark: the DAGs list with 500 DAGs and the grid of 100 runs × 50 tasks, plus the server's RSS.

    .venv/bin/python bench/web.py [--repeat 30] [--dags 500] [--runs 100] [--tasks 50]
                                  [--logins 470] [--clients 16] [--flood-only]

Seeds a throwaway TRADEWIND_HOME through the store, then times each request two ways:
in-process (httpx's ASGI transport: server-side time, no network) and against a real
`tradewind webserver` on loopback. Then floods a fresh webserver with failed logins from
concurrent clients and reports its peak RSS. Prints medians; the budget is 150 ms each and
150 MB RSS (also at the flood's peak). Results also go to bench/results/web.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GRID_DAG = "grid_dag"
PASSWORD = "bench-pw"


def seed(n_dags: int, n_runs: int, n_tasks: int) -> None:
    """n_dags small DAGs with 3 runs each, and GRID_DAG with n_runs runs of n_tasks tasks."""
    from tradewind import DAG
    from tradewind.operators.empty import EmptyOperator
    from tradewind.serialization import dag_hash, dag_row, serialize_dag
    from tradewind.store import dags, runs
    from tradewind.store.migrate import migrate
    from tradewind.store.users import create_user
    from tradewind.structure import DagStructure

    migrate()
    create_user("admin", "Bench", "Admin", "admin@example.com", ["Admin"], PASSWORD)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    items, structures = [], {}
    for i in range(n_dags + 1):
        dag_id = GRID_DAG if i == n_dags else f"dag_{i:04d}"
        width = n_tasks if dag_id == GRID_DAG else 4
        with DAG(dag_id, schedule="@daily", start_date=start, catchup=False, tags=[f"team{i % 7}", "bench"]) as dag:
            prev = None
            for t in range(width):
                op = EmptyOperator(task_id=f"t{t:03d}")
                if prev is not None:
                    prev >> op
                prev = op
        data = serialize_dag(dag)
        items.append((dag_row(dag, data), data, dag_hash(data)))
        structures[dag_id] = DagStructure.from_serialized(data)
    dags.sync_dags(items, paused_at_creation=False)

    def add_run(dag_id: str, k: int) -> None:
        when = start + timedelta(days=k)
        states = ["success", "success", "failed", "running", "none"]
        tis = [
            {**row, "state": states[(k + j) % len(states)] if k < n_runs - 1 else "success"}
            for j, row in enumerate(structures[dag_id].initial_task_instances())
        ]
        runs.create_dag_run(
            dag_id=dag_id,
            run_id=f"scheduled__{when.isoformat()}",
            logical_date=when,
            data_interval=(when, when + timedelta(days=1)),
            run_type="scheduled",
            conf={},
            state="success" if k % 3 else "failed",
            external_trigger=False,
            task_instances=tis,
        )

    for i in range(n_dags):
        for k in range(3):
            add_run(f"dag_{i:04d}", k)
    for k in range(n_runs):
        add_run(GRID_DAG, k)


def targets(n_dags: int, n_runs: int) -> dict[str, str]:
    return {
        f"API dags list ({n_dags})": f"/api/v1/dags?limit={n_dags + 1}",
        "UI DAGs list page (first 100, recent runs)": "/home",
        f"API grid ({n_runs} runs)": f"/api/v1/dags/{GRID_DAG}/grid?limit={n_runs}",
        f"UI grid page ({n_runs} runs)": f"/dags/{GRID_DAG}/grid?runs={n_runs}",
    }


def headers() -> dict[str, str]:
    import base64

    from tradewind.api.security import COOKIE, make_session

    value, _csrf = make_session("admin")
    return {
        "Authorization": "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode(),
        "Cookie": f"{COOKIE}={value}",
    }


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


async def in_process(paths: dict[str, str], repeat: int) -> tuple[dict[str, float], dict[str, int]]:
    import httpx
    from sqlalchemy import event

    from tradewind.api.app import create_app
    from tradewind.store.engine import get_engine

    transport = httpx.ASGITransport(app=create_app())
    statements = [0]
    queries: dict[str, int] = {}
    event.listen(get_engine(), "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    out = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers()) as client:
        for name, path in paths.items():
            samples = []
            for i in range(repeat + 3):
                t0 = time.perf_counter()
                resp = await client.get(path)
                elapsed = time.perf_counter() - t0
                if resp.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {resp.status_code} {resp.text[:200]}")
                if i >= 3:  # warm-up
                    samples.append(elapsed)
            out[name] = median_ms(samples)
            before = statements[0]
            await client.get(path)
            queries[name] = statements[0] - before
    return out, queries


@contextmanager
def webserver(home: Path, name: str) -> Iterator[tuple[str, int]]:
    """A real `tradewind webserver` on a free loopback port: yields its base URL and pid; stopped on exit."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = home / f"{name}.out"
    log = out.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradewind", "webserver", "--port", str(port), "--hostname", "127.0.0.1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"the webserver did not start: see {out}")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        log.close()


def over_uvicorn(home: Path, paths: dict[str, str], repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    import httpx

    with webserver(home, "webserver") as (base, pid):
        rss_idle = rss_mb(pid)
        out: dict[str, float] = {}
        peaks: dict[str, float] = {}
        with httpx.Client(base_url=base, headers=headers(), timeout=30) as client:
            for name, path in paths.items():
                samples = []
                for i in range(repeat + 3):
                    t0 = time.perf_counter()
                    resp = client.get(path)
                    elapsed = time.perf_counter() - t0
                    if resp.status_code != 200:
                        raise SystemExit(f"{path}: HTTP {resp.status_code} {resp.text[:200]}")
                    if i >= 3:
                        samples.append(elapsed)
                out[name] = median_ms(samples)
                peaks[name] = rss_mb(pid, "VmHWM")
        memory = {
            "rss_idle_mb": rss_idle,
            "rss_after_mb": rss_mb(pid),
            "rss_peak_mb": rss_mb(pid, "VmHWM"),
            "rss_peak_after_each_mb": peaks,
        }
        return out, memory


def login_flood(home: Path, logins: int, clients: int) -> dict[str, Any]:
    """`logins` failed logins from `clients` concurrent clients against a fresh webserver; its RSS before and at peak.

    Half go through the login form, half through HTTP basic on the API, each with a username of its own so the
    throttle never answers for argon2: every one costs a hash verification, the most memory a login can take.
    """
    import re
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    token = re.compile(r'name="csrf_token" value="([^"]+)"')

    def client_run(base: str, k: int) -> dict[int, int]:
        statuses: dict[int, int] = {}
        with httpx.Client(base_url=base, timeout=120) as client:
            form = token.search(client.get("/login").text)
            for i in range(k, logins, clients):
                user = f"flood-{i}"
                if i % 2 and form is not None:
                    resp = client.post(
                        "/login",
                        data={"username": user, "password": "wrong", "next": "/home", "csrf_token": form.group(1)},
                    )
                    form = token.search(resp.text)  # each answer sets a new login CSRF cookie and token
                else:
                    resp = client.get("/api/v1/dags", auth=(user, "wrong"))
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
        return statuses

    with webserver(home, "flood") as (base, pid):
        idle = rss_mb(pid)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(lambda k: client_run(base, k), range(clients)))
        seconds = time.perf_counter() - t0
        statuses: dict[str, int] = {}
        for r in results:
            for code, n in r.items():
                statuses[str(code)] = statuses.get(str(code), 0) + n
        return {
            "logins": logins,
            "clients": clients,
            "seconds": round(seconds, 1),
            "statuses": statuses,
            "rss_idle_mb": idle,
            "rss_after_mb": rss_mb(pid),
            "rss_peak_mb": rss_mb(pid, "VmHWM"),
        }


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def run(args: argparse.Namespace, home: Path) -> None:
    os.environ["TRADEWIND_HOME"] = str(home)
    os.environ["TRADEWIND__CORE__LOAD_EXAMPLES"] = "false"
    os.environ["TRADEWIND__CORE__DAGS_FOLDER"] = str(home / "dags")
    from tradewind.api.session_key import ensure_secret_key

    t0 = time.perf_counter()
    if args.flood_only:
        seed(0, 0, 0)  # the admin user only (and an empty grid DAG)
    else:
        seed(args.dags, args.runs, args.tasks)
    ensure_secret_key()
    report: dict[str, Any] = {"args": vars(args)}
    if not args.flood_only:
        print(
            f"seeded {args.dags} DAGs and a {args.runs} runs × {args.tasks} tasks grid in "
            f"{time.perf_counter() - t0:.1f}s"
        )
        paths = targets(args.dags, args.runs)
        local, queries = asyncio.run(in_process(paths, args.repeat))
        remote, memory = over_uvicorn(home, paths, args.repeat)
        width = max(len(n) for n in paths)
        print(
            f"\n{'request':<{width}}  in-process ms  uvicorn ms  SQL statements   (median of {args.repeat}, "
            "budget 150 ms)"
        )
        for name in paths:
            print(f"{name:<{width}}  {local[name]:>13}  {remote[name]:>10}  {queries[name]:>14}")
        print(
            f"\nwebserver RSS: idle {memory['rss_idle_mb']} MB, after the requests {memory['rss_after_mb']} MB, "
            f"peak {memory['rss_peak_mb']} MB (budget 150 MB)"
        )
        report.update(in_process_ms=local, uvicorn_ms=remote, sql_statements=queries, memory=memory)
    if args.logins:
        flood = login_flood(home, args.logins, args.clients)
        print(
            f"\nfailed-login flood: {flood['logins']} bad logins from {flood['clients']} clients in "
            f"{flood['seconds']}s (HTTP {flood['statuses']}); webserver RSS idle {flood['rss_idle_mb']} MB, "
            f"after {flood['rss_after_mb']} MB, peak {flood['rss_peak_mb']} MB (budget 150 MB)"
        )
        report["login_flood"] = flood
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "web.json").write_text(json.dumps(report, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--dags", type=int, default=500)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--logins", type=int, default=470, help="failed logins of the flood (0: no flood)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients of the flood")
    parser.add_argument("--flood-only", action="store_true", help="only the failed-login flood")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="tw-bench-web-"))
    try:
        run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
