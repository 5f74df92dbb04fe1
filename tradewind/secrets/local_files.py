"""Connections and variables read from local files, for `DAG.test(conn_file_path=..., variable_file_path=...)`.

The formats are those of Airflow's LocalFilesystemBackend: a JSON or YAML object (or a `.env`
file of `KEY=value` lines). A connection is a URI or an object of Connection fields (`extra` may
be an object, or given as `extra_dejson`); a variable is a string, or any JSON value, stored as
its JSON text. While `local_secrets()` is active these files come first, before the environment
and the database, as a secrets backend inserted first does in Airflow.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import UsageError

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

_CONNECTION_KEYS = frozenset(
    {"conn_id", "conn_type", "description", "host", "login", "password", "schema", "port", "extra", "uri"}
)
#: The files in force: (connections, variables), innermost `local_secrets()` first.
_active: list[tuple[dict[str, Connection], dict[str, str]]] = []


def _read(path: Path) -> dict[str, Any]:
    """The file's mapping; a bad file is one clear line (UsageError) naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    suffix = path.suffix.lower()
    if suffix == ".env":
        return _read_env(path, text)
    if suffix == ".json":
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    elif suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise UsageError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    else:
        raise UsageError(f"{path}: unsupported file type (use .json, .yaml, .yml or .env)")
    if not isinstance(data, dict):
        raise UsageError(f"{path} must hold an object (a mapping of ids to values)")
    return data


def _read_env(path: Path, text: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{path}, line {number}: expected KEY=value")
        values[key.strip()] = value.strip()
    return values


def load_connections(path: Path) -> dict[str, Connection]:
    """conn_id → Connection from a connections file (Airflow's formats)."""
    from tradewind.models.connection import Connection

    connections = {}
    for conn_id, value in _read(path).items():
        if isinstance(value, str):
            connections[conn_id] = Connection(conn_id=conn_id, uri=value)
            continue
        if not isinstance(value, dict):
            raise UsageError(f"{path}: connection '{conn_id}' must be a URI or an object of connection fields")
        fields = dict(value)
        if "extra_dejson" in fields:
            if "extra" in fields:
                raise UsageError(f"{path}: connection '{conn_id}' has both extra and extra_dejson; give one")
            fields["extra"] = fields.pop("extra_dejson")
        unknown = set(fields) - _CONNECTION_KEYS
        if unknown:
            raise UsageError(f"{path}: connection '{conn_id}' has unknown fields {', '.join(sorted(unknown))}")
        if fields.setdefault("conn_id", conn_id) != conn_id:
            raise UsageError(f"{path}: connection '{conn_id}' says conn_id {fields['conn_id']!r}")
        connections[conn_id] = Connection(**fields)
    return connections


def load_variables(path: Path) -> dict[str, str]:
    """key → value from a variables file; a non-string value is kept as its JSON text."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in _read(path).items()}


@contextmanager
def local_secrets(connections_file: str | Path | None, variables_file: str | Path | None) -> Iterator[None]:
    """Connections and variables from these files are looked up first while the block runs."""
    connections = load_connections(Path(connections_file)) if connections_file else {}
    variables = load_variables(Path(variables_file)) if variables_file else {}
    entry = (connections, variables)
    _active.insert(0, entry)
    try:
        yield
    finally:
        _active.remove(entry)


def file_connection(conn_id: str) -> Connection | None:
    """The connection from an active connections file, if one defines it."""
    return next((conns[conn_id] for conns, _ in _active if conn_id in conns), None)


def file_variable(key: str) -> str | None:
    """The variable from an active variables file, if one defines it."""
    return next((variables[key] for _, variables in _active if key in variables), None)
