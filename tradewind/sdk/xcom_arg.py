"""Values known only at run time: another task's XCom (`XComArg`) or a DAG param (`DagParamArg`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tradewind.sdk.dependency import DependencyMixin

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.dag import DAG


class ResolvableArg:
    """Anything an operator argument can hold that becomes a value only when the task runs."""

    def resolve(self, context: Mapping[str, Any]) -> Any:
        raise NotImplementedError


class XComArg(ResolvableArg, DependencyMixin):
    """A reference to `operator`'s XCom `key`; passing it to a task makes that task downstream."""

    def __init__(self, operator: BaseOperator, key: str = "return_value") -> None:
        self.operator = operator
        self.key = key

    @property
    def roots(self) -> list[BaseOperator]:
        return [self.operator]

    @property
    def leaves(self) -> list[BaseOperator]:
        return [self.operator]

    # setup / teardown: mark the task behind this XCom and keep chaining on the XComArg, as Airflow's
    @property
    def is_setup(self) -> bool:
        return self.operator.is_setup

    @property
    def is_teardown(self) -> bool:
        return self.operator.is_teardown

    def as_setup(self) -> XComArg:
        self.operator.as_setup()
        return self

    def as_teardown(self, *, setups: Any = None, on_failure_fail_dagrun: bool | None = None) -> XComArg:
        self.operator.as_teardown(setups=setups, on_failure_fail_dagrun=on_failure_fail_dagrun)
        return self

    def __enter__(self) -> Any:
        return self.operator.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.operator.__exit__(*exc)

    def __getitem__(self, key: str) -> XComArg:
        """`result["total"]`: one key of a task with multiple_outputs."""
        return XComArg(self.operator, key)

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("an XComArg is only known at run time and cannot be iterated in a DAG file")

    def resolve(self, context: Mapping[str, Any]) -> Any:
        return context["ti"].xcom_pull(task_ids=self.operator.task_id, key=self.key)

    @staticmethod
    def iter_xcom_args(value: Any, _seen: set[int] | None = None) -> Iterator[XComArg]:
        """Every XComArg inside `value` (nested lists, tuples, sets, dicts)."""
        if isinstance(value, XComArg):
            yield value
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                yield from XComArg.iter_xcom_args(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from XComArg.iter_xcom_args(item)

    def __repr__(self) -> str:
        return f"XComArg({self.operator.task_id!r}, key={self.key!r})"


class DagParamArg(ResolvableArg):
    """A `@dag` function parameter: the run's param value (conf override or default)."""

    def __init__(self, dag: DAG, name: str) -> None:
        self.dag = dag
        self.name = name

    def resolve(self, context: Mapping[str, Any]) -> Any:
        return context["params"].get(self.name)

    def __repr__(self) -> str:
        return f"DagParamArg({self.name!r})"


def resolve_args(value: Any, context: dict[str, Any]) -> Any:
    """`value` with every ResolvableArg inside it replaced by its run-time value."""
    if isinstance(value, ResolvableArg):
        return value.resolve(context)
    if isinstance(value, list):
        return [resolve_args(v, context) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve_args(v, context) for v in value)
    if isinstance(value, dict):
        return {k: resolve_args(v, context) for k, v in value.items()}
    return value


def contains_resolvable(value: Any) -> bool:
    if isinstance(value, ResolvableArg):
        return True
    if isinstance(value, (list, tuple)):
        return any(contains_resolvable(v) for v in value)
    if isinstance(value, dict):
        return any(contains_resolvable(v) for v in value.values())
    return False
