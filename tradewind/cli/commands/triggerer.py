"""`tradewind triggerer`: run the triggers of deferred task instances until stopped (SIGTERM, Ctrl-C)."""

from __future__ import annotations

import argparse

from tradewind.cli.common import check_num_runs, ready_db


def triggerer(args: argparse.Namespace) -> int:
    from tradewind.cli.commands.scheduler import _configure_logging
    from tradewind.triggerer.job import Triggerer

    check_num_runs(args.num_runs)
    ready_db()
    _configure_logging()
    Triggerer(num_runs=args.num_runs).run()
    return 0
