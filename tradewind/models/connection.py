"""`Connection`: Airflow's API for how to reach an external system, as DAG code and templates read it.

Lookup order is Airflow's secrets order without custom backends (but for the file `DAG.test` may
be given, read first): the environment first (`TRADEWIND_CONN_<CONN_ID>`, a URI or a JSON object,
like `AIRFLOW_CONN_<CONN_ID>`), then the metadata database. Whatever is read is registered with the secrets masker, so a password that
ends up in a task's log shows as `***`. A Connection is a plain value: saving goes through the
store (`connections add`), never through the object.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from tradewind.exceptions import ConnectionNotFound, InvalidConnection

log = logging.getLogger(__name__)

ENV_PREFIX = "TRADEWIND_CONN_"
EXTRA_KEY = "__extra__"
_FIELDS = ("conn_type", "description", "host", "schema", "login", "password", "port", "extra")


def env_var_name(conn_id: str) -> str:
    return ENV_PREFIX + conn_id.upper()


def _normalize_conn_type(conn_type: str) -> str:
    """Airflow's rules: `postgresql://` means `postgres`, and `-` in a scheme stands for `_`."""
    if conn_type == "postgresql":
        return "postgres"
    return conn_type.replace("-", "_")


class Connection:
    """`Connection(conn_id=..., conn_type=..., host=..., ...)` or `Connection(conn_id=..., uri="ftp://u:p@h:21")`."""

    def __init__(
        self,
        conn_id: str | None = None,
        conn_type: str | None = None,
        description: str | None = None,
        host: str | None = None,
        login: str | None = None,
        password: str | None = None,
        schema: str | None = None,
        port: int | str | None = None,
        extra: str | dict[str, Any] | None = None,
        uri: str | None = None,
    ) -> None:
        self.conn_id = conn_id
        self.description = description
        if uri is not None:
            if any(v is not None for v in (conn_type, host, login, password, schema, port, extra)):
                raise InvalidConnection("a connection takes either a URI or its parts (conn_type, host, ...), not both")
            self._parse_from_uri(uri)
        else:
            self.conn_type = conn_type
            self.host = host
            self.login = login
            self.password = password
            self.schema = schema
            self.port = parse_port(port, conn_id)
            self.extra = json.dumps(extra) if isinstance(extra, dict) else extra

    # --- URIs ------------------------------------------------------------------------------
    def _parse_from_uri(self, uri: str) -> None:
        """Airflow's URI format: `type://login:password@host:port/schema?extra_key=value`."""
        what = f"connection '{self.conn_id}'" if self.conn_id else "connection"
        if not isinstance(uri, str) or not uri.strip():
            raise InvalidConnection(f"invalid URI for {what}: it is empty")
        schemes = uri.count("://")
        if schemes == 0 or schemes > 2:
            raise InvalidConnection(
                f"invalid URI for {what}: {_hide_password(uri)!r} (expected type://[login[:password]@]host[:port][/schema][?extra])"
            )
        host_with_protocol = schemes == 2
        parts = urlsplit(uri)
        conn_type = parts.scheme
        if not conn_type:
            raise InvalidConnection(f"invalid URI for {what}: {_hide_password(uri)!r} has no connection type (scheme)")
        self.conn_type = _normalize_conn_type(conn_type)
        rest = uri.replace(f"{conn_type}://", "" if host_with_protocol else "//", 1)
        if host_with_protocol:
            protocol_part = rest.split("://", 1)[0]
            if "@" in protocol_part or ":" in protocol_part:
                raise InvalidConnection(f"invalid URI for {what}: {_hide_password(uri)!r}")
        parts = urlsplit(rest)
        protocol = parts.scheme if host_with_protocol else None
        host = _hostname(parts)
        self.host = f"{protocol}://{host}" if protocol and host else (host or None)
        schema = parts.path[1:]
        self.schema = unquote(schema) if schema else None
        self.login = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        try:
            self.port = parts.port
        except ValueError:
            raise InvalidConnection(
                f"invalid URI for {what}: the port in {_hide_password(uri)!r} is not a number from 0 to 65535"
            ) from None
        self.extra = None
        if parts.query:
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            self.extra = query[EXTRA_KEY] if EXTRA_KEY in query else json.dumps(query)

    def get_uri(self) -> str:
        """The URI that parses back to this connection (Airflow's `get_uri`, special characters percent-encoded)."""
        uri = f"{self.conn_type.lower().replace('_', '-')}://" if self.conn_type else "//"
        host: str | None
        if self.host and "://" in self.host:
            protocol, host = self.host.split("://", 1)
            uri += f"{protocol}://"
        else:
            host = self.host
        authority = ""
        if self.login is not None:
            authority += quote(self.login, safe="")
        if self.password is not None:
            authority += ":" + quote(self.password, safe="")
        if authority:
            uri += authority + "@"
        host_block = quote(host, safe="") if host else ""
        if self.port:
            host_block += f"@:{self.port}" if not host_block and not authority else f":{self.port}"
        if self.schema:
            host_block += f"/{quote(self.schema, safe='')}"
        uri += host_block
        if self.extra:
            extra = self.extra_dejson
            try:
                query = urlencode(extra) if isinstance(extra, dict) else None
            except TypeError:
                query = None
            if query and extra == dict(parse_qsl(query, keep_blank_values=True)):
                uri += ("?" if self.schema else "/?") + query
            else:
                uri += ("?" if self.schema else "/?") + urlencode({EXTRA_KEY: self.extra})
        return uri

    # --- JSON ------------------------------------------------------------------------------
    @classmethod
    def from_json(cls, value: str | dict[str, Any], conn_id: str | None = None) -> Connection:
        """Airflow's JSON form: `{"conn_type": "ftp", "host": ..., "extra": {...}}`."""
        what = f"connection '{conn_id}'" if conn_id else "connection"
        if isinstance(value, str):
            try:
                data = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InvalidConnection(
                    f"invalid JSON for {what}: {exc.msg} at line {exc.lineno} column {exc.colno}"
                ) from None
        else:
            data = value
        if not isinstance(data, dict):
            raise InvalidConnection(f"invalid JSON for {what}: expected an object, got {type(data).__name__}")
        unknown = set(data) - set(_FIELDS) - {"conn_id"}
        if unknown:
            raise InvalidConnection(f"invalid JSON for {what}: unknown fields {', '.join(sorted(unknown))}")
        fields = {k: data.get(k) for k in _FIELDS}
        return cls(conn_id=data.get("conn_id", conn_id), **fields)

    def to_dict(self, *, include_conn_id: bool = False) -> dict[str, Any]:
        """The fields as Airflow exports them (`extra` as the stored JSON string)."""
        out = {name: getattr(self, name) for name in _FIELDS}
        return {"conn_id": self.conn_id, **out} if include_conn_id else out

    def as_json(self) -> str:
        data = self.to_dict()
        if data["extra"]:
            data["extra"] = self.extra_dejson
        return json.dumps(data)

    # --- extras ----------------------------------------------------------------------------
    @property
    def extra_dejson(self) -> dict[str, Any]:
        """`extra` parsed as JSON; `{}` (with a logged error) when it is not valid JSON, as in Airflow."""
        if not self.extra:
            return {}
        try:
            value = json.loads(self.extra)
        except json.JSONDecodeError:
            log.error("extra of connection %s is not valid JSON", self.conn_id)
            return {}
        from tradewind.secrets.masker import mask_secret

        mask_secret(value)
        return value if isinstance(value, dict) else {}

    def get_extra(self) -> str | None:
        return self.extra

    def get_password(self) -> str | None:
        return self.password

    # --- lookup ----------------------------------------------------------------------------
    @classmethod
    def get_connection_from_secrets(cls, conn_id: str) -> Connection:
        """The connection from a `DAG.test` connections file, the environment, else the database; ConnectionNotFound if none has it."""
        from tradewind.secrets.local_files import file_connection

        value = os.environ.get(env_var_name(conn_id))
        from_file = file_connection(conn_id)
        if from_file is not None:
            connection = from_file
        elif value is not None:
            connection = cls._from_env(conn_id, value)
        else:
            from tradewind.runtime import comms
            from tradewind.runtime.protocol import GetConnection

            record = comms.request(GetConnection(conn_id))
            if record is None:
                raise ConnectionNotFound(f"The conn_id `{conn_id}` isn't defined")
            connection = cls.from_record(record)
        connection.register_secrets()
        return connection

    @classmethod
    def get(cls, conn_id: str) -> Connection:
        """Airflow 3's name for `get_connection_from_secrets`."""
        return cls.get_connection_from_secrets(conn_id)

    @classmethod
    def _from_env(cls, conn_id: str, value: str) -> Connection:
        if value.lstrip().startswith("{"):
            return cls.from_json(value, conn_id=conn_id)
        return cls(conn_id=conn_id, uri=value)

    @classmethod
    def from_record(cls, record: Any) -> Connection:
        return cls(conn_id=record.conn_id, **{name: getattr(record, name) for name in _FIELDS})

    def get_hook(self, *, hook_params: dict[str, Any] | None = None) -> Any:
        """A hook for this connection, chosen by `conn_type` (Airflow's `Connection.get_hook`), built with `hook_params`."""
        from tradewind.providers.registry import hook_class

        cls = hook_class(self.conn_type or "")
        return cls(**{cls.conn_name_attr: self.conn_id}, **(hook_params or {}))

    def register_secrets(self) -> None:
        """Tell the masker about the password and the extras' password-like values."""
        from tradewind.secrets.masker import mask_secret

        if self.password:
            mask_secret(self.password)
        if self.extra:
            try:
                mask_secret(json.loads(self.extra))
            except json.JSONDecodeError:
                pass

    def __repr__(self) -> str:
        return str(self.conn_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Connection):
            return NotImplemented
        return self.to_dict(include_conn_id=True) == other.to_dict(include_conn_id=True)

    __hash__ = None  # type: ignore[assignment]


def parse_port(value: Any, conn_id: str | None) -> int | None:
    """A port as given (a number, or its digits as text), checked: the one rule for every way in."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise InvalidConnection(
            f"connection '{conn_id}': port must be a number from 0 to 65535, got {str(value)[:20]!r}"
        )
    return int(text)


def _hostname(parts: Any) -> str:
    """Airflow's `_parse_netloc_to_hostname`: a percent-encoded host may hold `/` (socket paths)."""
    hostname = unquote(parts.hostname or "")
    if "/" in hostname:
        hostname = parts.netloc
        if "@" in hostname:
            hostname = hostname.rsplit("@", 1)[1]
        if ":" in hostname:
            hostname = hostname.split(":", 1)[0]
        hostname = unquote(hostname)
    return hostname


def _hide_password(uri: str) -> str:
    """The URI with its password replaced, for error messages."""
    try:
        parts = urlsplit(uri)
        if parts.password:
            return uri.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return uri
