"""Executors run task instances somewhere else than the scheduler: one small interface, several backends."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.executors.base import Executor


def get_executor(name: str | None = None, *, parallelism: int | None = None) -> Executor:
    """The executor `[core] executor` names (LocalExecutor by default)."""
    from tradewind.config import conf
    from tradewind.exceptions import ConfigError

    name = name or conf.get("core", "executor", fallback="LocalExecutor")
    slots = parallelism if parallelism is not None else conf.getint("core", "parallelism", fallback=32)
    if slots < 1:
        raise ConfigError(f"[core] parallelism must be at least 1, not {slots}")
    if name in ("LocalExecutor", "local"):
        from tradewind.executors.local import LocalExecutor

        return LocalExecutor(parallelism=slots)
    if name in ("CeleryExecutor", "celery"):
        from tradewind.executors.celery.executor import CeleryExecutor
        from tradewind.providers.extras import require

        require("celery", "celery")
        return CeleryExecutor(parallelism=slots)
    raise ConfigError(f"unknown executor {name!r} in [core] executor (known: LocalExecutor, CeleryExecutor)")
