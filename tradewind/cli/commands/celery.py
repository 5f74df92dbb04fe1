"""`tradewind celery worker`: Celery's worker, running the task supervisor for each workload (foreground)."""

from __future__ import annotations

import argparse

from tradewind.cli.common import ready_db
from tradewind.exceptions import UsageError


def worker(args: argparse.Namespace) -> int:
    from tradewind.cli.commands.scheduler import _configure_logging
    from tradewind.config import conf
    from tradewind.executors.celery.app import default_queue
    from tradewind.providers.extras import require

    require("celery", "celery")
    queues = [q.strip() for q in (args.queues or default_queue()).split(",") if q.strip()]
    if not queues:
        raise UsageError("-q/--queues names no queue (give a comma-separated list, e.g. -q default,gpu)")
    concurrency = args.concurrency if args.concurrency is not None else conf.getint("celery", "worker_concurrency")
    if concurrency < 1:
        raise UsageError(f"-c/--concurrency must be at least 1, not {concurrency}")
    ready_db()
    _configure_logging()
    from tradewind.executors.celery.worker import run_worker

    return run_worker(queues=queues, concurrency=concurrency, hostname=args.hostname)
