"""Connections: create or replace one, delete one, import many, with one set of checks for every way in
(the API's body, the UI's form, the CLI's flags, URI or JSON, and files)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tradewind.actions import audit, checked_key
from tradewind.exceptions import ConnectionNotFound, InvalidConnection, UsageError

if TYPE_CHECKING:
    from tradewind.store.records import ConnectionRecord


def save_connection(
    conn_id: str, fields: Mapping[str, Any], *, create_only: bool = False, keep_secrets: bool = True
) -> ConnectionRecord | None:
    """Create or replace a connection; with `create_only`, None if it exists.

    `extra` must be a JSON object in a string, `port` a number from 0 to 65535. With `keep_secrets` (an edit
    in the API or the UI), a replace keeps the stored password when none is given and the stored value of
    every extra still masked as `***`, so reading a connection, editing it and saving it back loses no secret.
    """
    from tradewind.store import connections

    conn_id, values = _checked(conn_id, fields)
    old = connections.get_connection(conn_id) if keep_secrets and not create_only else None
    if old is not None:
        _keep_secrets(values, old)
    record = connections.set_connection(conn_id, replace_existing=not create_only, **values)
    if record is not None:
        audit.record("connection.set", conn_id=conn_id, conn_type=record.conn_type)
    return record


def _checked(conn_id: str, fields: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    from tradewind.models.connection import parse_port

    conn_id = checked_key(conn_id, "conn_id")
    if any(ch.isspace() for ch in conn_id):
        raise UsageError(f"conn_id {conn_id!r} must not contain spaces")
    values = dict(fields)
    values["conn_type"] = str(values.get("conn_type") or "").strip()
    if not values["conn_type"]:
        raise InvalidConnection(f"connection '{conn_id}': conn_type must not be empty")
    values["port"] = parse_port(values.get("port"), conn_id)
    _extra_object(conn_id, values.get("extra"))
    return conn_id, values


def _extra_object(conn_id: str, extra: str | None) -> dict[str, Any] | None:
    if not extra:
        return None
    reason = f"connection '{conn_id}': extra must be a JSON object in a string"
    try:
        data = json.loads(extra)
    except json.JSONDecodeError as exc:
        raise InvalidConnection(f"{reason}; it is not valid JSON ({exc.msg})") from None
    except (TypeError, RecursionError):
        raise InvalidConnection(reason) from None
    if not isinstance(data, dict):
        raise InvalidConnection(f"{reason}, not a JSON {type(data).__name__}")
    return data


def _keep_secrets(values: dict[str, Any], old: ConnectionRecord) -> None:
    from tradewind.secrets.masker import MASK

    if values.get("password") is None:
        values["password"] = old.password
    extra = _extra_object(old.conn_id, values.get("extra"))
    masked = [k for k, v in (extra or {}).items() if v == MASK]
    stored = _stored_extra(old.extra) if masked else {}
    kept = {k: stored[k] for k in masked if k in stored}
    if extra is not None and kept:
        values["extra"] = json.dumps({**extra, **kept})


def _stored_extra(extra: str | None) -> dict[str, Any]:
    try:
        data = json.loads(extra) if extra else {}
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def delete_connection(conn_id: str) -> None:
    from tradewind.store import connections

    if not connections.delete_connection(conn_id):
        raise ConnectionNotFound(f"Did not find a connection with `conn_id`={conn_id}")
    audit.record("connection.delete", conn_id=conn_id)


def import_connections(conns: Mapping[str, Mapping[str, Any]], *, overwrite: bool) -> dict[str, bool]:
    """Each conn_id → whether it was written (without `overwrite`, an existing one is left alone). Every
    connection is checked before any is written, so a bad file imports nothing; a file's connection
    replaces the stored one whole, secrets included."""
    from tradewind.store import connections

    checked = [_checked(conn_id, fields) for conn_id, fields in conns.items()]
    written = {
        conn_id: connections.set_connection(conn_id, replace_existing=overwrite, **values) is not None
        for conn_id, values in checked
    }
    audit.record("connection.import", conn_ids=sorted(c for c, done in written.items() if done))
    return written


def web_testing_enabled() -> bool:
    """Airflow's `[core] test_connection` (Disabled by default): whether the UI and API may test connections.

    A test makes the server open a network connection to wherever a user says; the CLI is not gated.
    """
    from tradewind.config import conf

    return str(conf.get("core", "test_connection", fallback="Disabled")).strip().lower() == "enabled"


def test_connection_fields(conn_id: str | None, fields: Mapping[str, Any]) -> tuple[bool, str]:
    """Test a connection as a form or an API body describes it, saved or not: `(ok, one-line message)`.

    The same checks as saving; with the id of a stored connection, an empty password (or an extra
    still `***`) means the stored one, as when saving. The message never holds the password.
    """
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import test_connection
    from tradewind.secrets.masker import MASK, MIN_SECRET_LENGTH, redact_text
    from tradewind.store import connections

    name, values = _checked(conn_id or "unsaved", fields)
    old = connections.get_connection(name) if conn_id else None
    if old is not None:
        _keep_secrets(values, old)
    conn = Connection(
        conn_id=name,
        **{k: values.get(k) for k in ("conn_type", "host", "login", "password", "schema", "port", "extra")},
    )
    ok, message = test_connection(conn)
    if conn.password and len(conn.password) >= MIN_SECRET_LENGTH:  # as the masker: "s" is not hidden in every word
        message = message.replace(conn.password, MASK)
    return ok, redact_text(message)
