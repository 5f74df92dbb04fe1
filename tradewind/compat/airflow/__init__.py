"""Run unmodified Airflow DAG files: `from airflow.operators.bash import BashOperator` gets Tradewind's.

The DAG parser calls `install()` before importing DAG files. It puts an import hook last on
`sys.meta_path`, and only when `[core] airflow_compat` is on and the real `airflow` package is not
importable — a machine with Airflow installed keeps it. Nothing happens at `import tradewind`.

Outside the parser (`python my_dag.py`), the `tradewind_airflow_shim.pth` file installed beside
Tradewind puts a tiny finder last on `sys.meta_path` at interpreter start: asked only for an
`airflow` no other finder found, it calls `activate()` (TRADEWIND_NO_AIRFLOW_SHIM=1 turns it off).
What maps where: `modules.MODULES`, and docs/airflow-compat.md.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import importlib.machinery

__all__ = ["AIRFLOW_VERSION", "activate", "install", "is_installed", "uninstall"]

#: What `airflow.__version__` and `airflow.version.version` say: the Airflow release whose DAG-file
#: interface Tradewind implements (a file that branches on the version takes its Airflow 2 path).
AIRFLOW_VERSION = "2.11.0"

#: The class name of the finder `tradewind_airflow_shim.pth` puts on sys.meta_path at start-up.
STARTUP_FINDER = "TradewindAirflowShim"


def install() -> bool:
    """Install the `airflow` import hook once, if enabled and Airflow itself is absent; True if active."""
    from tradewind.compat.airflow.finder import AirflowCompatFinder, installed_finder

    if installed_finder() is not None:
        return True
    from tradewind.config import conf

    if not conf.getboolean("core", "airflow_compat"):
        return False
    _drop_startup_finder()  # it hands over to this hook, and must not answer the check below
    if "airflow" in sys.modules or importlib.util.find_spec("airflow") is not None:
        return False  # the real Airflow is importable (or imported): never shadow it
    sys.meta_path.append(AirflowCompatFinder())
    plugins = str(conf.getpath("core", "plugins_folder"))
    if plugins not in sys.path:
        sys.path.append(plugins)  # DAG files import modules of the plugins folder, as on Airflow
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


def activate(fullname: str) -> importlib.machinery.ModuleSpec | None:
    """The start-up finder's answer for `airflow` (found by no other finder): the hook's spec, if enabled."""
    from tradewind.compat.airflow.finder import installed_finder

    if not install():
        return None
    finder = installed_finder()
    assert finder is not None  # install() just put it there
    return finder.find_spec(fullname)


def _drop_startup_finder() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != STARTUP_FINDER]
