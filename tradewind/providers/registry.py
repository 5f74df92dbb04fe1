"""What each provider offers the rest of Tradewind: its connection types, their form fields and reachability test.

The connections form (UI), `connections add/test` (CLI) and the REST API's `connections/test`
read this table instead of knowing each provider. A provider declares itself in its own
`info.py` (`PROVIDER = ProviderInfo(...)`), listed in `_INFO_MODULES`; nothing here imports a
provider's client library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

#: (ok, one-line message) — what a connection test answers, as Airflow's `test_connection`.
TestResult = tuple[bool, str]


@dataclass(frozen=True)
class ConnectionField:
    """One field of a connection type's form: which Connection attribute, how it is labelled."""

    name: str  # "host", "schema", "login", "password", "port", "extra", or "extra__<key>" for a key of extra
    label: str
    placeholder: str = ""
    required: bool = False


@dataclass(frozen=True)
class ConnectionType:
    """A `conn_type`: its label, the fields its form shows, and how to test a connection of that type."""

    conn_type: str
    label: str
    fields: tuple[ConnectionField, ...]
    default_port: int | None = None
    #: "module:function" taking a Connection and returning a TestResult; imported only when testing
    tester: str | None = None
    #: "module:Class" of the hook for this type (Airflow's `Connection.get_hook`); imported only when asked
    hook: str | None = None


@dataclass(frozen=True)
class ProviderInfo:
    """A provider package: its Airflow name (`common.sql`, `amazon`), the extra that installs it, its types."""

    name: str
    extra: str | None
    package: str  # "tradewind.providers.ftp"
    connection_types: tuple[ConnectionType, ...] = field(default=())


_INFO_MODULES: tuple[str, ...] = (
    "tradewind.providers.common.sql.info",
    "tradewind.providers.postgres.info",
    "tradewind.providers.sqlite.info",
    "tradewind.providers.mysql.info",
    "tradewind.providers.http.info",
    "tradewind.providers.ftp.info",
    "tradewind.providers.sftp.info",
    "tradewind.providers.ssh.info",
    "tradewind.providers.amazon.info",
)


@cache
def providers() -> tuple[ProviderInfo, ...]:
    """Every provider Tradewind ships, in a stable order."""
    found = []
    for name in _INFO_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                continue  # a provider not (yet) in this tree
            raise
        found.append(module.PROVIDER)
    return tuple(found)


def connection_types() -> dict[str, ConnectionType]:
    """`{conn_type: ConnectionType}` over every provider."""
    return {ct.conn_type: ct for p in providers() for ct in p.connection_types}


def hook_class(conn_type: str) -> type[Any]:
    """The hook class registered for `conn_type` (imported now); InvalidConnection naming the type if none is."""
    ctype = connection_types().get(conn_type)
    if ctype is None or ctype.hook is None:
        from tradewind.exceptions import InvalidConnection

        known = ", ".join(sorted(t for t, c in connection_types().items() if c.hook)) or "none"
        raise InvalidConnection(f"no hook is registered for connection type '{conn_type}' (types with a hook: {known})")
    module, _, name = ctype.hook.partition(":")
    cls: type[Any] = getattr(importlib.import_module(module), name)
    return cls


def test_connection(conn: Connection) -> TestResult:
    """Whether `conn` is reachable, by its type's tester; an untestable type says so (False)."""
    ctype = connection_types().get(conn.conn_type or "")
    if ctype is None or ctype.tester is None:
        return False, f"Tradewind cannot test connections of type '{conn.conn_type}'"
    module, _, function = ctype.tester.partition(":")
    tester: Callable[[Connection], TestResult] = getattr(importlib.import_module(module), function)
    try:
        return tester(conn)
    except Exception as exc:  # a test reports, it never raises: the message is what the user sees
        return False, f"{type(exc).__name__}: {exc}"
