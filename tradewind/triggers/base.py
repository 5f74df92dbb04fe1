"""`BaseTrigger` and `TriggerEvent`: what a deferred task waits on, and what the wait yields.

A trigger must survive a trip through `serialize()`: the runtime rebuilds it from
`(classpath, kwargs)` before running it (`load_trigger`), as Airflow's triggerer does, so a
trigger that works here works there.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from tradewind.exceptions import TriggerError

__all__ = ["BaseTrigger", "TriggerEvent", "load_trigger"]

#: `next_method` of a deferral that timed out or whose trigger failed: resuming fails the try (Airflow's).
FAIL_METHOD = "__fail__"
#: The `error` FAIL_METHOD gets for a timeout (Airflow's wording); any other error is the trigger's own.
TIMEOUT_ERROR = "Trigger/execution timeout"


class TriggerEvent:
    """One event a trigger yields; its `payload` (JSON-serializable) reaches the resumed method as `event`."""

    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TriggerEvent) and other.payload == self.payload

    def __hash__(self) -> int:
        return hash(repr(self.payload))

    def __repr__(self) -> str:
        return f"TriggerEvent<{self.payload!r}>"


class BaseTrigger:
    """Subclass: implement `serialize()` and `async def run()` yielding `TriggerEvent`s (the first one counts)."""

    def __init__(self, **kwargs: Any) -> None:
        self.trigger_id: int | None = None
        self.task_instance: Any = None

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """(import path of the class, keyword arguments that rebuild it)."""
        raise NotImplementedError(f"{type(self).__name__} must implement serialize()")

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait (without blocking the event loop) and yield events."""
        raise NotImplementedError(f"{type(self).__name__} must implement run()")
        yield  # pragma: no cover — makes this an async generator

    async def cleanup(self) -> None:
        """Called once the trigger is no longer needed (fired, timed out or cancelled)."""

    @property
    def log(self) -> logging.Logger:
        return logging.getLogger("tradewind.task")

    def __repr__(self) -> str:
        classpath, kwargs = self.serialize()
        return f"<{classpath} {kwargs}>"


def load_trigger(classpath: str, kwargs: dict[str, Any]) -> BaseTrigger:
    """Rebuild a trigger from what its `serialize()` returned; TriggerError names what is wrong."""
    module_name, _, name = classpath.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise TriggerError(f"cannot import trigger class {classpath!r}: {exc}") from None
    try:
        trigger = cls(**kwargs)
    except TypeError as exc:
        raise TriggerError(f"cannot rebuild trigger {classpath} from its serialize() kwargs: {exc}") from None
    if not isinstance(trigger, BaseTrigger):
        raise TriggerError(f"{classpath} is not a BaseTrigger")
    return trigger
