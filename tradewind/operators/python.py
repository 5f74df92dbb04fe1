"""Python callables as tasks, plus the branching and short-circuit operators built on them."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Collection, Generator, Iterable, Mapping, Sequence
from types import FunctionType
from typing import Any, ClassVar

from tradewind.exceptions import DagDefinitionError, TradewindException
from tradewind.sdk.baseoperator import BaseOperator
from tradewind.sdk.current_context import get_current_context

__all__ = [
    "PythonOperator",
    "BranchPythonOperator",
    "ShortCircuitOperator",
    "get_current_context",
]


def callable_kwargs(
    fn: Callable[..., Any], context: Mapping[str, Any], op_args: Collection[Any], op_kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """op_kwargs plus the context entries `fn` asks for by parameter name (all of it for **kwargs)."""
    var_keyword, positional, named = callable_parameters(fn)
    if var_keyword:
        return {**context, **op_kwargs}
    taken = set(positional[: len(op_args)])
    out = dict(op_kwargs)
    for name in named:
        if name in context and name not in out and name not in taken:
            out[name] = context[name]
    return out


_PARAMETERS: dict[Any, tuple[bool, tuple[str, ...], tuple[str, ...]]] = {}


def callable_parameters(fn: Callable[..., Any]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """(takes **kwargs, its positional parameters' names, the names it can take by keyword) of `fn`.

    Remembered per callable: a fork server reads them once when it imports a DAG file, so the
    task processes it forks do not run `inspect.signature` (measured: ~50 page copies a task).
    """
    cacheable = type(fn) is FunctionType  # a function is its own identity; a callable object may change
    if cacheable and fn in _PARAMETERS:
        return _PARAMETERS[fn]
    params = list(inspect.signature(fn).parameters.values())
    found = (
        any(p.kind is p.VAR_KEYWORD for p in params),
        tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)),
        tuple(p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)),
    )
    if cacheable:
        if len(_PARAMETERS) >= 4096:
            _PARAMETERS.clear()
        _PARAMETERS[fn] = found
    return found


def check_callable(python_callable: Any, what: str, task_id: Any) -> None:
    """A DAG definition error (so an import error with file and line) if it cannot be called."""
    if not callable(python_callable):
        raise DagDefinitionError(f"python_callable of {what} {task_id} is not callable")


def bind_callable(
    op: Any,
    python_callable: Callable[..., Any],
    op_args: Collection[Any] | None,
    op_kwargs: Mapping[str, Any] | None,
    templates_dict: dict[str, Any] | None,
) -> None:
    """Store the callable and its arguments on an operator or sensor, as PythonOperator keeps them."""
    op.python_callable = python_callable
    op.op_args = list(op_args or [])
    op.op_kwargs = dict(op_kwargs or {})
    op.templates_dict = templates_dict


def call_python(op: Any, context: Mapping[str, Any]) -> Any:
    """Call `op.python_callable` with op_args, op_kwargs and the context entries it names."""
    context = {**context, "templates_dict": op.templates_dict}
    kwargs = callable_kwargs(op.python_callable, context, op.op_args, op.op_kwargs)
    result = op.python_callable(*op.op_args, **kwargs)
    if inspect.isgenerator(result):  # a generator function: what it yields is Metadata for its outlets
        return _drain_metadata(result, context.get("outlet_events"), op.log)
    return result


def _drain_metadata(generator: Generator[Any, Any, Any], outlet_events: Any, log: logging.Logger) -> Any:
    """Run a callable that yields `Metadata` (extra for its outlets' events), as Airflow 2.10+; its return value."""
    from tradewind.datasets import Metadata

    while True:
        try:
            item = next(generator)
        except StopIteration as stop:
            return stop.value
        if isinstance(item, Metadata) and outlet_events is not None:
            outlet_events.apply(item)
        else:
            log.warning("Ignoring unknown data of %r received from task", type(item))


class PythonOperator(BaseOperator):
    template_fields: ClassVar[Sequence[str]] = ("templates_dict", "op_args", "op_kwargs")
    template_fields_renderers = {"templates_dict": "json", "op_args": "py", "op_kwargs": "py"}
    ui_color = "#ffefeb"

    def __init__(
        self,
        *,
        python_callable: Callable[..., Any],
        op_args: Collection[Any] | None = None,
        op_kwargs: Mapping[str, Any] | None = None,
        templates_dict: dict[str, Any] | None = None,
        templates_exts: Iterable[str] | None = None,
        show_return_value_in_logs: bool = True,
        **kwargs: Any,
    ) -> None:
        check_callable(python_callable, "task", kwargs.get("task_id"))
        super().__init__(**kwargs)
        bind_callable(self, python_callable, op_args, op_kwargs, templates_dict)
        if templates_exts:
            self.template_ext = tuple(templates_exts)  # type: ignore[misc]
        self.show_return_value_in_logs = show_return_value_in_logs

    def execute(self, context: dict[str, Any]) -> Any:
        result = call_python(self, context)
        if self.show_return_value_in_logs:
            self.log.info("Done. Returned value was: %r", result)
        return result


def _branch_targets(task: BaseOperator, chosen: Any) -> set[str]:
    """Task ids a branch callable picked; a TaskGroup id stands for the group's root tasks."""
    if chosen is None:
        return set()
    ids = {chosen} if isinstance(chosen, str) else set(chosen)
    assert task.dag is not None
    out: set[str] = set()
    groups = _all_groups(task.dag.task_group)
    for tid in ids:
        if not isinstance(tid, str):
            raise TradewindException(f"branch callable of {task.task_id} returned {tid!r}, not a task id")
        if tid in task.dag.task_dict:
            out.add(tid)
        elif tid in groups:
            out.update(t.task_id for t in groups[tid].roots)
        else:
            raise TradewindException(f"branch {task.task_id} chose '{tid}', which is not a task or group in the DAG")
    return out


def _all_groups(group: Any) -> dict[str, Any]:
    from tradewind.sdk.taskgroup import TaskGroup

    found: dict[str, Any] = {}
    for child in group.children.values():
        if isinstance(child, TaskGroup):
            assert child.group_id is not None  # only the root group has none
            found[child.group_id] = child
            found.update(_all_groups(child))
    return found


class BranchMixin:
    """Skip every direct downstream task the branch did not choose (Airflow's skip_all_except)."""

    def do_branch(self: Any, context: dict[str, Any], chosen: Any) -> Any:
        keep = _branch_targets(self, chosen)
        skip = sorted(self.downstream_task_ids - keep)
        self.log.info("Branch chose %s; skipping %s", sorted(keep), skip)
        context["ti"].skip(skip)
        return chosen


class BranchPythonOperator(BranchMixin, PythonOperator):
    """The callable returns the task id (or list of ids, or a group id) to follow."""

    ui_color = "#ffd6a5"

    def execute(self, context: dict[str, Any]) -> Any:
        return self.do_branch(context, super().execute(context))


class ShortCircuitOperator(PythonOperator):
    """A falsy return value skips what is downstream; a truthy one lets it run.

    With `ignore_downstream_trigger_rules=True` (the default) every downstream task is skipped;
    with False only the direct downstream tasks are, and the rest follow their trigger rules.
    """

    ui_color = "#e0d7f5"

    def __init__(self, *, ignore_downstream_trigger_rules: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ignore_downstream_trigger_rules = ignore_downstream_trigger_rules

    def execute(self, context: dict[str, Any]) -> Any:
        result = super().execute(context)
        if result:
            self.log.info("Condition is truthy; downstream tasks proceed")
            return result
        assert self.dag is not None
        if self.ignore_downstream_trigger_rules:
            skip = self.dag.get_relatives(self.task_id, upstream=False)
        else:
            skip = set(self.downstream_task_ids)
        self.log.info("Condition is falsy; skipping %s", sorted(skip))
        context["ti"].skip(sorted(skip))
        return result
