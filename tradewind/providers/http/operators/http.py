"""`HttpOperator` (Airflow's, and its old name `SimpleHttpOperator`): one HTTP call as a task, its body as XCom."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from tradewind.exceptions import TradewindException
from tradewind.operators.python import callable_kwargs
from tradewind.providers.http.hooks.http import HttpHook
from tradewind.sdk.baseoperator import BaseOperator, Context

__all__ = ["HttpOperator", "SimpleHttpOperator"]


class HttpOperator(BaseOperator):
    """Call `endpoint` on the connection's base URL; fail on a 4xx/5xx or a falsy `response_check`.

    The XCom is the response's text (a list of texts when `pagination_function` fetched several
    pages), or whatever `response_filter(response)` returns. `response_check`, `response_filter`
    and `pagination_function` get the response (or the list of responses) first, and any context
    entries they name (`ti`, `ds`, `**context`), as in Airflow.
    """

    template_fields = ("endpoint", "data", "headers")
    template_fields_renderers = {"headers": "json", "data": "py"}
    template_ext = ()
    ui_color = "#f4a460"

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        method: str = "POST",
        data: Any = None,
        headers: dict[str, str] | None = None,
        pagination_function: Callable[..., Any] | None = None,
        response_check: Callable[..., Any] | None = None,
        response_filter: Callable[..., Any] | None = None,
        extra_options: dict[str, Any] | None = None,
        request_kwargs: dict[str, Any] | None = None,
        http_conn_id: str = "http_default",
        log_response: bool = False,
        auth_type: Any = None,
        tcp_keep_alive: bool = True,
        tcp_keep_alive_idle: int = 120,
        tcp_keep_alive_count: int = 20,
        tcp_keep_alive_interval: int = 30,
        deferrable: bool = False,
        retry_args: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.http_conn_id = http_conn_id
        self.method = method
        self.endpoint = endpoint
        self.headers = headers or {}
        self.data = data or {}
        self.pagination_function = pagination_function
        self.response_check = response_check
        self.response_filter = response_filter
        self.extra_options = extra_options or {}
        self.request_kwargs = request_kwargs or {}
        self.log_response = log_response
        self.auth_type = auth_type
        self.tcp_keep_alive = tcp_keep_alive
        self.tcp_keep_alive_idle = tcp_keep_alive_idle
        self.tcp_keep_alive_count = tcp_keep_alive_count
        self.tcp_keep_alive_interval = tcp_keep_alive_interval
        self.deferrable = deferrable  # accepted; the call runs in the task's process either way
        self.retry_args = retry_args

    @cached_property
    def hook(self) -> HttpHook:
        return HttpHook(
            self.method,
            http_conn_id=self.http_conn_id,
            auth_type=self.auth_type,
            tcp_keep_alive=self.tcp_keep_alive,
            tcp_keep_alive_idle=self.tcp_keep_alive_idle,
            tcp_keep_alive_count=self.tcp_keep_alive_count,
            tcp_keep_alive_interval=self.tcp_keep_alive_interval,
        )

    def execute(self, context: Context) -> Any:
        self.log.info("Calling HTTP method %s %s", self.method, self.endpoint or "")
        response = self._call(self.endpoint, self.data, self.headers, self.extra_options)
        return self.process_response(context, self.paginate_sync(response, context))

    def _call(self, endpoint: str | None, data: Any, headers: dict[str, Any], extra_options: dict[str, Any]) -> Any:
        if self.retry_args:
            return self.hook.run_with_advanced_retry(
                self.retry_args, endpoint, data, headers, extra_options, **self.request_kwargs
            )
        return self.hook.run(endpoint, data, headers, extra_options, **self.request_kwargs)

    def paginate_sync(self, response: Any, context: Context | None = None) -> Any:
        """All pages: call `pagination_function(response)` until it returns nothing; a list of responses."""
        if not self.pagination_function:
            return response
        responses = [response]
        while True:
            next_page = self.pagination_function(
                response, **callable_kwargs(self.pagination_function, context or {}, [response], {})
            )
            if not next_page:
                return responses
            params = self._merge_next_page_parameters(next_page)
            response = self._call(params["endpoint"], params["data"], params["headers"], params["extra_options"])
            responses.append(response)

    def _merge_next_page_parameters(self, next_page: Mapping[str, Any]) -> dict[str, Any]:
        """The next page's request: its `endpoint`/`data`/`headers`/`extra_options` over this task's (Airflow's rule)."""
        data = next_page.get("data")
        if isinstance(self.data, dict) and isinstance(data, dict):
            merged_data: Any = {**self.data, **data}
        else:
            merged_data = data or self.data
        return {
            "endpoint": next_page.get("endpoint") or self.endpoint,
            "data": merged_data,
            "headers": {**self.headers, **(next_page.get("headers") or {})},
            "extra_options": {**self.extra_options, **(next_page.get("extra_options") or {})},
        }

    def process_response(self, context: Context, response: Any) -> Any:
        """Log, check and filter the response (or list of responses); the XCom value."""
        responses = response if isinstance(response, list) else [response]
        if self.log_response:
            for one in responses:
                self.log.info(one.text)
        if self.response_check:
            kwargs = callable_kwargs(self.response_check, context, [response], {})
            if not self.response_check(response, **kwargs):
                raise TradewindException("Response check returned False.")
        if self.response_filter:
            kwargs = callable_kwargs(self.response_filter, context, [response], {})
            return self.response_filter(response, **kwargs)
        return [one.text for one in responses] if isinstance(response, list) else response.text


class SimpleHttpOperator(HttpOperator):
    """Airflow's name for `HttpOperator` before provider 4.8 (kept there as a deprecated alias)."""
