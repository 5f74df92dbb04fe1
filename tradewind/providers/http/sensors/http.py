"""`HttpSensor`: poke an endpoint until it answers (and `response_check` agrees), as Airflow's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradewind.exceptions import TradewindException
from tradewind.operators.python import callable_kwargs
from tradewind.providers.http.hooks.http import HttpHook
from tradewind.sdk.baseoperator import Context
from tradewind.sensors.base import BaseSensorOperator

__all__ = ["HttpSensor"]


class HttpSensor(BaseSensorOperator):
    """Done when the request succeeds and `response_check(response)` (if any) is truthy.

    A status listed in `response_error_codes_allowlist` (default 404) means "not yet"; any other
    4xx/5xx, or an unreachable server, fails the task (Airflow's rule).
    """

    template_fields = ("endpoint", "request_params", "headers")

    def __init__(
        self,
        *,
        endpoint: str,
        http_conn_id: str = "http_default",
        method: str = "GET",
        request_params: dict[str, Any] | None = None,
        request_kwargs: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        response_error_codes_allowlist: list[str] | None = None,
        response_check: Callable[..., Any] | None = None,
        extra_options: dict[str, Any] | None = None,
        tcp_keep_alive: bool = True,
        tcp_keep_alive_idle: int = 120,
        tcp_keep_alive_count: int = 20,
        tcp_keep_alive_interval: int = 30,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.endpoint = endpoint
        self.http_conn_id = http_conn_id
        self.method = method
        self.request_params = request_params or {}
        self.request_kwargs = request_kwargs or {}
        self.headers = headers or {}
        self.response_error_codes_allowlist = (
            ("404",) if response_error_codes_allowlist is None else tuple(response_error_codes_allowlist)
        )
        self.response_check = response_check
        self.extra_options = extra_options or {}
        self.tcp_keep_alive = tcp_keep_alive
        self.tcp_keep_alive_idle = tcp_keep_alive_idle
        self.tcp_keep_alive_count = tcp_keep_alive_count
        self.tcp_keep_alive_interval = tcp_keep_alive_interval

    def poke(self, context: Context) -> bool:
        hook = HttpHook(
            method=self.method,
            http_conn_id=self.http_conn_id,
            tcp_keep_alive=self.tcp_keep_alive,
            tcp_keep_alive_idle=self.tcp_keep_alive_idle,
            tcp_keep_alive_count=self.tcp_keep_alive_count,
            tcp_keep_alive_interval=self.tcp_keep_alive_interval,
        )
        self.log.info("Poking: %s", self.endpoint)
        try:
            response = hook.run(
                self.endpoint,
                data=self.request_params,
                headers=self.headers,
                extra_options=self.extra_options,
                **self.request_kwargs,
            )
        except TradewindException as exc:
            if self.response_error_codes_allowlist and str(exc).startswith(self.response_error_codes_allowlist):
                return False
            raise
        if self.response_check:
            kwargs = callable_kwargs(self.response_check, context, [response], {})
            return bool(self.response_check(response, **kwargs))
        return True
