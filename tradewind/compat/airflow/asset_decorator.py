"""Airflow 3's `@asset`: a function that produces an asset becomes a DAG of one task whose outlet is it.

`@asset(schedule="@daily", uri="s3://bucket/raw")` on `def raw(): ...` defines the asset `raw`
(name from the function, URI as given or the name) and the DAG `raw` with the task `raw`, as
Airflow 3 does; the DAG gets Airflow 3's defaults (`airflow3.DAG`). The function's parameters are
filled by name: `self` is the asset, `context` the task context, and any other name is the asset
of that name, an inlet of the task (the file's own asset of that name, or `Asset(name)`); a
parameter with a default gets its default. `@asset.multi(schedule=..., outlets=[a, b])` makes one
task (and DAG) named after the function that updates every asset listed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from tradewind.datasets import Asset


class AssetDefinition(Asset):
    """What `@asset` returns: the asset itself (usable in schedules and outlets), with the DAG producing it."""

    __slots__ = ("dag", "function")
    dag: Any
    function: Callable[..., Any]


class MultiAssetDefinition:
    """What `@asset.multi` returns: the function's DAG, whose one task updates each of `outlets`."""

    def __init__(self, name: str, function: Callable[..., Any], outlets: list[Any]) -> None:
        self.name = name
        self.function = function
        self.outlets = outlets
        self.dag: Any = None

    def iter_assets(self) -> Any:
        return ((a.name, a) for a in self.outlets)

    def __repr__(self) -> str:
        return f"MultiAssetDefinition(name={self.name!r}, outlets={self.outlets!r})"


class _AssetDecorator:
    """`@asset(...)` and `@asset.multi(...)`."""

    def __call__(
        self,
        *,
        schedule: Any,
        name: str | None = None,
        uri: str | None = None,
        group: str = "asset",
        extra: dict[str, Any] | None = None,
        **dag_kwargs: Any,
    ) -> Callable[[Callable[..., Any]], AssetDefinition]:
        """Decorate a function producing an asset; see the module docstring."""

        def decorate(fn: Callable[..., Any]) -> AssetDefinition:
            definition = AssetDefinition(name=name or fn.__name__, uri=uri, group=group, extra=extra)
            definition.function = fn
            definition.dag = _producing_dag(definition, definition.name, fn, schedule, [definition], dag_kwargs)
            return definition

        return decorate

    def multi(
        self, *, schedule: Any, outlets: list[Any], name: str | None = None, **dag_kwargs: Any
    ) -> Callable[[Callable[..., Any]], MultiAssetDefinition]:
        """Decorate a function that updates several assets at once (Airflow 3's `@asset.multi`)."""

        def decorate(fn: Callable[..., Any]) -> MultiAssetDefinition:
            definition = MultiAssetDefinition(name or fn.__name__, fn, list(outlets))
            definition.dag = _producing_dag(None, definition.name, fn, schedule, definition.outlets, dag_kwargs)
            return definition

        return decorate


asset = _AssetDecorator()


def _producing_dag(
    own: AssetDefinition | None,
    name: str,
    fn: Callable[..., Any],
    schedule: Any,
    outlets: list[Any],
    dag_kwargs: dict[str, Any],
) -> Any:
    from tradewind.compat.airflow.airflow3 import DAG
    from tradewind.operators.python import PythonOperator

    params = inspect.signature(fn).parameters
    defaults = {p: v.default for p, v in params.items() if v.default is not inspect.Parameter.empty}
    inlets = {p: _inlet(fn, p) for p in params if p not in ("self", "context") and p not in defaults}

    def produce(**context: Any) -> Any:
        values = {"self": own, "context": context, **inlets, **defaults}
        return fn(**{p: values[p] for p in params})

    produce.__name__ = produce.__qualname__ = fn.__name__
    produce.__doc__ = fn.__doc__
    with DAG(name, schedule=schedule, **dag_kwargs) as dag:
        PythonOperator(
            task_id=fn.__name__,
            python_callable=produce,
            outlets=outlets,
            inlets=list(inlets.values()),
            doc_md=fn.__doc__,
        )
    return dag


def _inlet(fn: Callable[..., Any], name: str) -> Asset:
    """The asset a parameter names, as Airflow resolves it by asset name: a module-level Asset
    bound to that name or named so in the function's module, else `Asset(name)`."""
    module = fn.__globals__
    found = module.get(name)
    if isinstance(found, Asset):
        return found
    named = next((v for v in module.values() if isinstance(v, Asset) and v.name == name), None)
    return named if named is not None else Asset(name=name)
