"""What `tradewind_airflow_shim.pth` adds to every Python start in the environment it is installed in.

    .venv/bin/python bench/pth_startup.py [--repeat 41]

Makes two scratch venvs (no pip), identical but for the file in one's site-packages, and times
`python -c pass` in each, alternating the two so that machine noise hits both alike; prints the
medians and their difference, and writes bench/results/pth_startup.json. PYTHONDONTWRITEBYTECODE is unset,
as in a user's shell. Target (issue #16): ≤ 2 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PTH = HERE.parent / "tradewind" / "compat" / "airflow" / "tradewind_airflow_shim.pth"


#: Processing the file as `site` does at start-up, timed in one process (median of 1,000): the
#: precise figure, which the difference of two noisy start times can only bound.
OWN_COST = """
import site, statistics, sys, time
folder, name = sys.argv[1:]
times = []
for _ in range(1000):
    saved = list(sys.meta_path)
    t0 = time.perf_counter()
    site.addpackage(folder, name, set())
    times.append(time.perf_counter() - t0)
    sys.meta_path[:] = saved
print(statistics.median(times) * 1e6)
"""


def start_time(python: str, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([python, "-c", "pass"], env=env, check=True)
    return time.perf_counter() - t0


def make_venv(path: Path) -> str:
    """A venv without pip (nothing in its site-packages); its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return str(path / "bin" / "python")


def site_packages(python: str) -> Path:
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    return Path(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=101)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    scratch = Path(tempfile.mkdtemp(prefix="tw-pth-bench-"))
    try:
        plain, shimmed = make_venv(scratch / "without"), make_venv(scratch / "with")
        shutil.copyfile(PTH, site_packages(shimmed) / PTH.name)
        check = subprocess.run(
            [shimmed, "-c", "import sys; print(type(sys.meta_path[-1]).__name__)"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert check.stdout.strip() == "TradewindAirflowShim", check  # the file really is processed
        for _ in range(5):  # warm the page cache and write the .pyc files
            start_time(plain, env), start_time(shimmed, env)
        without, with_pth = [], []
        for _ in range(args.repeat):  # alternating, so that machine noise hits both alike
            without.append(start_time(plain, env))
            with_pth.append(start_time(shimmed, env))
        own = subprocess.run(
            [plain, "-c", OWN_COST, str(PTH.parent), PTH.name], env=env, capture_output=True, text=True
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = {
        "python": sysconfig.get_python_version(),
        "repeat": args.repeat,
        "without_ms": round(statistics.median(without) * 1000, 2),
        "with_ms": round(statistics.median(with_pth) * 1000, 2),
    }
    result["added_ms"] = round(result["with_ms"] - result["without_ms"], 2)
    result["site_processing_us"] = round(float(own.stdout), 1)
    print(f"python -c pass, median of {args.repeat}:")
    print(f"  without the .pth  {result['without_ms']:7.2f} ms")
    print(f"  with the .pth     {result['with_ms']:7.2f} ms")
    print(f"  added             {result['added_ms']:7.2f} ms (target ≤ 2 ms)")
    print(f"site's processing of the file alone: {result['site_processing_us']:.1f} µs")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "pth_startup.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
