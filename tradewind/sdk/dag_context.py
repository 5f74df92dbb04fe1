"""Which DAG and TaskGroup a `with` block is currently inside, so operators can find them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.sdk.dag import DAG
    from tradewind.sdk.taskgroup import TaskGroup

_dag_stack: list[DAG] = []
_group_stack: list[TaskGroup] = []
#: DAGs created while a DAG file is being imported; the parser collects them from here, so a
#: DAG built inside a function or a `with` block without assignment is still found.
_created: list[DAG] | None = None


def push_dag(dag: DAG) -> None:
    _dag_stack.append(dag)


def pop_dag() -> None:
    _dag_stack.pop()


def current_dag() -> DAG | None:
    return _dag_stack[-1] if _dag_stack else None


def push_group(group: TaskGroup) -> None:
    _group_stack.append(group)


def pop_group() -> None:
    _group_stack.pop()


def current_group(dag: DAG | None) -> TaskGroup | None:
    """The innermost open TaskGroup belonging to `dag` (groups of other DAGs are ignored)."""
    for group in reversed(_group_stack):
        if group.dag is dag:
            return group
    return None


def record_created(dag: DAG) -> None:
    if _created is not None:
        _created.append(dag)


def start_collecting() -> list[DAG]:
    """Begin recording every DAG constructed from now on (used while importing one file)."""
    global _created
    _created = []
    return _created


def stop_collecting() -> None:
    global _created
    _created = None
    _dag_stack.clear()
    _group_stack.clear()
