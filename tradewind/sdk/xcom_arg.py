"""Values known only at run time: another task's XCom (`XComArg`) or a DAG param (`DagParamArg`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tradewind.sdk.dependency import DependencyMixin

if TYPE_CHECKING:
    from tradewind.sdk.baseoperator import BaseOperator
    from tradewind.sdk.dag import DAG


class _NotSet:
    def __repr__(self) -> str:
        return "NOTSET"


#: No `fillvalue` given to `zip()`: stop at the shortest input.
NOTSET: Any = _NotSet()


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
        ti = context["ti"]
        index = relevant_map_index(self.operator, context)
        if index is not None:
            return ti.xcom_pull(task_ids=self.operator.task_id, key=self.key, map_indexes=index)
        return ti.xcom_pull(task_ids=self.operator.task_id, key=self.key)

    def map(self, f: Callable[[Any], Any]) -> MapXComArg:
        """`files.map(lambda f: f.upper())`: each item passed through `f` when a mapped task expands (Airflow 2.4+)."""
        return MapXComArg(self, [f])

    def zip(self, *others: XComArg, fillvalue: Any = NOTSET) -> ZipXComArg:
        """`a.zip(b)`: tuples of the items at the same position, to the shortest (or, with `fillvalue`, the longest)."""
        return ZipXComArg([self, *others], fillvalue=fillvalue)

    @staticmethod
    def iter_xcom_args(value: Any, _seen: set[int] | None = None) -> Iterator[XComArg]:
        """Every XComArg inside `value` (nested lists, tuples, sets, dicts; each input of a zip)."""
        if isinstance(value, ZipXComArg):
            yield from value.args
        elif isinstance(value, XComArg):
            yield value
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                yield from XComArg.iter_xcom_args(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from XComArg.iter_xcom_args(item)

    def __str__(self) -> str:
        """The Jinja expression that pulls this XCom, as Airflow's (old-style references such as
        `f"echo {XComArg(task)}"` in a templated field render to the value)."""
        dag_id = self.operator.dag.dag_id if self.operator.dag is not None else None
        return f"{{{{ task_instance.xcom_pull(task_ids='{self.operator.task_id}', dag_id='{dag_id}', key='{self.key}') }}}}"

    def __repr__(self) -> str:
        return f"XComArg({self.operator.task_id!r}, key={self.key!r})"


def relevant_map_index(upstream: BaseOperator, context: Mapping[str, Any]) -> int | None:
    """The map index to read `upstream` at: the consuming instance's own index when both tasks are
    in the same mapped task group (Airflow's relevant upstream map indexes), else None (all)."""
    task, ti = context.get("task"), context.get("ti")
    group = getattr(task, "mapped_task_group", None)
    if group is None or ti is None or ti.map_index < 0:
        return None
    return ti.map_index if getattr(upstream, "mapped_task_group", None) is group else None


def _items(value: Any) -> list[Any]:
    """A resolved input to map over as a list: a dict gives its (key, value) pairs."""
    return list(value.items()) if isinstance(value, dict) else list(value)


class MapXComArg(XComArg):
    """An XComArg whose items go through callables at run time; as long as the XCom it reads."""

    def __init__(self, arg: XComArg, callables: list[Callable[[Any], Any]]) -> None:
        super().__init__(arg.operator, arg.key)
        self.arg = arg
        self.callables = callables

    def map(self, f: Callable[[Any], Any]) -> MapXComArg:
        return MapXComArg(self.arg, [*self.callables, f])

    def resolve(self, context: Mapping[str, Any]) -> Any:
        items = []
        for item in _items(self.arg.resolve(context)):
            for f in self.callables:
                item = f(item)
            items.append(item)
        return items

    def __repr__(self) -> str:
        return f"{self.arg!r}.map(...)"

    __str__ = __repr__  # no single XCom to pull in a template


class ZipXComArg(XComArg):
    """Several XComArgs read side by side (`a.zip(b, c)`): a list of tuples."""

    def __init__(self, args: list[XComArg], *, fillvalue: Any = NOTSET) -> None:
        super().__init__(args[0].operator, args[0].key)
        self.args = args
        self.fillvalue = fillvalue

    @property
    def roots(self) -> list[BaseOperator]:
        return [a.operator for a in self.args]

    @property
    def leaves(self) -> list[BaseOperator]:
        return self.roots

    def resolve(self, context: Mapping[str, Any]) -> Any:
        values = [_items(a.resolve(context)) for a in self.args]
        if self.fillvalue is NOTSET:
            return list(zip(*values, strict=False))
        return list(itertools.zip_longest(*values, fillvalue=self.fillvalue))

    def __repr__(self) -> str:
        return f"zip({', '.join(map(repr, self.args))})"

    __str__ = __repr__  # no single XCom to pull in a template


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
