"""Small Airflow helpers Tradewind has no counterpart for, kept only so that old DAG files import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def days_ago(n: int, hour: int = 0, minute: int = 0, second: int = 0, microsecond: int = 0) -> datetime:
    """Midnight UTC (or the given time) `n` days ago, as Airflow's deprecated `airflow.utils.dates.days_ago`."""
    today = datetime.now(timezone.utc).replace(hour=hour, minute=minute, second=second, microsecond=microsecond)
    return today - timedelta(days=n)


def apply_defaults(func: F) -> F:
    """Airflow 1's operator decorator; a no-op since Airflow 2, so it is one here too."""
    return func
