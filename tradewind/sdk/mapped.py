"""Dynamic task mapping: `Op.partial(...).expand(x=[...])` makes one task instance per value.

The list may be another task's XCom, so its length is known only at run time; the scheduler asks
`MappedOperator.expansion(...)` for it once the upstream tasks are done.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk import dag_context
from tradewind.sdk.baseoperator import BaseOperator
from tradewind.sdk.xcom_arg import ResolvableArg, XComArg, resolve_args


class OperatorPartial:
    """The shared arguments of a mapped task, waiting for `.expand()` or `.expand_kwargs()`."""

    def __init__(
        self, operator_class: type[BaseOperator], kwargs: dict[str, Any], *, expand_into: str | None = None
    ) -> None:
        if "task_id" not in kwargs:
            raise DagDefinitionError(f"{operator_class.__name__}.partial() needs a task_id")
        self.operator_class = operator_class
        self.kwargs = kwargs
        self.expand_into = expand_into

    def expand(self, **mapped: Any) -> MappedOperator:
        check_expand_input(mapped, f"task {self.kwargs['task_id']}")
        return self._make(mapped, "product")

    def expand_kwargs(self, kwargs_list: Sequence[dict[str, Any]] | XComArg) -> MappedOperator:
        check_expand_kwargs_input(kwargs_list, f"task {self.kwargs['task_id']}")
        return self._make(kwargs_list, "list")

    def _make(self, expand_input: Any, mode: str) -> MappedOperator:
        dag = self.kwargs.get("dag") or dag_context.current_dag()
        group = self.kwargs.get("task_group") or dag_context.current_group(dag)
        captured: dict[str, Any] = {}
        if dag is not None:
            captured.update(dag.default_args)
        if group is not None:
            captured.update(group.default_args)
        captured.update(self.kwargs.get("default_args") or {})
        partial = {k: v for k, v in self.kwargs.items() if k not in ("dag", "task_group", "default_args")}
        base = {k: v for k, v in partial.items() if k in BaseOperator._accepted_kwargs() and k not in ("task_id",)}
        return MappedOperator(
            task_id=self.kwargs["task_id"],
            dag=dag,
            task_group=group,
            default_args=captured,
            operator_class=self.operator_class,
            partial_kwargs=partial,
            expand_input=expand_input,
            expand_mode=mode,
            expand_into=self.expand_into,
            captured_default_args=captured,
            **base,
        )


class MappedOperator(BaseOperator):
    """Stands in the DAG for all the copies of a mapped task; `unmap()` builds copy number i."""

    is_mapped = True

    def __init__(
        self,
        *,
        operator_class: type[BaseOperator],
        partial_kwargs: dict[str, Any],
        expand_input: Any,
        expand_mode: str,
        expand_into: str | None,
        captured_default_args: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.operator_class = operator_class
        self.partial_kwargs = partial_kwargs
        self.expand_input = expand_input
        self.expand_mode = expand_mode
        self.expand_into = expand_into
        self.captured_default_args = captured_default_args
        self.template_fields = operator_class.template_fields  # type: ignore[misc]

    def _post_init(self) -> None:
        self_fields = self.template_fields
        self.template_fields = ()  # type: ignore[misc]
        super()._post_init()
        self.template_fields = self_fields  # type: ignore[misc]
        for arg in XComArg.iter_xcom_args([self.partial_kwargs, self.expand_input]):
            arg.operator.set_downstream(self)

    @property
    def operator_name(self) -> str:
        return self.operator_class.__name__

    def expansion(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        """One kwargs dict per map index, computed from literal lists and upstream XComs."""
        return expansion(self.expand_input, self.expand_mode, context, f"task {self.task_id}")

    def xcom_value_ids(self, combo: dict[str, Any]) -> set[int]:
        """Ids of the values in `combo` (one of `expansion()`) that came from XCom: Airflow does not
        render those as templates."""
        if self.expand_mode == "list":
            return {id(v) for v in combo.values()} if isinstance(self.expand_input, ResolvableArg) else set()
        return {id(combo[name]) for name, value in self.expand_input.items() if isinstance(value, ResolvableArg)}

    def unmap(self, mapped_kwargs: dict[str, Any]) -> BaseOperator:
        """The real operator for one map index, detached from the DAG's task list."""
        kwargs = dict(self.partial_kwargs)
        if self.expand_into:
            inner = dict(kwargs.get(self.expand_into) or {})
            inner.update(mapped_kwargs)
            kwargs[self.expand_into] = inner
        else:
            kwargs.update(mapped_kwargs)
        kwargs["task_id"] = "__unmapped__"
        op = self.operator_class(default_args=self.captured_default_args, **kwargs)
        op.task_id = self.task_id
        op.dag = self.dag
        op.task_group = self.task_group
        op.upstream_task_ids = self.upstream_task_ids
        op.downstream_task_ids = self.downstream_task_ids
        return op


def is_mapped(task: Any) -> bool:
    return bool(getattr(task, "is_mapped", False))


def expansion(expand_input: Any, mode: str, context: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """One kwargs dict per map index of a mapped task or task group: the cross product of the
    `expand()` inputs ("product"), or the dicts of an `expand_kwargs()` list ("list")."""
    if mode == "list":
        items = resolve_args(expand_input, context)
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, dict) for i in items):
            raise DagDefinitionError(f"expand_kwargs() of {what} needs a list of dicts, got {items!r}")
        return [dict(i) for i in items]
    names = list(expand_input)
    columns = []
    for name in names:
        value = expand_input[name]
        resolved = value.resolve(context) if isinstance(value, ResolvableArg) else value
        if isinstance(resolved, dict):
            resolved = list(resolved.items())
        if not isinstance(resolved, (list, tuple)):
            raise DagDefinitionError(f"cannot map {what} over {name}={resolved!r}: expected a list or dict")
        columns.append(list(resolved))
    return [dict(zip(names, combo)) for combo in itertools.product(*columns)]


def check_expand_input(mapped: dict[str, Any], what: str) -> None:
    """`expand()` takes at least one argument, each a list, a dict or an XComArg."""
    if not mapped:
        raise DagDefinitionError(f"expand() of {what} needs at least one argument")
    for name, value in mapped.items():
        if not isinstance(value, (list, tuple, dict, XComArg)):
            raise DagDefinitionError(
                f"expand() argument {name!r} of {what} must be a list, dict or XComArg, not {type(value).__name__}"
            )


def check_expand_kwargs_input(kwargs_list: Any, what: str) -> None:
    if not isinstance(kwargs_list, (list, tuple, XComArg)):
        raise DagDefinitionError(f"expand_kwargs() of {what} takes a list of dicts or an XComArg")


class GroupMember:
    """How a task of a mapped task group expands: one instance per instance of its group.

    The task itself is not copied per index: its `MappedArgument`s read the group's input for the
    instance's map index when they resolve, and XComArgs of upstream tasks of the same group read
    that index (`xcom_arg.relevant_map_index`)."""

    def __init__(self, task: BaseOperator, group: Any) -> None:
        self.task = task
        self.group = group
        self.expand_input = group.expand_input
        self.expand_mode = group.expand_mode

    def expansion(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        return self.group.expansion(context)

    def unmap(self, combo: dict[str, Any]) -> BaseOperator:
        import copy

        return copy.deepcopy(self.task)

    def xcom_value_ids(self, combo: dict[str, Any]) -> set[int]:
        return set()  # MappedArguments resolve while rendering, and resolved values are data


def expander(task: Any) -> MappedOperator | GroupMember | None:
    """What decides a mapped task's instances: the task for `.expand()`, its group for a task of a
    mapped task group; None for a task that is not mapped."""
    if isinstance(task, MappedOperator):
        return task
    group = getattr(task, "mapped_task_group", None)
    return None if group is None else GroupMember(task, group)
