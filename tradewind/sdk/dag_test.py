"""`DAG.test()`: run a whole DAG from a script, a notebook or a debugger, as Airflow's `dag.test()`.

The engine is `tradewind dags test`'s (same progress, same final table); the task logs are echoed
to stdout, as Airflow's `dag.test()` does. Imported only when `test()` is called.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tradewind.store.records import DagRunRecord, TaskInstanceRecord

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG


@dataclass(frozen=True, slots=True)
class DagTestRun(DagRunRecord):
    """The tested run, as stored when it ended (`state` is a DagRunState), with its task instances."""

    task_instances: tuple[TaskInstanceRecord, ...] = ()
    reason: str | None = None  # why the run could not go on, when it stopped on a deadlock

    def get_task_instances(self, state: Any = None, session: Any = None) -> list[TaskInstanceRecord]:
        """Airflow's `DagRun.get_task_instances`: all, or those in `state` (one state or several)."""
        if state is None:
            return list(self.task_instances)
        wanted = {str(state)} if isinstance(state, str) else {str(s) for s in state}
        return [ti for ti in self.task_instances if ti.state in wanted]

    def get_task_instance(self, task_id: str, map_index: int = -1, session: Any = None) -> TaskInstanceRecord | None:
        """Airflow's `DagRun.get_task_instance`."""
        return next((t for t in self.task_instances if t.task_id == task_id and t.map_index == map_index), None)


def _logical_date(value: datetime | None) -> datetime:
    """Now when not given; a naive date is UTC (as the CLI's dates)."""
    if value is None:
        return datetime.now(timezone.utc)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


@contextmanager
def _breakpoints_on_terminal(in_process: bool) -> Iterator[None]:
    """`breakpoint()` in a task opens pdb on this terminal, not in the task's log (which takes its stdout).

    Left alone when a debugger is chosen already: PYTHONBREAKPOINT, or an IDE's own hook.
    """
    chosen = os.environ.get("PYTHONBREAKPOINT") or sys.breakpointhook is not sys.__breakpointhook__
    if not in_process or chosen:
        yield
        return
    stdin, stdout = sys.stdin, sys.stdout

    def hook(*args: Any, **kwargs: Any) -> None:
        import pdb

        pdb.Pdb(stdin=stdin, stdout=stdout).set_trace(sys._getframe(1))

    sys.breakpointhook = hook
    try:
        yield
    finally:
        sys.breakpointhook = sys.__breakpointhook__


def test_dag(
    dag: DAG,
    *,
    logical_date: datetime | None,
    run_conf: dict[str, Any] | None,
    conn_file_path: str | None,
    variable_file_path: str | None,
    use_executor: bool,
    mark_success_pattern: str | re.Pattern[str] | None,
) -> DagTestRun:
    from tradewind.cli.commands.dag_test import print_report, run_dag_test
    from tradewind.secrets.local_files import local_secrets
    from tradewind.states import DagRunState

    with local_secrets(conn_file_path, variable_file_path), _breakpoints_on_terminal(not use_executor):
        outcome = run_dag_test(
            dag,
            logical_date=_logical_date(logical_date),
            conf=run_conf,
            echo=None if use_executor else sys.stdout,
            mark_success_pattern=mark_success_pattern,
            use_executor=use_executor,
        )
    print_report(outcome)
    record = outcome.run
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    fields["state"] = DagRunState(record.state)
    return DagTestRun(**fields, task_instances=tuple(outcome.task_instances), reason=outcome.reason)
