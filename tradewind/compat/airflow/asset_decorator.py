"""Airflow 3's `@asset`: a function that produces an asset becomes a DAG of one task whose outlet is it.

`@asset(schedule="@daily", uri="s3://bucket/raw")` on `def raw(): ...` defines the asset `raw`
(name from the function, URI as given or the name) and the DAG `raw` with the task `raw`, as
Airflow 3 does; the DAG gets Airflow 3's defaults (`airflow3.DAG`). The function's parameters are
filled by name: `self` is the asset, `context` the task context, and any other name is the asset
of that name, an inlet of the task (the file's own asset of that name, or `Asset(name)`).
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


def asset(
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
        definition.dag = _producing_dag(definition, fn, schedule, dag_kwargs)
        return definition

    return decorate


def _producing_dag(
    definition: AssetDefinition, fn: Callable[..., Any], schedule: Any, dag_kwargs: dict[str, Any]
) -> Any:
    from tradewind.compat.airflow.airflow3 import DAG
    from tradewind.operators.python import PythonOperator

    inlets = {p: _inlet(fn, p) for p in inspect.signature(fn).parameters if p not in ("self", "context")}

    def produce(**context: Any) -> Any:
        values = {"self": definition, "context": context, **inlets}
        return fn(**{p: values[p] for p in inspect.signature(fn).parameters})

    produce.__name__ = produce.__qualname__ = fn.__name__
    produce.__doc__ = fn.__doc__
    with DAG(definition.name, schedule=schedule, **dag_kwargs) as dag:
        PythonOperator(
            task_id=definition.name,
            python_callable=produce,
            outlets=[definition],
            inlets=list(inlets.values()),
            doc_md=fn.__doc__,
        )
    return dag


def _inlet(fn: Callable[..., Any], name: str) -> Asset:
    """The asset a parameter names: an Asset of that name in the function's module, else `Asset(name)`."""
    found = fn.__globals__.get(name)
    return found if isinstance(found, Asset) else Asset(name=name)
