"""Benchmark harness: prints medians for start-up cost and `dags test` of the bench DAGs.

    .venv/bin/python bench/run.py [--repeat N] [--only NAME ...]

Each `dags test` runs in a fresh process against a migrated SQLite database in a temporary
TRADEWIND_HOME, with examples off, exactly as a user would run it. Results are printed as a
table and written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
TW = [PY, "-m", "tradewind"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (its own rusage, via wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def median_of(cmd: list[str], env: dict[str, str], repeat: int) -> dict[str, float]:
    runs = [timed(cmd, env) for _ in range(repeat)]
    return {
        "median_s": statistics.median(w for w, _ in runs),
        "min_s": min(w for w, _ in runs),
        "peak_rss_mb": max(r for _, r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="tw-bench-")
    env = {
        **os.environ,
        "TRADEWIND_HOME": home,
        "TRADEWIND__CORE__DAGS_FOLDER": str(HERE / "dags"),
        "TRADEWIND__CORE__LOAD_EXAMPLES": "false",
    }
    subprocess.run([*TW, "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    results: dict[str, dict[str, float]] = {}
    want = set(args.only or [])

    def bench(name: str, cmd: list[str], tasks: int | None = None) -> None:
        if want and name not in want:
            return
        r = median_of(cmd, env, args.repeat)
        if tasks:
            r["tasks_per_s"] = tasks / r["median_s"]
            r["ms_per_task"] = 1000 * r["median_s"] / tasks
        results[name] = r

    bench("python_bare", [PY, "-c", "pass"])
    bench("import_tradewind", [PY, "-c", "import tradewind"])
    bench("tradewind_version", [*TW, "version"])
    bench("dags_test_linear_10", [*TW, "dags", "test", "linear_10", "-o", "json"], tasks=10)
    bench("dags_test_fanout_100", [*TW, "dags", "test", "fanout_100", "-o", "json"], tasks=102)
    bench("dags_test_chain_python_50", [*TW, "dags", "test", "chain_python_50", "-o", "json"], tasks=50)
    if "python_bare" in results and "import_tradewind" in results:
        results["import_tradewind"]["over_bare_ms"] = 1000 * (
            results["import_tradewind"]["median_s"] - results["python_bare"]["median_s"]
        )
    print(f"{'benchmark':32} {'median':>9} {'min':>9} {'peak RSS':>9}  extra")
    for name, r in results.items():
        extra = ", ".join(f"{k}={v:.1f}" for k, v in r.items() if k not in ("median_s", "min_s", "peak_rss_mb"))
        print(f"{name:32} {r['median_s'] * 1000:8.0f}ms {r['min_s'] * 1000:8.0f}ms {r['peak_rss_mb']:7.0f}MB  {extra}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"repeat": args.repeat, "results": results}, indent=2))


if __name__ == "__main__":
    main()
