"""Run unmodified Airflow DAG files: `from airflow.operators.bash import BashOperator` gets Tradewind's.

The DAG parser calls `install()` before importing DAG files. It puts an import hook last on
`sys.meta_path`, and only when `[core] airflow_compat` is on and the real `airflow` package is not
importable — a machine with Airflow installed keeps it. Nothing happens at `import tradewind`.
What maps where: `modules.MODULES`, and docs/airflow-compat.md.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["install", "is_installed", "uninstall"]


def install() -> bool:
    """Install the `airflow` import hook once, if enabled and Airflow itself is absent; True if active."""
    from tradewind.compat.airflow.finder import AirflowCompatFinder, installed_finder

    if installed_finder() is not None:
        return True
    from tradewind.config import conf

    if not conf.getboolean("core", "airflow_compat"):
        return False
    if "airflow" in sys.modules or importlib.util.find_spec("airflow") is not None:
        return False  # the real Airflow is importable (or imported): never shadow it
    sys.meta_path.append(AirflowCompatFinder())
    return True


def uninstall() -> None:
    """Remove the hook and the `airflow...` modules it made (tests, and turning the setting off)."""
    from tradewind.compat.airflow.finder import installed_finder

    finder = installed_finder()
    if finder is None:
        return
    sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n == "airflow" or n.startswith("airflow.")]:
        del sys.modules[name]


def is_installed() -> bool:
    """Whether the hook is on sys.meta_path."""
    from tradewind.compat.airflow.finder import installed_finder

    return installed_finder() is not None
