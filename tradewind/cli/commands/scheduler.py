"""`tradewind scheduler` (the long-running process) and `tradewind dags backfill`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from tradewind.cli.common import check_num_runs, get_dag, parse_date, ready_db
from tradewind.exceptions import UsageError


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")


def scheduler(args: argparse.Namespace) -> int:
    from tradewind.scheduler.job import Scheduler

    check_num_runs(args.num_runs)
    ready_db()
    _configure_logging()
    pid_file = Path(args.pid).expanduser() if args.pid else None
    if pid_file is not None:
        try:
            pid_file.write_text(f"{os.getpid()}\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write the pid file {pid_file}: {exc.strerror}") from None
    from tradewind.store.engine import get_engine

    # SQLite: one scheduler per database (a second is refused); PostgreSQL: several share the work.
    exclusive = get_engine().dialect.name != "postgresql"
    try:
        Scheduler(num_runs=args.num_runs, exclusive=exclusive).run()
    finally:
        if pid_file is not None:
            pid_file.unlink(missing_ok=True)
    return 0


def backfill(args: argparse.Namespace) -> int:
    """Create a run for every interval in [start, end] and run them, with progress."""
    from collections import Counter

    from tradewind.cli.output import print_table, state_style, to_json
    from tradewind.scheduler.backfill import backfill_intervals, run_backfill
    from tradewind.scheduler.runs import make_run_id
    from tradewind.states import DagRunType

    ready_db()
    start = parse_date(args.start_date, what="start date")
    end = parse_date(args.end_date, what="end date") if args.end_date else start
    dag = get_dag(args)
    if args.dry_run:
        for info in backfill_intervals(dag.timetable, start, end):
            print(
                f"{make_run_id(DagRunType.BACKFILL, info.logical_date)}  "
                f"{info.data_interval.start.isoformat()} → {info.data_interval.end.isoformat()}"
            )
        return 0
    progress = _Progress(quiet=args.output == "json")
    try:
        result = run_backfill(
            dag,
            start,
            end,
            rerun_failed=args.rerun_failed_tasks,
            reset_dagruns=args.reset_dagruns,
            on_task_event=progress.event,
        )
    finally:
        progress.close()
    rows = [
        {
            "run_id": r.run_id,
            "logical_date": r.logical_date,
            "state": r.state,
            "duration": round((r.end_date - r.start_date).total_seconds(), 3) if r.end_date and r.start_date else None,
            "ran": r.run_id in result.ran,
        }
        for r in result.runs
    ]
    if args.output == "json":
        print(to_json(rows))
    elif result.ran:
        print_table(
            [r for r in rows if r["ran"]],
            ("run_id", "logical_date", "state", "duration"),
            styles={"state": state_style},
            title=f"backfill of {dag.dag_id}",
        )
    if result.kept and args.output != "json":
        kept = result.kept
        states = ", ".join(f"{n} {state}" for state, n in sorted(Counter(r.state for r in kept).items()))
        flags = "--rerun-failed-tasks re-runs their failed tasks; --reset-dagruns re-runs them from scratch"
        if result.ran:
            print(f"Left {len(kept)} existing run(s) as they were ({states}): {flags}.", file=sys.stderr)
        else:
            print(
                f"Nothing to do: all {len(kept)} run(s) of {dag.dag_id} in the range exist already ({states}); {flags}."
            )
    return 0 if rows and all(r["state"] == "success" for r in rows) else 1


class _Progress:
    """A live count of finished tasks on a terminal; silent otherwise."""

    def __init__(self, *, quiet: bool) -> None:
        self._status: Any = None
        self.done = 0
        if not quiet and sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(file=sys.stderr).status("backfill: starting")
            self._status.start()

    def event(self, event: Any) -> None:
        self.done += 1
        if self._status is not None:
            self._status.update(f"backfill: {self.done} task(s) finished, last {event.key[2]} of {event.key[1]}")

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
