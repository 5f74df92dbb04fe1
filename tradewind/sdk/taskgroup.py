"""TaskGroups: a named box of tasks with prefixed ids, usable as one node in `>>` chains."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import DagDefinitionError
from tradewind.sdk import dag_context
from tradewind.sdk.dependency import DependencyMixin

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


def task_group(group_id: str | Callable | None = None, **group_kwargs: Any) -> Any:
    """`@task_group` over a function that builds tasks; calling it creates the group.

    The call returns what the function returns (e.g. an XComArg), or the group itself.
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def factory(*args: Any, **kwargs: Any) -> Any:
            gid = group_id if isinstance(group_id, str) else fn.__name__
            dag = dag_context.current_dag()
            if dag is not None:  # calling the same group function twice gets a fresh id, as in Airflow
                parent = dag_context.current_group(dag) or dag.task_group
                base, n = gid, 0
                while parent.child_id(gid) in parent.children:
                    n += 1
                    gid = f"{base}__{n}"
            with TaskGroup(gid, tooltip=fn.__doc__ or "", **group_kwargs) as group:
                result = fn(*args, **kwargs)
            return group if result is None else result

        return factory

    if callable(group_id):
        fn, group_id = group_id, None
        return decorator(fn)
    return decorator
