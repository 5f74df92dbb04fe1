"""`tradewind tasks states-for-dag-run|state|clear|explain`: look at task instances and send them back."""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from tradewind.cli.commands.runs import resolve_run
from tradewind.cli.common import confirm, parse_date, ready_db
from tradewind.cli.output import print_records, state_style, to_json
from tradewind.exceptions import DagNotFound, UsageError

if TYPE_CHECKING:
    from tradewind.store.records import TaskInstanceRecord
    from tradewind.structure import DagStructure

TI_COLUMNS = ("dag_id", "run_id", "task_id", "map_index", "state", "try_number", "start_date", "end_date")


def task_label(task_id: str, map_index: int) -> str:
    """`train`, or `train[3]` for one instance of a mapped task."""
    return task_id if map_index < 0 else f"{task_id}[{map_index}]"


def states_for_dag_run(args: argparse.Namespace) -> int:
    from tradewind.store import task_instances

    ready_db()
    run = resolve_run(args.dag_id, args.run_id)
    records = [
        {
            "dag_id": t.dag_id,
            "run_id": t.run_id,
            "task_id": t.task_id,
            "map_index": t.map_index,
            "state": t.state,
            "try_number": t.try_number,
            "start_date": t.start_date,
            "end_date": t.end_date,
        }
        for t in task_instances.list_task_instances(run.dag_id, run.run_id)
    ]
    print_records(records, args.output, columns=TI_COLUMNS, styles={"state": state_style})
    return 0


def state(args: argparse.Namespace) -> int:
    from tradewind.actions.tasks import require_ti

    ready_db()
    run = resolve_run(args.dag_id, args.run_id)
    print(require_ti(run.dag_id, run.run_id, args.task_id, args.map_index).state)
    return 0


def explain(args: argparse.Namespace) -> int:
    from tradewind.scheduler.explain import explain_task_instance

    ready_db()
    run = resolve_run(args.dag_id, args.run_id)
    reasons = explain_task_instance(run.dag_id, run.run_id, args.task_id, args.map_index)
    if args.output == "json":
        print(
            to_json(
                {
                    "dag_id": run.dag_id,
                    "run_id": run.run_id,
                    "task_id": args.task_id,
                    "map_index": args.map_index,
                    "reasons": [r.as_dict() for r in reasons],
                }
            )
        )
        return 0
    print(f"{task_label(args.task_id, args.map_index)} in run {run.run_id} of {run.dag_id}:")
    for reason in reasons:
        print(f"  - {reason.sentence} [{reason.code.value}]")
    return 0


# --- clear ---------------------------------------------------------------------------------
def clear(args: argparse.Namespace) -> int:
    """Airflow's `tasks clear`: matching instances of every run in range go back to `none`."""
    from tradewind.actions.runs import clear as clear_run
    from tradewind.store import runs

    start = parse_date(args.start_date, what="start date") if args.start_date else None
    end = parse_date(args.end_date, what="end date") if args.end_date else None
    ready_db()
    structure = _structure(args.dag_id)
    task_ids = select_tasks(structure, args.task_regex, upstream=args.upstream, downstream=args.downstream)
    plan: list[tuple[str, list[TaskInstanceRecord]]] = []
    for run in runs.list_dag_runs(args.dag_id, newest_first=False):
        if (start is not None and run.logical_date < start) or (end is not None and run.logical_date > end):
            continue
        found = clear_run(args.dag_id, run.run_id, None, only_failed=args.only_failed, dry_run=True)
        chosen = [t for t in found if t.task_id in task_ids]
        if chosen:
            plan.append((run.run_id, chosen))
    if not plan:
        print("No task instances to clear.")
        return 0
    total = sum(len(tis) for _, tis in plan)
    for run_id, tis in plan:
        for t in tis:
            print(f"<TaskInstance: {args.dag_id}.{task_label(t.task_id, t.map_index)} {run_id} [{t.state}]>")
    if not confirm(
        f"You are about to clear these {total} task instance(s). Proceed?",
        refusal="tasks clear changes task states; pass -y to confirm",
        yes=args.yes,
    ):
        print("Cancelled.")
        return 1
    for run_id, tis in plan:
        clear_run(args.dag_id, run_id, sorted({t.task_id for t in tis}), only_failed=args.only_failed, exact=True)
    print(f"Cleared {total} task instance(s) in {len(plan)} run(s); the scheduler runs them again.")
    return 0


def _structure(dag_id: str) -> DagStructure:
    from tradewind.store import dags

    structure = dags.get_structure(dag_id)
    if structure is None:
        raise DagNotFound(f"DAG '{dag_id}' is not in the database (has its file been parsed?)")
    return structure


def select_tasks(structure: DagStructure, regex: str | None, *, upstream: bool, downstream: bool) -> set[str]:
    """Task ids matching `regex` (searched, as Airflow does), plus their relatives if asked."""
    if regex is None:
        return set(structure.nodes)
    try:
        pattern = re.compile(regex)
    except re.error as exc:
        raise UsageError(f"invalid --task-regex {regex!r}: {exc}") from None
    chosen = {t for t in structure.nodes if pattern.search(t)}
    if not chosen:
        raise UsageError(f"no task of {structure.dag_id} matches {regex!r}")
    # as Airflow's partial_subset: relatives of the matched tasks (not downstream of their upstream),
    # and their setups and teardowns
    return set(structure.clear_selection(chosen, upstream=upstream, downstream=downstream))
