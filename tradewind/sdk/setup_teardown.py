"""Setup and teardown tasks (Airflow 2.7+): marking a task as one, and the `with` scope that wraps work.

A setup creates a resource, a teardown removes it: the teardown runs once its work is done even when
the work failed (trigger rule `all_done_setup_success`), is skipped when its setups were skipped,
and does not decide the run's state unless `on_failure_fail_dagrun=True`. The scheduler reads the
marks from the stored DAG (`TaskNode.is_setup` / `is_teardown`); this module only authors them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk import dag_context

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator


class SetupTeardownMixin:
    """`as_setup()`, `as_teardown()` and the scope (`with teardown.as_teardown(setups=s): …`) of a task."""

    task_id: str
    trigger_rule: str
    dag: Any
    is_setup: bool = False
    is_teardown: bool = False
    _on_failure_fail_dagrun: bool = False

    @property
    def on_failure_fail_dagrun(self) -> bool:
        """A failed teardown fails its run only with this set (teardowns are otherwise ignored)."""
        return self._on_failure_fail_dagrun

    @on_failure_fail_dagrun.setter
    def on_failure_fail_dagrun(self, value: bool) -> None:
        if value and not self.is_teardown:
            raise DagDefinitionError(
                f"cannot set on_failure_fail_dagrun on task {self.task_id}: it is not a teardown task"
            )
        self._on_failure_fail_dagrun = bool(value)

    def as_setup(self) -> Any:
        """Mark this task a setup; returns it, so `create.as_setup() >> work` reads as one line."""
        if self.is_teardown:
            raise DagDefinitionError(f"task {self.task_id} is a teardown and cannot also be a setup")
        self.is_setup = True
        return self

    def as_teardown(self, *, setups: Any = None, on_failure_fail_dagrun: bool | None = None) -> Any:
        """Mark this task a teardown of `setups` (a task, XComArg or list of them; each becomes a setup
        upstream of this one), with Airflow's teardown trigger rule; returns this task."""
        from tradewind.scheduler.trigger_rules import TriggerRule
        from tradewind.sdk.dependency import flatten

        if self.is_setup:
            raise DagDefinitionError(f"task {self.task_id} is a setup and cannot also be a teardown")
        self.is_teardown = True
        self.trigger_rule = TriggerRule.ALL_DONE_SETUP_SUCCESS.value
        if on_failure_fail_dagrun is not None:
            self.on_failure_fail_dagrun = on_failure_fail_dagrun
        if setups is not None:
            for item in flatten(setups):
                for setup_task in item.leaves:
                    setup_task.as_setup()
                    setup_task.set_downstream(self)
        return self

    def __enter__(self) -> SetupTeardownScope:
        scope = SetupTeardownScope(self)  # type: ignore[arg-type]  # mixed into BaseOperator only
        _scopes.append(scope)
        return scope

    def __exit__(self, exc_type: object, *exc: object) -> None:
        scope = _scopes.pop()
        if exc_type is None:
            scope.close()


class SetupTeardownScope:
    """What a `with setup_or_teardown:` block wraps: the tasks created in it (and any `add_task`ed)
    get the setups upstream of their roots and the teardowns downstream of their leaves."""

    def __init__(self, task: BaseOperator) -> None:
        if not (task.is_setup or task.is_teardown):
            raise DagDefinitionError(
                f"task {task.task_id} is neither a setup nor a teardown and cannot be used in a `with` block"
            )
        dag = task.dag or dag_context.current_dag()
        if dag is None:
            raise DagDefinitionError(f"task {task.task_id} must belong to a DAG to wrap tasks in a `with` block")
        self.task = task
        self.dag = dag
        self.before = set(dag.task_dict)
        self.added: list[BaseOperator] = []

    def add_task(self, task: Any) -> None:
        """Wrap a task created before the block (a task or an XComArg)."""
        self.added.extend(task.leaves)

    def close(self) -> None:
        dag, task = self.dag, self.task
        if task.is_teardown:
            setups = [u for u in task.upstream_list if u.is_setup]
            teardowns = [task]
        else:
            setups = [task]
            teardowns = [d for d in task.downstream_list if d.is_teardown]
        own = {t.task_id for t in (*setups, *teardowns)}
        work = {t.task_id: t for t in dag.task_dict.values() if t.task_id not in self.before}
        work.update((t.task_id, t) for t in self.added)
        for task_id in own:
            work.pop(task_id, None)
        for t in work.values():
            if not t.upstream_task_ids & work.keys():
                for setup_task in setups:
                    setup_task.set_downstream(t)
            if not t.downstream_task_ids & work.keys():
                t.set_downstream(teardowns)


_scopes: list[SetupTeardownScope] = []


def check_setup_teardown(dag: Any) -> None:
    """Whole-DAG check at load, as Airflow's: a setup's work tasks keep `all_success`, so that
    clearing an indirect setup behaves the same in every run."""
    for task in dag.task_dict.values():
        if not task.is_setup:
            continue
        for down in task.downstream_list:
            if not down.is_teardown and down.trigger_rule != "all_success":
                raise DagDefinitionError(
                    f"task {down.task_id} follows setup task {task.task_id} and must keep trigger rule "
                    f"all_success, not {down.trigger_rule}"
                )
