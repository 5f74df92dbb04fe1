"""Airflow's `macros` namespace, so that `{{ macros.ds_add(ds, 7) }}` works unchanged.

Exposes what Airflow 2's `airflow.macros` does: `datetime` and `timedelta` (the classes), the
`time`, `uuid` and `json` modules, `random` (the function `random.random`), `dateutil` and `yaml`
(loaded on first use), `ds_add`, `ds_format`, `ds_format_locale` (needs `babel`, as Airflow's
does) and `datetime_diff_for_humans` (pendulum's wording).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from random import random
from typing import Any

__all__ = [
    "datetime",
    "datetime_diff_for_humans",
    "ds_add",
    "ds_format",
    "ds_format_locale",
    "json",
    "random",
    "time",
    "timedelta",
    "uuid",
]
_LAZY_MODULES = ("yaml", "dateutil")  # slow imports, only for templates that use them


def ds_add(ds: str, days: int) -> str:
    """`ds_add('2015-01-01', 5)` is `'2015-01-06'`; negative days go back."""
    if not days:
        return str(ds)
    return (datetime.strptime(str(ds), "%Y-%m-%d") + timedelta(days=days)).strftime("%Y-%m-%d")


def ds_format(ds: str, input_format: str, output_format: str) -> str:
    """`ds_format('2015-01-01', '%Y-%m-%d', '%m-%d-%y')` is `'01-01-15'`."""
    return datetime.strptime(str(ds), input_format).strftime(output_format)


def ds_format_locale(ds: str, input_format: str, output_format: str, locale: str | None = None) -> str:
    """`ds_format` with a CLDR output pattern in a locale: `('2015-01-01', '%Y-%m-%d', 'EEEE', 'nl')` is 'donderdag'."""
    try:
        from babel import dates  # type: ignore[import-not-found]
    except ImportError:
        raise ImportError("macros.ds_format_locale needs the babel package (pip install babel)") from None
    return dates.format_datetime(datetime.strptime(str(ds), input_format), format=output_format, locale=locale)


def datetime_diff_for_humans(dt: datetime, since: datetime | None = None) -> str:
    """`'2 days ago'`, `'in 3 hours'`, `'1 hour after'`: pendulum's wording of the gap to `since` (default: now)."""
    import pendulum

    return pendulum.instance(dt).diff_for_humans(None if since is None else pendulum.instance(since))


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        import importlib

        module = importlib.import_module(name)
        if name == "dateutil":  # Airflow's `macros.dateutil.relativedelta` needs the submodules loaded
            importlib.import_module("dateutil.relativedelta")
            importlib.import_module("dateutil.parser")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'macros' has no attribute {name!r}")
