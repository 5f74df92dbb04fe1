"""TaskGroups: a named box of tasks with prefixed ids, usable as one node in `>>` chains."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk import dag_context
from tradewind.sdk.dependency import DependencyMixin
from tradewind.sdk.xcom_arg import ResolvableArg

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.dag import DAG


class TaskGroup(DependencyMixin):
    """Group tasks under `group_id`; their ids become `group_id.task_id` unless prefix_group_id=False."""

    def __init__(
        self,
        group_id: str | None,
        *,
        prefix_group_id: bool = True,
        parent_group: TaskGroup | None = None,
        dag: DAG | None = None,
        default_args: dict[str, Any] | None = None,
        tooltip: str = "",
        ui_color: str = "CornflowerBlue",
        ui_fgcolor: str = "#000",
        _root: bool = False,
    ) -> None:
        self.prefix_group_id = prefix_group_id
        self.tooltip = tooltip
        self.ui_color = ui_color
        self.ui_fgcolor = ui_fgcolor
        self.children: dict[str, BaseOperator | TaskGroup] = {}
        self.default_args = dict(default_args or {})
        if _root:
            self._group_id = None
            self.parent_group = None
            self.dag = dag
            return
        from tradewind.sdk.baseoperator import _check_identifier

        dag = dag or dag_context.current_dag()
        if dag is None:
            raise DagDefinitionError(f"TaskGroup '{group_id}' must be created inside a DAG")
        parent = parent_group or dag_context.current_group(dag) or dag.task_group
        _check_identifier("group_id", group_id)
        self.dag = dag
        self.parent_group = parent
        self._group_id = group_id
        self.default_args = {**parent.default_args, **self.default_args}
        assert self.group_id is not None  # only the root group has none
        if self.group_id in parent.children or self.group_id in dag.task_dict:
            raise DagDefinitionError(f"group id '{self.group_id}' is already used in DAG '{dag.dag_id}'")
        parent.children[self.group_id] = self

    @classmethod
    def root(cls, dag: DAG) -> TaskGroup:
        return cls(None, dag=dag, _root=True)

    @property
    def is_root(self) -> bool:
        return self._group_id is None

    @property
    def group_id(self) -> str | None:
        if self._group_id is None:
            return None
        parent = self.parent_group
        if parent is not None and parent.prefix_group_id and parent.group_id:
            return f"{parent.group_id}.{self._group_id}"
        return self._group_id

    @property
    def label(self) -> str | None:
        return self._group_id

    def child_id(self, label: str) -> str:
        """The full id of a child called `label` (prefix applied when this group prefixes)."""
        if self.prefix_group_id and self.group_id:
            return f"{self.group_id}.{label}"
        return label

    def add(self, task: BaseOperator) -> None:
        if self.is_root:
            task.task_group = self
            return
        if task.task_id in self.children:
            raise DagDefinitionError(f"task id '{task.task_id}' is already used in group '{self.group_id}'")
        self.children[task.task_id] = task
        task.task_group = self

    def iter_tasks(self) -> list[BaseOperator]:
        out: list[BaseOperator] = []
        for child in self.children.values():
            if isinstance(child, TaskGroup):
                out.extend(child.iter_tasks())
            else:
                out.append(child)
        return out

    @property
    def roots(self) -> list[BaseOperator]:
        """Tasks of the group with no upstream inside the group."""
        tasks = self.iter_tasks()
        ids = {t.task_id for t in tasks}
        return [t for t in tasks if not (t.upstream_task_ids & ids)]

    @property
    def leaves(self) -> list[BaseOperator]:
        """Tasks of the group with no downstream inside it; a teardown leaf is looked through to the
        work before it (Airflow: teardowns are ignored when setting dependencies on a group)."""
        tasks = self.iter_tasks()
        ids = {t.task_id for t in tasks}
        by_id = {t.task_id: t for t in tasks}
        found: dict[str, BaseOperator] = {}
        todo = [t for t in tasks if not (t.downstream_task_ids & ids)]
        while todo:
            task = todo.pop(0)
            if not task.is_teardown:
                found.setdefault(task.task_id, task)
                continue
            for up_id in sorted(task.upstream_task_ids & ids):
                up = by_id[up_id]
                if up.is_teardown:
                    todo.append(up)
                elif not up.is_setup and not any(
                    d in ids and d != task.task_id and not by_id[d].is_teardown for d in up.downstream_task_ids
                ):
                    found.setdefault(up.task_id, up)
        return list(found.values())

    def __enter__(self) -> TaskGroup:
        dag_context.push_group(self)
        return self

    def __exit__(self, *exc: object) -> None:
        dag_context.pop_group()

    def __repr__(self) -> str:
        return f"<TaskGroup: {self.group_id}>"


class MappedTaskGroup(TaskGroup):
    """A task group made once per item of its input (`@task_group` + `.expand()`, Airflow 2.5+).

    Every task in it is mapped: instance *i* of each task belongs to group instance *i*, reads its
    `MappedArgument`s from item *i*, and the values passed to it from upstream tasks of the same group
    (XComArgs) at index *i*; a task downstream of the group gets the values of every index, as from a
    mapped task (so does an explicit `ti.xcom_pull` without `map_indexes`, as on Airflow).
    """

    is_mapped = True

    def __init__(self, group_id: str | None, *, expand_input: Any, expand_mode: str, **kwargs: Any) -> None:
        super().__init__(group_id, **kwargs)
        outer = self.parent_group
        while outer is not None:
            if isinstance(outer, MappedTaskGroup):
                raise DagDefinitionError(
                    f"task group '{self.group_id}' is mapped inside mapped task group '{outer.group_id}': "
                    "mapping a task group inside a mapped task group is not supported by Tradewind"
                )
            outer = outer.parent_group
        self.expand_input = expand_input
        self.expand_mode = expand_mode

    def expansion(self, context: dict[str, Any]) -> list[dict[str, Any]]:
        """The input item of each instance of the group (a dict of the function's mapped arguments)."""
        from tradewind.sdk.mapped import expansion

        return expansion(self.expand_input, self.expand_mode, context, f"task group {self.group_id}")

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        if exc[0] is not None:
            return
        from tradewind.sdk.mapped import MappedOperator
        from tradewind.sdk.xcom_arg import XComArg

        tasks = self.iter_tasks()
        nested = [t.task_id for t in tasks if isinstance(t, MappedOperator)]
        if nested:
            raise DagDefinitionError(
                f"task(s) {', '.join(nested)} are mapped inside mapped task group '{self.group_id}': "
                "mapping a task inside a mapped task group is not supported by Tradewind"
            )
        roots = self.roots
        for arg in XComArg.iter_xcom_args(self.expand_input):
            for root in roots:
                arg.operator.set_downstream(root)

    def __repr__(self) -> str:
        return f"<MappedTaskGroup: {self.group_id}>"


class MappedArgument(ResolvableArg):
    """A mapped task group function's argument: at run time, the group instance's own item."""

    def __init__(self, group: MappedTaskGroup, key: str) -> None:
        self.group = group
        self.key = key

    def resolve(self, context: Mapping[str, Any]) -> Any:
        combos = self.group.expansion(dict(context))
        index = context["ti"].map_index
        if not 0 <= index < len(combos):
            raise DagDefinitionError(
                f"map index {index} is out of range: {self.group.group_id} expands to {len(combos)}"
            )
        return combos[index].get(self.key)

    def __deepcopy__(self, memo: dict[int, Any]) -> MappedArgument:
        return self  # a reference into the DAG, shared by the per-try copies of a task

    def __repr__(self) -> str:
        return f"MappedArgument({self.group.group_id!r}, {self.key!r})"


class _TaskGroupFactory:
    """What `@task_group` makes of a function: call it to build the group once, or map it with
    `.expand(...)`, `.partial(...).expand(...)` or `.expand_kwargs(...)`; `.override(...)` changes
    the group's arguments (e.g. `group_id`)."""

    def __init__(self, fn: Callable[..., Any], group_kwargs: dict[str, Any], partial_kwargs: dict[str, Any]) -> None:
        functools.update_wrapper(self, fn)
        self.function = fn
        self.group_kwargs = group_kwargs
        self.partial_kwargs = partial_kwargs

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._build(TaskGroup, args, {**self.partial_kwargs, **kwargs})

    def override(self, **group_kwargs: Any) -> _TaskGroupFactory:
        return _TaskGroupFactory(self.function, {**self.group_kwargs, **group_kwargs}, self.partial_kwargs)

    def partial(self, **kwargs: Any) -> _TaskGroupFactory:
        self._check_names("partial", kwargs)
        return _TaskGroupFactory(self.function, self.group_kwargs, {**self.partial_kwargs, **kwargs})

    def expand(self, **mapped: Any) -> Any:
        from tradewind.sdk.mapped import check_expand_input

        check_expand_input(mapped, f"task group {self._label()}")
        self._check_names("expand", mapped)
        clash = sorted(set(mapped) & set(self.partial_kwargs))
        if clash:
            raise DagDefinitionError(
                f"expand() of task group {self._label()}: {', '.join(clash)} already given to partial()"
            )
        return self._build_mapped(mapped, "product", list(mapped))

    def expand_kwargs(self, kwargs_list: Any) -> Any:
        from tradewind.sdk.mapped import check_expand_kwargs_input

        check_expand_kwargs_input(kwargs_list, f"task group {self._label()}")
        names = [n for n in inspect.signature(self.function).parameters if n not in self.partial_kwargs]
        return self._build_mapped(kwargs_list, "list", names)

    def _build_mapped(self, expand_input: Any, mode: str, names: list[str]) -> Any:
        group_class = functools.partial(MappedTaskGroup, expand_input=expand_input, expand_mode=mode)
        holder: list[MappedArgument] = []

        def arguments(group: TaskGroup) -> dict[str, Any]:
            assert isinstance(group, MappedTaskGroup)
            holder.extend(MappedArgument(group, name) for name in names)
            return {a.key: a for a in holder}

        return self._build(group_class, (), dict(self.partial_kwargs), arguments)

    def _build(
        self,
        group_class: Callable[..., TaskGroup],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        more_kwargs: Callable[[TaskGroup], dict[str, Any]] | None = None,
    ) -> Any:
        gid = self.group_kwargs.get("group_id") or self.function.__name__
        dag = dag_context.current_dag()
        if dag is not None:  # calling the same group function twice gets a fresh id, as in Airflow
            parent = dag_context.current_group(dag) or dag.task_group
            base, n = gid, 0
            while parent.child_id(gid) in parent.children:
                n += 1
                gid = f"{base}__{n}"
        options = {k: v for k, v in self.group_kwargs.items() if k != "group_id"}
        options.setdefault("tooltip", self.function.__doc__ or "")
        with group_class(gid, **options) as group:
            if more_kwargs is not None:
                kwargs = {**kwargs, **more_kwargs(group)}
            result = self.function(*args, **kwargs)
        return group if result is None else result

    def _check_names(self, method: str, kwargs: dict[str, Any]) -> None:
        params = inspect.signature(self.function).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return
        unknown = sorted(set(kwargs) - set(params))
        if unknown:
            raise DagDefinitionError(
                f"{method}() of task group {self._label()} got unexpected argument(s): {', '.join(unknown)}"
            )

    def _label(self) -> str:
        return str(self.group_kwargs.get("group_id") or self.function.__name__)


def task_group(group_id: str | Callable | None = None, **group_kwargs: Any) -> Any:
    """`@task_group` over a function that builds tasks; calling it creates the group.

    The call returns what the function returns (e.g. an XComArg), or the group itself; so do
    `.expand(...)` and `.expand_kwargs(...)`, which map the group (see MappedTaskGroup).
    """
    if callable(group_id):
        return _TaskGroupFactory(group_id, group_kwargs, {})
    if group_id is not None:
        group_kwargs["group_id"] = group_id

    def decorator(fn: Callable[..., Any]) -> _TaskGroupFactory:
        return _TaskGroupFactory(fn, group_kwargs, {})

    return decorator
