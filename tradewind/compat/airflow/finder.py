"""The import hook: `airflow...` modules made on the fly from the MODULES table.

Each module is an empty shell whose names resolve on first access (module `__getattr__`), so a
DAG file that imports `BashOperator` loads Tradewind's bash operator and nothing else. A module
path or name Tradewind lacks raises `NotProvidedByTradewind` (an ImportError) naming the Airflow
path, at the DAG file's import line — the file gets an import error, not a crash.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from tradewind.compat.airflow.modules import KNOWN, MODULES, PACKAGES
from tradewind.exceptions import NotProvidedByTradewind

ROOT = "airflow"
DOCS = "docs/airflow-compat.md"


def resolve(target: str) -> Any:
    """The object a table entry "package.module:attribute" names."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def not_provided(module: str, name: str | None = None) -> NotProvidedByTradewind:
    """The error for an Airflow module or name the table lacks; its message says what and where to look."""
    if name is None:
        message = f"the Airflow module '{module}' is not supported by Tradewind (see {DOCS} for what maps)"
        return NotProvidedByTradewind(message, name=module)
    message = f"cannot import name '{name}' from '{module}': {module}.{name} is not supported by Tradewind (see {DOCS})"
    return NotProvidedByTradewind(message, name=module)


def _module_getattr(module: ModuleType) -> Callable[[str], Any]:
    """The module's `__getattr__`: table names, then known submodules, else a clear ImportError."""
    modname = module.__name__
    table = MODULES.get(modname, {})

    def __getattr__(name: str) -> Any:
        target = table.get(name)
        if target is not None:
            value = resolve(target)
            setattr(module, name, value)  # resolved once; later lookups skip __getattr__
            return value
        if f"{modname}.{name}" in KNOWN:
            return importlib.import_module(f"{modname}.{name}")
        if name.startswith("_"):  # dunder probes (`__file__`, `__wrapped__`...) must stay AttributeErrors
            raise AttributeError(f"module '{modname}' has no attribute '{name}'")
        raise not_provided(modname, name)

    return __getattr__


class AirflowCompatLoader:
    """Fills each `airflow...` module with its table's names, or refuses a path the table lacks.

    A loader by protocol (create_module/exec_module): subclassing importlib.abc costs ~7 ms of imports.
    """

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object is what we want

    def exec_module(self, module: ModuleType) -> None:
        modname = module.__name__
        if modname not in KNOWN:
            raise not_provided(modname)
        names = sorted(MODULES.get(modname, {}))
        module.__all__ = names  # type: ignore[attr-defined]
        module.__doc__ = f"Tradewind's stand-in for Airflow's `{modname}` (see {DOCS})."
        # PEP 562 module-level __getattr__/__dir__, which typeshed sees as ModuleType's own methods
        if modname == ROOT:  # `airflow.__version__`: what files branching on the version read
            from tradewind.compat.airflow import AIRFLOW_VERSION

            module.__version__ = AIRFLOW_VERSION  # type: ignore[attr-defined]
        module.__getattr__ = _module_getattr(module)  # type: ignore[method-assign]
        module.__dir__ = lambda: names  # type: ignore[method-assign]


class AirflowCompatFinder:
    """Answers for `airflow` and every `airflow.*` module; placed last on sys.meta_path."""

    loader = AirflowCompatLoader()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != ROOT and not fullname.startswith(ROOT + "."):
            return None
        is_package = fullname == ROOT or fullname in PACKAGES
        # a loader by protocol, not an importlib.abc.Loader subclass (see AirflowCompatLoader)
        spec = importlib.machinery.ModuleSpec(fullname, self.loader, is_package=is_package)  # type: ignore[arg-type]
        spec.origin = "tradewind.compat.airflow"  # shows in the module's repr
        spec.has_location = False
        return spec


def installed_finder() -> AirflowCompatFinder | None:
    """The finder on sys.meta_path, if one is there."""
    return next((f for f in sys.meta_path if isinstance(f, AirflowCompatFinder)), None)
