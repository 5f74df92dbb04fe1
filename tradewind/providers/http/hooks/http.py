"""`HttpHook`: requests to the base URL of an HTTP connection, with its auth and headers (Airflow's `HttpHook`).

Built on `requests`, as Airflow's: `run` returns a `requests.Response`, `get_conn` a
`requests.Session`, so DAG code that reads `response.json()` or passes `auth_type=HTTPDigestAuth`
works unchanged. The connection gives the base URL (`host`, `schema` as the URL scheme, `port`),
basic auth (`login`/`password`) and, in `extra`, headers plus a few session settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradewind.exceptions import TradewindException
from tradewind.hooks.base import BaseHook
from tradewind.providers.extras import require

requests = require("requests", "http")

if TYPE_CHECKING:
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import TestResult

__all__ = ["HttpHook", "check_connection"]

#: extra keys that configure the session; every other key of `extra` is a header (Airflow's rule)
_SESSION_KEYS = ("proxies", "proxy", "stream", "verify", "verify_ssl", "cert", "max_redirects", "trust_env")
#: extra keys that are per-request defaults (Tradewind: Airflow drops them from the headers too)
_REQUEST_KEYS = ("timeout", "allow_redirects")


class HttpHook(BaseHook):
    """`HttpHook(method="POST", http_conn_id="http_default", auth_type=None)`; `run(endpoint, data, headers)`.

    `connection=` (Tradewind) gives the Connection itself instead of looking `http_conn_id` up:
    how `tradewind connections test` checks a connection that is not saved yet.
    """

    conn_name_attr = "http_conn_id"
    default_conn_name = "http_default"
    conn_type = "http"
    hook_name = "HTTP"

    def __init__(
        self,
        method: str = "POST",
        http_conn_id: str | None = default_conn_name,
        auth_type: Any = None,
        tcp_keep_alive: bool = True,
        tcp_keep_alive_idle: int = 120,
        tcp_keep_alive_count: int = 20,
        tcp_keep_alive_interval: int = 30,
        adapter: Any = None,
        *,
        connection: Connection | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.method = method.upper()
        self.http_conn_id = http_conn_id
        self.base_url = ""
        self._auth_type = auth_type
        self.adapter = adapter
        # Accepted for Airflow's signature; requests' sessions keep connections alive already.
        self.tcp_keep_alive = tcp_keep_alive
        self.keep_alive_idle, self.keep_alive_count = tcp_keep_alive_idle, tcp_keep_alive_count
        self.keep_alive_interval = tcp_keep_alive_interval
        self._connection = connection
        self._request_defaults: dict[str, Any] = {}

    # --- the session ---------------------------------------------------------------------------
    @property
    def auth_type(self) -> Any:
        return self._auth_type or requests.auth.HTTPBasicAuth

    @auth_type.setter
    def auth_type(self, value: Any) -> None:
        self._auth_type = value

    def connection(self) -> Connection | None:
        """The connection this hook uses (None without `http_conn_id`: endpoints are then full URLs)."""
        if self._connection is None and self.http_conn_id:
            self._connection = self.get_connection(self.http_conn_id)
        return self._connection

    def get_conn(self, headers: dict[str, Any] | None = None) -> Any:
        """A `requests.Session` with the connection's base URL, auth, headers and settings; `headers` on top."""
        session = requests.Session()
        conn = self.connection()
        if conn is not None:
            self.base_url = base_url(conn)
            if conn.login:
                session.auth = self.auth_type(conn.login, conn.password or "")
            elif self._auth_type is not None:
                session.auth = self.auth_type()  # an auth class that needs no login (Airflow's rule)
            self._configure_session(session, conn.extra_dejson)
        if headers:
            session.headers.update(headers)
        return session

    def _configure_session(self, session: Any, extra: dict[str, Any]) -> None:
        extra = dict(extra)
        self._request_defaults = {k: extra.pop(k) for k in _REQUEST_KEYS if k in extra}
        session.proxies = extra.pop("proxies", extra.pop("proxy", {})) or {}
        session.stream = bool(extra.pop("stream", False))
        session.verify = extra.pop("verify", extra.pop("verify_ssl", True))
        session.cert = extra.pop("cert", None)
        session.max_redirects = int(extra.pop("max_redirects", requests.models.DEFAULT_REDIRECT_LIMIT))
        session.trust_env = bool(extra.pop("trust_env", True))
        for key in ("auth_type", "auth_kwargs"):  # Airflow ≥ 4.x keeps these in extra; not headers
            extra.pop(key, None)
        nested = extra.pop("headers", None)
        headers = {**extra, **(nested if isinstance(nested, dict) else {})}
        session.headers.update({k: str(v) for k, v in headers.items()})

    def url_from_endpoint(self, endpoint: str | None) -> str:
        """The base URL and `endpoint` joined by exactly one `/` (Airflow's rule)."""
        if self.base_url and not self.base_url.endswith("/") and endpoint and not endpoint.startswith("/"):
            return f"{self.base_url}/{endpoint}"
        return (self.base_url or "") + (endpoint or "")

    # --- requests ------------------------------------------------------------------------------
    def run(
        self,
        endpoint: str | None = None,
        data: dict[str, Any] | str | None = None,
        headers: dict[str, Any] | None = None,
        extra_options: dict[str, Any] | None = None,
        **request_kwargs: Any,
    ) -> Any:
        """Send one request (`data` is the query string for GET, the body otherwise); a status ≥ 400 raises.

        `extra_options`: `timeout`, `verify`, `stream`, `cert`, `proxies`, `allow_redirects`, and
        `check_response=False` to get error responses back instead of an exception.
        """
        session = self.get_conn(headers)
        url = self.url_from_endpoint(endpoint)
        if self.adapter is not None:
            session.mount(url, self.adapter)
        if self.method == "GET":
            request = requests.Request(self.method, url, params=data, headers=headers, **request_kwargs)
        elif self.method == "HEAD":
            request = requests.Request(self.method, url, headers=headers, **request_kwargs)
        else:
            request = requests.Request(self.method, url, data=data, headers=headers, **request_kwargs)
        prepped = session.prepare_request(request)
        self.log.debug("Sending '%s' to url: %s", self.method, url)
        return self.run_and_check(session, prepped, extra_options or {})

    def run_and_check(self, session: Any, prepped_request: Any, extra_options: dict[str, Any]) -> Any:
        """Send a prepared request with the session's settings; check the status unless told not to."""
        options = {**self._request_defaults, **extra_options}
        settings = session.merge_environment_settings(
            prepped_request.url,
            proxies=options.get("proxies", {}),
            stream=options.get("stream", False),
            verify=options.get("verify"),
            cert=options.get("cert"),
        )
        timeout = options.get("timeout")
        send_kwargs: dict[str, Any] = {
            "timeout": float(timeout) if isinstance(timeout, str) else timeout,
            "allow_redirects": options.get("allow_redirects", True),
            **settings,
        }
        try:
            response = session.send(prepped_request, **send_kwargs)
        except requests.exceptions.ConnectionError as exc:
            self.log.warning("%s (run_with_advanced_retry retries this)", exc)
            raise
        if options.get("check_response", True):
            self.check_response(response)
        return response

    def check_response(self, response: Any) -> None:
        """Raise `AirflowException("<status>:<reason>")` for a 4xx/5xx response, as Airflow's hook does."""
        try:
            response.raise_for_status()
        except requests.exceptions.HTTPError:
            self.log.error("HTTP error: %s", response.reason)
            self.log.error(response.text[:2000])
            raise TradewindException(f"{response.status_code}:{response.reason}") from None

    def run_with_advanced_retry(self, _retry_args: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        """`run(*args, **kwargs)` retried by tenacity with `_retry_args` (Airflow's: `stop`, `wait`, `retry`...)."""
        import tenacity

        retrying = tenacity.Retrying(**_retry_args)
        return retrying(self.run, *args, **kwargs)

    def test_connection(self) -> tuple[bool, str]:
        """GET the base URL: any answer proves it reachable, but a rejected login (401/403) or a server error (5xx) fails.

        Airflow's test fails on any 4xx; here a 404 or 405 at the bare base URL is still success,
        since most APIs serve nothing there (the message says which status came back).
        """
        method, self.method = self.method, "GET"
        try:
            response = self.run(extra_options={"check_response": False, "timeout": self._timeout()})
        except requests.exceptions.RequestException as exc:
            return False, _reason(exc)
        finally:
            self.method = method
        status = f"HTTP {response.status_code} {response.reason} from {response.url}"
        if response.status_code in (401, 403, 407) or response.status_code >= 500:
            return False, status
        return True, status

    def _timeout(self) -> float:
        conn = self.connection()
        value = conn.extra_dejson.get("timeout") if conn is not None else None
        return float(value) if value else 10.0


def base_url(conn: Connection) -> str:
    """`schema://host:port` of an HTTP connection (a host with its own `https://` keeps it)."""
    host = conn.host or ""
    if "://" in host:
        url = host
    else:
        url = f"{conn.schema or 'http'}://{host}" if host else ""
    if conn.port:
        url += f":{conn.port}"
    return url


def _reason(exc: BaseException) -> str:
    """A requests error in one line (their messages nest the urllib3 error several times)."""
    text = str(exc)
    if "Failed to establish a new connection" in text:
        tail = text.rsplit("Failed to establish a new connection:", 1)[1]
        return "cannot connect: " + tail.strip(" ')\"").split("'))")[0]
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def check_connection(conn: Connection) -> TestResult:
    """The registry's tester for `http` connections."""
    return HttpHook(method="GET", connection=conn).test_connection()
