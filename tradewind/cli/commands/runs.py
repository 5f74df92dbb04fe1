"""`tradewind dags trigger|list-runs|state|delete`: act on and watch a DAG's runs."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tradewind.cli.common import confirm, parse_date, ready_db
from tradewind.cli.output import print_records, state_style
from tradewind.exceptions import DagRunNotFound, UsageError
from tradewind.store.records import pick

if TYPE_CHECKING:
    from tradewind.store.records import DagRunRecord

RUN_COLUMNS = ("dag_id", "run_id", "state", "run_type", "logical_date", "start_date", "end_date")
TRIGGER_COLUMNS = (
    "dag_id",
    "run_id",
    "state",
    "run_type",
    "logical_date",
    "data_interval_start",
    "data_interval_end",
    "conf",
    "external_trigger",
)


def run_record(run: DagRunRecord) -> dict[str, Any]:
    """A run as printed by every command (`execution_date` kept for Airflow 2 scripts)."""
    return {
        **pick(run, "dag_id", "run_id", "state", "run_type", "logical_date"),
        "execution_date": run.logical_date,
        **pick(
            run,
            "data_interval_start",
            "data_interval_end",
            "start_date",
            "end_date",
            "queued_at",
            "conf",
            "external_trigger",
        ),
    }


def resolve_run(dag_id: str, run_id_or_date: str) -> DagRunRecord:
    """A run named by run_id, or else by logical date (Airflow accepts both)."""
    from tradewind.store import runs

    run = runs.get_dag_run(dag_id, run_id_or_date)
    if run is not None:
        return run
    try:
        when = parse_date(run_id_or_date, what="logical date")
    except UsageError:
        when = None
    run = runs.find_dag_run(dag_id, when) if when is not None else None
    if run is None:
        raise DagRunNotFound(f"DAG '{dag_id}' has no run with run_id or logical date {run_id_or_date!r}")
    return run


def trigger(args: argparse.Namespace) -> int:
    from tradewind.actions import runs
    from tradewind.store import dags

    conf = runs.parse_conf(args.conf)
    when = parse_date(args.logical_date, what="logical date") if args.logical_date else None
    if args.run_id is not None:
        runs.check_run_id(args.run_id)  # before reading the DAGs folder; `trigger` checks it again
    ready_db()
    if dags.get_serialized(args.dag_id) is None:
        _sync_from_folder(args)
    run = runs.trigger(args.dag_id, conf, args.run_id, when)
    record_dag = dags.get_dag(args.dag_id)
    if record_dag is not None and record_dag.is_paused:
        print(
            f"[INFO] DAG '{args.dag_id}' is paused: the run waits until `tradewind dags unpause {args.dag_id}`.",
            file=sys.stderr,
        )
    record = run_record(run)
    if args.output == "json":
        print_records([record], "json", columns=TRIGGER_COLUMNS)
    else:
        print(
            f"Created run {run.run_id} of {run.dag_id} ({run.state}); follow it with "
            f"`tradewind tasks states-for-dag-run {run.dag_id} {run.run_id}`",
            file=sys.stderr,
        )
        print_records([{"property": c, "value": record[c]} for c in TRIGGER_COLUMNS], "table")
    return 0


def _sync_from_folder(args: argparse.Namespace) -> None:
    """No scheduler has parsed the DAG yet: parse the DAGs folder now, as `dags list` does."""
    from tradewind.cli.common import load_dagbag, sync_dagbag

    bag = load_dagbag(args)
    if args.dag_id in bag.dags:
        sync_dagbag(bag)


def list_runs(args: argparse.Namespace) -> int:
    from tradewind.actions.dags import require_dag
    from tradewind.states import DagRunState
    from tradewind.store import runs

    dag_id = _dag_id(args)
    if args.state is not None and args.state not in {s.value for s in DagRunState}:
        raise UsageError(f"unknown state {args.state!r}; choose from {', '.join(s.value for s in DagRunState)}")
    start = parse_date(args.start_date, what="start date") if args.start_date else None
    end = parse_date(args.end_date, what="end date") if args.end_date else None
    ready_db()
    require_dag(dag_id)  # an unknown DAG is the user's typo, not an empty list (Airflow exits with an error too)
    found = [
        r
        for r in runs.list_dag_runs(dag_id, state=args.state)
        if (start is None or r.logical_date >= start)
        and (end is None or r.logical_date <= end)
        and not (args.no_backfill and r.run_type == "backfill")
    ]
    print_records([run_record(r) for r in found], args.output, columns=RUN_COLUMNS, styles={"state": state_style})
    return 0


def _dag_id(args: argparse.Namespace) -> str:
    """`dags list-runs DAG_ID` or Airflow 2's `dags list-runs -d DAG_ID`."""
    if args.dag_id and args.dag_id_flag and args.dag_id != args.dag_id_flag:
        raise UsageError(f"two different DAG ids given: {args.dag_id} and -d {args.dag_id_flag}")
    dag_id = args.dag_id or args.dag_id_flag
    if not dag_id:
        raise UsageError("the DAG id is required: tradewind dags list-runs DAG_ID")
    return dag_id


def state(args: argparse.Namespace) -> int:
    ready_db()
    print(resolve_run(args.dag_id, args.logical_date_or_run_id).state)
    return 0


def delete(args: argparse.Namespace) -> int:
    from tradewind.actions.dags import delete_dag

    ready_db()
    if not confirm(
        f"This deletes every run, task instance and XCom of DAG '{args.dag_id}'. Proceed?",
        refusal=f"dags delete removes all records of '{args.dag_id}'; pass -y to confirm",
        yes=args.yes,
    ):
        print("Cancelled.")
        return 1
    count = delete_dag(args.dag_id)
    print(
        f"Removed {count} record(s) of DAG '{args.dag_id}' (its file is untouched: delete it too, or the "
        "scheduler will find the DAG again)."
    )
    return 0
