"""`tradewind jobs check`: is a scheduler (triggerer, celery worker…) alive? As Airflow's, for health probes."""

from __future__ import annotations

import argparse
import socket
from datetime import datetime, timezone

from tradewind.exceptions import UsageError


def check(args: argparse.Namespace) -> int:
    from tradewind.api.routes.monitor import heartbeat_threshold
    from tradewind.cli.common import ready_db
    from tradewind.store import jobs

    if args.limit < 1:
        raise UsageError(f"--limit must be at least 1, not {args.limit}")
    if args.local and args.hostname:
        raise UsageError("--local and --hostname cannot be used together")
    ready_db()
    alive = jobs.alive_jobs(args.job_type, within=heartbeat_threshold())
    hostname = socket.gethostname() if args.local else args.hostname
    if hostname:
        alive = [j for j in alive if j.hostname == hostname]
    alive = sorted(alive, key=lambda j: j.latest_heartbeat or datetime.min.replace(tzinfo=timezone.utc), reverse=True)[
        : args.limit
    ]
    if not alive:
        print("No alive jobs found.")
        return 1
    if len(alive) > 1 and not args.allow_multiple:
        print(f"Found {len(alive)} alive jobs. Expected only one.")
        return 1
    print("Found one alive job." if len(alive) == 1 else f"Found {len(alive)} alive jobs.")
    return 0
