"""Airflow's `airflow.models` names that DAG code uses at run time: `from tradewind.models import Variable`.

Names resolve on first access so that importing this package costs nothing (DAG files import it
at parse time, and parsing must stay fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradewind.utils.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Variable": "tradewind.models.variable",
    "Connection": "tradewind.models.connection",
}

__all__ = list(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    # `as` marks each import an explicit re-export (the names resolve lazily through __getattr__ above)
    from tradewind.models.connection import Connection as Connection
    from tradewind.models.variable import Variable as Variable
