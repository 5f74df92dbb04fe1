"""`tradewind dags test` and `DAG.test()` (a whole run, in process) and `tradewind tasks test` (one task)."""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tradewind.actions.runs import parse_conf
from tradewind.cli.common import get_dag, parse_date, ready_db
from tradewind.cli.output import print_table, state_style, to_json
from tradewind.exceptions import UsageError

if TYPE_CHECKING:
    from tradewind.executors.base import Executor
    from tradewind.sdk.dag import DAG
    from tradewind.store.records import DagRunRecord, TaskInstanceRecord


def _replace_earlier_test_run(dag_id: str, logical_date: datetime, run_id: str | None) -> None:
    """As Airflow's `dags test`: a run already at this logical date (or run_id) is replaced."""
    from tradewind.store import runs

    for existing in (runs.find_dag_run(dag_id, logical_date), runs.get_dag_run(dag_id, run_id) if run_id else None):
        if existing is not None:
            runs.delete_dag_run(dag_id, existing.run_id)


@dataclass(frozen=True, slots=True)
class TestRunOutcome:
    """How a test run ended: the run and its task instances as stored, in the DAG's order."""

    run: DagRunRecord
    task_instances: list[TaskInstanceRecord]
    elapsed: float
    reason: str | None


def run_dag_test(
    dag: DAG,
    *,
    logical_date: datetime,
    conf: dict[str, Any] | None = None,
    run_id: str | None = None,
    show_progress: bool = True,
    echo: TextIO | None = None,
    retry_delay_override: timedelta | None = None,
    mark_success_pattern: str | re.Pattern[str] | None = None,
    use_executor: bool = False,
) -> TestRunOutcome:
    """One whole run of `dag` in this process, with live progress: `dags test` and `DAG.test()`.

    Creates the database if there is none yet. With `use_executor`, tasks run through the
    configured executor (forked processes that import `dag.fileloc`) instead of in this process.
    """
    from tradewind.cli.progress import TerminalProgress
    from tradewind.scheduler.inline_run import run_inline
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.store import runs, task_instances

    dag.check_cycle()
    mark_success = _matcher(mark_success_pattern)
    if use_executor and (not dag.fileloc or not Path(dag.fileloc).is_file()):
        raise UsageError(
            f"DAG '{dag.dag_id}' was not defined in a file ({dag.fileloc or 'no file'}): "
            "use_executor needs one for the executor's processes to import"
        )
    ready_db()  # before the executor's workers fork: they use the database at once
    started = time.monotonic()
    executor = _start_executor() if use_executor else None
    try:
        structure = sync_dag(dag)
        _replace_earlier_test_run(dag.dag_id, logical_date, run_id)
        dag_run = create_manual_run(dag, structure, logical_date=logical_date, conf=conf, run_id=run_id)
        progress = TerminalProgress(len(structure.nodes), spinner=echo is None) if show_progress else None
        if progress is not None:
            start, end = dag_run.data_interval_start, dag_run.data_interval_end
            assert start is not None and end is not None  # a manual run gets its timetable's interval
            progress.console.print(
                f"[bold]{dag.dag_id}[/] run [bold]{dag_run.run_id}[/] — data interval "
                f"{start.isoformat()} → {end.isoformat()}"
            )
        try:
            result = run_inline(
                dag,
                structure,
                dag_run,
                progress=progress,
                retry_delay_override=retry_delay_override,
                echo=echo,
                mark_success=mark_success,
                executor=executor,
            )
        finally:
            if progress is not None:
                progress.close()
    finally:
        if executor is not None:
            executor.end(timeout=10.0)
    final = runs.get_dag_run(dag.dag_id, dag_run.run_id)
    assert final is not None  # nothing deletes the run while it is tested
    tis = task_instances.list_task_instances(dag.dag_id, dag_run.run_id)
    order = {tid: i for i, tid in enumerate(structure.order)}
    tis = sorted(tis, key=lambda t: (order.get(t.task_id, 0), t.map_index))
    return TestRunOutcome(final, tis, time.monotonic() - started, result.reason)


def _matcher(pattern: str | re.Pattern[str] | None) -> Callable[[str], bool] | None:
    """`mark_success_pattern` as a test on task ids (a full match, as Airflow)."""
    if pattern is None:
        return None
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UsageError(f"mark_success_pattern {pattern!r} is not a regular expression: {exc}") from None
    return lambda task_id: compiled.fullmatch(task_id) is not None


def _start_executor() -> Executor:
    """The configured executor, started (its workers import the DAG's file to run its tasks)."""
    from tradewind.executors import get_executor

    executor = get_executor()
    executor.start()
    return executor


def dags_test(args: argparse.Namespace) -> int:
    conf = parse_conf(args.conf)
    logical_date = parse_date(args.logical_date, what="logical date")
    if args.retry_delay is not None and args.retry_delay < 0:
        raise UsageError("--retry-delay must be zero or more seconds")
    quiet = args.output == "json"
    # With -o json, stdout holds the one document: what user code prints outside a task's log
    # (a DAG callback, say) goes to stderr.
    dag = get_dag(args)
    with contextlib.redirect_stdout(sys.stderr) if quiet else contextlib.nullcontext():
        outcome = run_dag_test(
            dag,
            logical_date=logical_date,
            conf=conf,
            run_id=args.run_id,
            show_progress=not quiet,
            echo=sys.stderr if args.verbose else None,  # the task's log lines, masked as in its log file
            retry_delay_override=timedelta(seconds=args.retry_delay) if args.retry_delay is not None else None,
            mark_success_pattern=args.mark_success_pattern,
            use_executor=args.use_executor,
        )
    if quiet:
        print(to_json(_report(outcome.run, outcome.task_instances, outcome.elapsed, outcome.reason)))
    else:
        print_report(outcome)
    return 0 if outcome.run.state == "success" else 1


def _report(run: Any, tis: list[Any], elapsed: float, reason: str | None) -> dict[str, Any]:
    """The documented `dags test -o json` document (docs/cli.md)."""
    return {
        "dag_id": run.dag_id,
        "run_id": run.run_id,
        "state": run.state,
        "logical_date": run.logical_date,
        "data_interval_start": run.data_interval_start,
        "data_interval_end": run.data_interval_end,
        "duration": round(elapsed, 4),
        "reason": reason,
        "task_instances": [
            {
                "task_id": ti.task_id,
                "map_index": ti.map_index,
                "state": ti.state,
                "try_number": ti.try_number,
                "start_date": ti.start_date,
                "end_date": ti.end_date,
                "duration": ti.duration,
                "log_path": ti.log_path,
            }
            for ti in tis
        ],
    }


def print_report(outcome: TestRunOutcome) -> None:
    """The final table and the run's state line."""
    from rich.console import Console

    run, tis, elapsed, reason = outcome.run, outcome.task_instances, outcome.elapsed, outcome.reason

    rows = [
        {
            "task_id": ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]",
            "state": ti.state,
            "tries": ti.try_number,
            "duration": f"{ti.duration:.3f}s" if ti.duration is not None else "",
        }
        for ti in tis
    ]
    print_table(rows, ("task_id", "state", "tries", "duration"), styles={"state": state_style})
    console = Console(highlight=False)
    style = state_style(run.state)
    console.print(f"DAG run [bold]{run.run_id}[/] finished [{style}]{run.state}[/] in {elapsed:.2f}s")
    if reason:
        console.print(f"[red]{reason}[/]")


def tasks_test(args: argparse.Namespace) -> int:
    """Run one task now, ignoring its dependencies, in a temporary run deleted afterwards (as Airflow)."""
    from tradewind.runtime.runner import run_task_instance
    from tradewind.scheduler.runs import create_manual_run, sync_dag
    from tradewind.states import DagRunState
    from tradewind.store import runs

    params = parse_conf(args.task_params)
    logical_date = parse_date(args.logical_date, what="logical date")
    dag = get_dag(args)
    task = dag.get_task(args.task_id)
    ready_db()
    structure = sync_dag(dag)
    run_id = f"__tradewind_temporary_run_{logical_date.isoformat()}__"
    dag_run = create_manual_run(
        dag, structure, logical_date=logical_date, conf=params, run_id=run_id, state=DagRunState.RUNNING
    )
    map_index = args.map_index
    if getattr(task, "is_mapped", False) and map_index < 0:
        map_index = 0
    echo = sys.stdout  # the task's log lines, masked as in its log file
    try:
        if map_index >= 0:
            from tradewind.scheduler.expansion import expand_task

            expand_task(dag.dag_id, run_id, structure.nodes[task.task_id], map_index + 1)
        outcome = run_task_instance(dag, dag_run, task.task_id, map_index, echo=echo, test_mode=True)
    finally:
        runs.delete_dag_run(dag.dag_id, run_id)
    if outcome is None:
        return 1
    print(f"Task {task.task_id} finished: {outcome.state.value} in {outcome.duration:.2f}s", file=sys.stderr)
    return 0 if outcome.state.value in ("success", "skipped") else 1
