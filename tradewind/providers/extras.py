"""Import a provider's client library on first use, or say which extra installs it."""

from __future__ import annotations

import importlib
from types import ModuleType

from tradewind.exceptions import ProviderExtraMissing


def require(module: str, extra: str) -> ModuleType:
    """`module`, imported; if it is not installed, an error naming `pip install "tradewind[extra]"`."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        top = module.split(".")[0]
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise  # a bug inside the library, not a missing install
        raise ProviderExtraMissing(
            f"this needs the Python package '{top}', which is not installed: pip install \"tradewind[{extra}]\"",
            name=top,
        ) from None


def require_installed(module: str, extra: str) -> None:
    """Fail now (at import of a provider's module, so a DAG file gets the import error) if `module` is not
    installed, without importing it: the import itself stays for first use (`require`)."""
    import importlib.util

    top = module.split(".")[0]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ProviderExtraMissing(
            f"this needs the Python package '{top}', which is not installed: pip install \"tradewind[{extra}]\"",
            name=top,
        )
