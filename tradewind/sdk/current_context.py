"""`get_current_context()`: the running task's context, for code that did not receive it."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from tradewind.exceptions import TradewindException

_current: ContextVar[dict[str, Any] | None] = ContextVar("tradewind_task_context", default=None)


def get_current_context() -> dict[str, Any]:
    ctx = _current.get()
    if ctx is None:
        raise TradewindException("get_current_context() works only while a task is running")
    return ctx


def set_current_context(ctx: dict[str, Any] | None) -> object:
    return _current.set(ctx)


def reset_current_context(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
