"""Airflow's `macros` namespace, so that `{{ macros.ds_add(ds, 7) }}` works unchanged.

Exposes what Airflow's `airflow.macros` does, minus what needs pendulum, babel or dateutil:
`datetime` and `timedelta` (the classes), the `time`, `uuid` and `json` modules, `random`
(the function `random.random`), `yaml` (loaded on first use), `ds_add` and `ds_format`.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from random import random
from typing import Any

__all__ = ["datetime", "ds_add", "ds_format", "json", "random", "time", "timedelta", "uuid"]


def ds_add(ds: str, days: int) -> str:
    """`ds_add('2015-01-01', 5)` is `'2015-01-06'`; negative days go back."""
    if not days:
        return str(ds)
    return (datetime.strptime(str(ds), "%Y-%m-%d") + timedelta(days=days)).strftime("%Y-%m-%d")


def ds_format(ds: str, input_format: str, output_format: str) -> str:
    """`ds_format('2015-01-01', '%Y-%m-%d', '%m-%d-%y')` is `'01-01-15'`."""
    return datetime.strptime(str(ds), input_format).strftime(output_format)


def __getattr__(name: str) -> Any:
    if name == "yaml":  # pyyaml is a dependency but slow to import: only for templates that use it
        import yaml

        globals()["yaml"] = yaml
        return yaml
    raise AttributeError(f"module 'macros' has no attribute {name!r}")
