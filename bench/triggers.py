"""Trigger benchmark: N TimeDeltaTriggers waiting at once in one asyncio loop, as one triggerer would hold them.

    .venv/bin/python bench/triggers.py [--triggers 1000] [--wait 3]

Each trigger makes the runtime's round trip (serialize → load_trigger) and waits in `first_event`
(a 1-hour delta, so none fires). Prints the process's RSS before and while they wait, and the time to
start them and to cancel them. Results also go to bench/results/triggers.json.
Target (issue #12): 1,000 waiting triggers in one process < 100 MB RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import timedelta

from scheduler import HERE, rss_mb  # bench/scheduler.py: the harness's helpers


async def hold(count: int, wait: float) -> dict[str, float]:
    from tradewind.runtime.deferral import first_event
    from tradewind.triggers.base import load_trigger
    from tradewind.triggers.temporal import TimeDeltaTrigger

    before = rss_mb(os.getpid())
    started = time.perf_counter()
    waiting = [
        asyncio.create_task(first_event(load_trigger(*TimeDeltaTrigger(timedelta(hours=1)).serialize()), None))
        for _ in range(count)
    ]
    await asyncio.sleep(0)
    start_s = time.perf_counter() - started
    await asyncio.sleep(wait)
    assert not any(task.done() for task in waiting)
    during = rss_mb(os.getpid())
    started = time.perf_counter()
    for task in waiting:
        task.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    return {
        "triggers": count,
        "rss_before_mb": round(before, 1),
        "rss_waiting_mb": round(during, 1),
        "start_s": round(start_s, 3),
        "cancel_s": round(time.perf_counter() - started, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triggers", type=int, default=1000)
    parser.add_argument("--wait", type=float, default=3.0)
    args = parser.parse_args()
    result = asyncio.run(hold(args.triggers, args.wait))
    print(json.dumps(result, indent=2))
    out = HERE / "results" / "triggers.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
