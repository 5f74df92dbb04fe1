"""`tradewind dag-processor`: parse DAG files into the database in a loop, apart from the scheduler."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import time
from typing import Any

from tradewind.cli.common import check_num_runs, dags_folder, ready_db
from tradewind.exceptions import UsageError

#: `job.job_type` of this process (Airflow's name).
JOB_TYPE = "DagProcessorJob"
#: Seconds between passes at most; a pass over unchanged files is a stat() per file and one query.
PASS_INTERVAL = 1.0


def dag_processor(args: argparse.Namespace) -> int:
    from tradewind.cli.commands.scheduler import _configure_logging
    from tradewind.config import conf
    from tradewind.parsing.processor import DagFileProcessor
    from tradewind.store import jobs

    check_num_runs(args.num_runs)
    folder = dags_folder(args.subdir)
    if args.subdir and not folder.exists():
        raise UsageError(f"--subdir {args.subdir}: no such file or directory")
    ready_db()
    _configure_logging()
    processor = DagFileProcessor(folder if args.subdir else None)
    pause = min(PASS_INTERVAL, conf.getfloat("scheduler", "dag_dir_list_interval", fallback=5.0))
    stopping = False

    def handler(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        processor.stop()

    previous: dict[int, Any] = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    job_id = jobs.start_job(JOB_TYPE, hostname=socket.gethostname(), pid=os.getpid())
    passes = 0
    try:
        while not stopping:
            processor.run_once()
            jobs.heartbeat(job_id)
            passes += 1
            if 0 < args.num_runs <= passes:
                break
            deadline = time.monotonic() + pause
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        jobs.end_job(job_id)
        for sig, old in previous.items():
            signal.signal(sig, old)
    return 0
