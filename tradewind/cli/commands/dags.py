"""`tradewind dags list|list-import-errors|show|next-execution|details|pause|unpause`."""

from __future__ import annotations

import argparse
from typing import Any

from tradewind.cli.common import get_dag, load_dagbag, ready_db, sync_dagbag
from tradewind.cli.output import print_records

LIST_COLUMNS = ("dag_id", "fileloc", "owners", "is_paused", "schedule", "tags")


def list_dags(args: argparse.Namespace) -> int:
    from tradewind.exceptions import UsageError
    from tradewind.store import dags

    bag = load_dagbag(args)
    sync_dagbag(bag)
    paused = {d.dag_id: d.is_paused for d in dags.list_dags(active_only=False)}
    records = [
        {
            "dag_id": dag.dag_id,
            "fileloc": dag.fileloc,
            "owners": dag.owner,
            "is_paused": paused.get(dag.dag_id),
            "schedule": dag.schedule_summary,
            "tags": dag.tags,
        }
        for dag in sorted(bag.dags.values(), key=lambda d: d.dag_id)
    ]
    columns = LIST_COLUMNS
    if args.columns:
        columns = tuple(c.strip() for c in args.columns.split(",") if c.strip())
        unknown = set(columns) - set(LIST_COLUMNS)
        if unknown:
            raise UsageError(f"unknown column(s) {', '.join(sorted(unknown))}; choose from {', '.join(LIST_COLUMNS)}")
    print_records(records, args.output, columns=columns)
    if bag.import_errors and args.output == "table":
        import sys

        print(
            f"{len(bag.import_errors)} file(s) failed to import: see `tradewind dags list-import-errors`",
            file=sys.stderr,
        )
    return 0


def list_import_errors(args: argparse.Namespace) -> int:
    """The stored import errors once the folder is parsed: what the UI banner and the API show too."""
    from tradewind.store import import_errors

    bag = load_dagbag(args)
    sync_dagbag(bag)
    records = [
        {"filepath": e.filename, "lineno": e.lineno, "error": e.message}
        for e in import_errors.list_import_errors()
        if not args.subdir or import_errors.is_under(e.filename, bag.roots)
    ]
    if not records and args.output == "table":
        print("No import errors.")
        return 0
    print_records(records, args.output, columns=("filepath", "lineno", "error"))
    return 1 if records else 0


def show(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tradewind.cli.dag_views import to_dot, tree_lines

    dag = get_dag(args)
    if args.save:
        Path(args.save).write_text(to_dot(dag), encoding="utf-8")
        print(f"DOT written to {args.save}")
    elif args.dot:
        print(to_dot(dag), end="")
    else:
        print("\n".join(tree_lines(dag)))
    return 0


def next_execution(args: argparse.Namespace) -> int:
    import sys

    from tradewind.store import dags, runs
    from tradewind.timetables.base import DataInterval

    if args.num_executions < 1:
        from tradewind.exceptions import UsageError

        raise UsageError("--num-executions must be at least 1")
    dag = get_dag(args)
    ready_db()
    record = dags.get_dag(dag.dag_id)
    if record is not None and record.is_paused:
        print("[INFO] Please be reminded this DAG is PAUSED now.", file=sys.stderr)
    last = runs.latest_run(dag.dag_id, run_types=["scheduled", "backfill"])
    interval = (
        DataInterval(last.data_interval_start, last.data_interval_end)
        if last is not None and last.data_interval_start is not None and last.data_interval_end is not None
        else None  # as the scheduler reads it (run_creation)
    )
    for _ in range(args.num_executions):
        info = dag.next_dagrun_info(interval)
        if info is None:
            print("None")
            break
        print(info.logical_date.isoformat())
        interval = info.data_interval
    return 0


def details(args: argparse.Namespace) -> int:
    dag = get_dag(args)
    data: dict[str, Any] = {
        "dag_id": dag.dag_id,
        "fileloc": dag.fileloc,
        "description": dag.description,
        "schedule": dag.schedule_summary,
        "timezone": str(dag.timezone),
        "start_date": dag.start_date,
        "end_date": dag.end_date,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "max_active_tasks": dag.max_active_tasks,
        "tags": dag.tags,
        "owners": dag.owner,
        "params": dict(dag.params),
        "tasks": len(dag.task_dict),
    }
    if args.output == "table":
        print_records([{"property": k, "value": v} for k, v in data.items()], "table")
    else:
        print_records([data], args.output)
    return 0


def _set_paused(args: argparse.Namespace, paused: bool) -> int:
    from tradewind.actions.dags import set_paused

    bag = load_dagbag(args)
    if args.dag_id not in bag.dags:
        bag.get_dag(args.dag_id)  # raises DagNotFound with the reason
    sync_dagbag(bag)
    set_paused(args.dag_id, paused)
    print(f"Dag: {args.dag_id}, paused: {paused}")
    return 0


def pause(args: argparse.Namespace) -> int:
    return _set_paused(args, True)


def unpause(args: argparse.Namespace) -> int:
    return _set_paused(args, False)
