"""A first DAG for the compose cluster: is every part of it working?

Trigger it from the UI (or `POST /api/v1/dags/cluster_check/dagRuns`). It waits a few seconds on a
deferrable sensor (the triggerer runs that wait, not a worker), then fans 8 tasks out over the
Celery workers and reports which containers ran them: with 2 workers, usually both appear.
Replace it, or add your own files next to it: this folder is mounted into every container.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from tradewind import dag, task
from tradewind.sensors.time_delta import TimeDeltaSensorAsync


@dag(schedule=None, start_date=datetime(2024, 1, 1), catchup=False, tags=["example", "cluster"])
def cluster_check():
    """Triggerer, Celery workers, XCom and the shared log volume, in one run."""
    wait = TimeDeltaSensorAsync(task_id="wait_on_the_triggerer", delta=timedelta(seconds=3))

    @task
    def where(part: int) -> str:
        host = socket.gethostname()
        print(f"part {part} runs on {host} (pid {os.getpid()})")
        return host

    @task
    def report(hosts: list[str]) -> dict[str, int]:
        counts = {host: hosts.count(host) for host in sorted(set(hosts))}
        print(f"{len(hosts)} tasks ran on {len(counts)} worker host(s): {counts}")
        return counts

    hosts = where.expand(part=list(range(8)))
    wait >> hosts
    report(hosts)


cluster_check()
