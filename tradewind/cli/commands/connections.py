"""`tradewind connections add|get|list|delete|export|import|test` and `tradewind rotate-fernet-key`.

Airflow's flags and messages. Passwords never reach the terminal except through `export`, whose
job is to move them: `get` and `list` show `***` (and hide password-like extras).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.cli.common import ready_db, write_export
from tradewind.exceptions import InvalidConnection, UsageError

if TYPE_CHECKING:
    from tradewind.models.connection import Connection

_PART_FLAGS = ("conn_type", "conn_host", "conn_login", "conn_password", "conn_schema", "conn_port")
_COLUMNS = ("conn_id", "conn_type", "description", "host", "schema", "login", "password", "port", "extra", "uri")
_LIST_COLUMNS = ("conn_id", "conn_type", "description", "host", "schema", "login", "password", "port")
_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".env": "env"}


# --- helpers ---------------------------------------------------------------------------------
def _from_args(args: argparse.Namespace) -> Connection:
    """The connection the flags describe (its fields are checked when it is saved, as the API's and the UI's)."""
    from tradewind.models.connection import Connection

    conn_id = args.conn_id
    has_uri, has_json = bool(args.conn_uri), bool(args.conn_json)
    if has_uri and has_json:
        raise UsageError("cannot supply both --conn-uri and --conn-json")
    if not args.conn_type and not (has_uri or has_json):
        raise UsageError("must supply either --conn-uri or --conn-json if not supplying --conn-type")
    if has_uri or has_json:
        clashing = [f"--{name.replace('_', '-')}" for name in _PART_FLAGS if getattr(args, name) is not None]
        if clashing:
            flag = "--conn-uri" if has_uri else "--conn-json"
            raise UsageError(f"{', '.join(clashing)} cannot be combined with {flag}")
        conn = (
            Connection(conn_id=conn_id, uri=args.conn_uri) if has_uri else Connection.from_json(args.conn_json, conn_id)
        )
        conn.conn_id = conn_id
    else:
        conn = Connection(
            conn_id=conn_id,
            conn_type=args.conn_type,
            host=args.conn_host,
            login=args.conn_login,
            password=args.conn_password,
            schema=args.conn_schema,
            port=args.conn_port,
        )
    if args.conn_description is not None:
        conn.description = args.conn_description
    if args.conn_extra is not None:
        conn.extra = args.conn_extra
    return conn


def masked_uri(conn: Connection) -> str:
    """The URI with the password and password-like extras replaced by `***`."""
    from copy import copy

    from tradewind.secrets.masker import MASK, redact

    shown = copy(conn)
    if shown.password:
        shown.password = MASK
    if shown.extra:
        extra = shown.extra_dejson
        shown.extra = json.dumps(redact(extra)) if extra else shown.extra
    return shown.get_uri().replace("%2A%2A%2A", MASK)


def _display(conn: Connection) -> dict[str, Any]:
    from tradewind.secrets.masker import MASK, redact

    extra = conn.extra
    if extra:
        parsed = conn.extra_dejson
        extra = json.dumps(redact(parsed)) if parsed else extra
    return {
        "conn_id": conn.conn_id,
        "conn_type": conn.conn_type,
        "description": conn.description,
        "host": conn.host,
        "schema": conn.schema,
        "login": conn.login,
        "password": MASK if conn.password else None,
        "port": conn.port,
        "extra": extra,
        "uri": masked_uri(conn),
    }


# --- commands --------------------------------------------------------------------------------
def add(args: argparse.Namespace) -> int:
    from tradewind.actions.connections import save_connection

    conn = _from_args(args)
    assert conn.conn_id is not None  # _from_args takes it from the required positional argument
    ready_db()
    if save_connection(conn.conn_id, conn.to_dict(), create_only=True) is None:
        raise UsageError(f"A connection with `conn_id`={conn.conn_id} already exists.")
    print(f"Successfully added `conn_id`={conn.conn_id} : {masked_uri(conn)}")
    return 0


def get(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.models.connection import Connection

    conn = Connection.get_connection_from_secrets(args.conn_id)
    shown = _display(conn)
    if args.output == "table":  # one record reads best as field / value rows
        from tradewind.cli.output import print_table

        print_table([{"field": k, "value": shown[k]} for k in _COLUMNS], ("field", "value"))
    else:
        print_records([shown], args.output, columns=_COLUMNS)
    return 0


def list_(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.models.connection import Connection
    from tradewind.store.connections import list_connections

    ready_db()
    records = [_display(Connection.from_record(r)) for r in list_connections(args.conn_id)]
    columns = _COLUMNS if args.output in ("json", "yaml") else _LIST_COLUMNS
    print_records(records, args.output, columns=columns)
    return 0


def delete(args: argparse.Namespace) -> int:
    from tradewind.actions.connections import delete_connection

    ready_db()
    delete_connection(args.conn_id)
    print(f"Successfully deleted connection with `conn_id`={args.conn_id}")
    return 0


def test(args: argparse.Namespace) -> int:
    """Reach the connection's system with its type's test (tradewind.providers.registry): one line, exit 1 on failure."""
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import test_connection

    conn = Connection.get_connection_from_secrets(args.conn_id)
    from tradewind.secrets.masker import redact_text

    ok, message = test_connection(conn)
    message = redact_text(message)
    if not ok:
        print(f"Connection failed: {args.conn_id} ({conn.conn_type}): {message}", file=sys.stderr)
        return 1
    print(f"Connection success: {args.conn_id} ({conn.conn_type}): {message}")
    return 0


def _file_format(path: str, given: str | None) -> str:
    if given:
        return given
    if path == "-":
        return "json"
    fmt = _FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot tell the format of {path}: use a .json, .yaml/.yml or .env file, or --file-format")
    return fmt


def export(args: argparse.Namespace) -> int:
    from tradewind.models.connection import Connection
    from tradewind.store.connections import list_connections

    fmt = _file_format(args.file, args.file_format)
    ready_db()
    conns = [Connection.from_record(r) for r in list_connections()]
    if fmt == "env":
        if args.serialization_format == "json":
            text = "".join(f"{c.conn_id}={c.as_json()}\n" for c in conns)
        else:
            text = "".join(f"{c.conn_id}={c.get_uri()}\n" for c in conns)
    else:
        data = {c.conn_id: c.to_dict() for c in conns}
        if fmt == "yaml":
            import yaml

            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        else:
            text = json.dumps(data, indent=2) + "\n"
    # it holds passwords in clear: readable by the owner only when we create it
    write_export(args.file, text, f"Connections successfully exported to {args.file}.", private=True)
    return 0


def parse_connections_file(path: Path) -> dict[str, Connection]:
    """A .json/.yaml file of `{conn_id: URI or fields}` or a .env file of `CONN_ID=URI-or-JSON` lines."""
    from tradewind.models.connection import Connection

    fmt = _file_format(str(path), None)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    items: dict[str, Any] = {}
    if fmt == "env":
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise UsageError(f"{path}:{lineno}: expected CONN_ID=URI, got {line[:40]!r}")
            items[key.strip()] = value.strip()
    else:
        try:
            if fmt == "yaml":
                import yaml

                data = yaml.safe_load(text)
            else:
                data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
        except Exception as exc:  # noqa: BLE001 - yaml's errors: one line
            raise UsageError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from None
        if not isinstance(data, dict):
            raise UsageError(f"{path} must hold an object of conn_id: connection")
        items = data
    out: dict[str, Connection] = {}
    for conn_id, value in items.items():
        if isinstance(value, str):
            conn = Connection._from_env(conn_id, value)
        elif isinstance(value, dict):
            fields = dict(value)
            if "extra_dejson" in fields:  # Airflow accepts either spelling
                fields.setdefault("extra", fields.pop("extra_dejson"))
            conn = Connection.from_json(fields, conn_id)
        else:
            raise InvalidConnection(f"connection '{conn_id}' in {path} must be a URI string or an object")
        conn.conn_id = str(conn_id)
        out[str(conn_id)] = conn
    return out


def import_(args: argparse.Namespace) -> int:
    from tradewind.actions.connections import import_connections

    conns = parse_connections_file(Path(args.file))
    ready_db()
    imported = import_connections({c: conn.to_dict() for c, conn in conns.items()}, overwrite=args.overwrite)
    for conn_id, done in imported.items():
        if done:
            print(f"Imported connection {conn_id}")
        else:
            print(f"Could not import connection {conn_id}: connection already exists.")
    return 0


def rotate_fernet_key(args: argparse.Namespace) -> int:
    """As Airflow's: re-encrypt connections and variables with the first key (clear ones get encrypted)."""
    from tradewind.exceptions import FernetKeyError
    from tradewind.secrets.fernet import get_fernet
    from tradewind.store.connections import rotate_connection_keys
    from tradewind.store.variables import rotate_variable_keys

    if get_fernet() is None:
        raise FernetKeyError("[core] fernet_key is not set: nothing to rotate")
    ready_db()
    conns, variables = rotate_connection_keys(), rotate_variable_keys()
    print(f"Re-encrypted {conns} connection(s) and {variables} variable(s) with the first [core] fernet_key.")
    return 0
