"""`PythonSensor`: poke by calling a Python function until it returns something truthy."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from tradewind.operators.python import bind_callable, call_python, check_callable
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator, PokeReturnValue

__all__ = ["PythonSensor", "PokeReturnValue"]


class PythonSensor(BaseSensorOperator):
    """The callable gets op_args, op_kwargs and the context entries it names, as PythonOperator's does.

    It returns a bool, or a `PokeReturnValue` whose `xcom_value` is pushed once it is done.
    """

    template_fields = ("templates_dict", "op_args", "op_kwargs")
    template_fields_renderers = {"templates_dict": "json", "op_args": "py", "op_kwargs": "py"}
    python_callable: Callable[..., Any]  # set by bind_callable, as on PythonOperator

    def __init__(
        self,
        *,
        python_callable: Callable[..., Any],
        op_args: Collection[Any] | None = None,
        op_kwargs: Mapping[str, Any] | None = None,
        templates_dict: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        check_callable(python_callable, "sensor", kwargs.get("task_id"))
        super().__init__(**kwargs)
        bind_callable(self, python_callable, op_args, op_kwargs, templates_dict)

    def poke(self, context: Context) -> bool | PokeReturnValue:
        self.log.info("Poking callable: %s", getattr(self.python_callable, "__name__", self.python_callable))
        result = call_python(self, context)
        return result if isinstance(result, PokeReturnValue) else bool(result)


class DecoratedSensorOperator(PythonSensor):
    """What `@task.sensor` creates: the decorated function is the poke (bool or PokeReturnValue)."""

    custom_operator_name = "@task.sensor"

    @property
    def operator_name(self) -> str:
        return self.custom_operator_name
