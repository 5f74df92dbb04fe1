"""The http provider against a real HTTP server (http.server on a thread): operator, sensor, hook."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime

import pytest

from tradewind import DAG

from network_servers import HttpHandle, HttpRequest, json_reply, start_http
from provider_runs import run, set_connection

USER, PASSWORD = "api-user", "http-secret-pw"


def _auth_ok(request: HttpRequest) -> bool:
    return request.headers.get("Authorization") == "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def _items(request: HttpRequest) -> tuple[int, dict[str, str], bytes]:
    if not _auth_ok(request):
        given = base64.b64decode(request.headers.get("Authorization", "Basic ")[6:] or b"").decode()
        return 401, {}, f"bad credentials {given}".encode()  # a server that echoes them: the log must not
    page = int(request.query.get("page", ["1"])[0])
    return json_reply(
        {"page": page, "items": [f"item-{page}-a", f"item-{page}-b"], "next": page + 1 if page < 3 else None}
    )


class Flaky:
    """503 for the first `failures` calls, then 200."""

    def __init__(self, failures: int) -> None:
        self.left = failures

    def __call__(self, request: HttpRequest) -> tuple[int, dict[str, str], bytes]:
        if self.left > 0:
            self.left -= 1
            return 503, {}, b"busy"
        return json_reply({"ready": True})


@pytest.fixture
def server() -> Iterator[HttpHandle]:
    handle = start_http(
        {
            "/api/items": _items,
            "/api/echo": lambda r: json_reply(
                {"method": r.method, "body": r.body.decode(), "query": r.query, "headers": r.headers}
            ),
            "/api/boom": lambda r: (500, {}, b"internal trouble"),
            "/api/flaky": Flaky(2),
            "/api/soon": Flaky(2),
        }
    )
    yield handle
    handle.stop()


@pytest.fixture
def api(server: HttpHandle, monkeypatch: pytest.MonkeyPatch) -> HttpHandle:
    set_connection(
        monkeypatch,
        "api",
        conn_type="http",
        host=server.host,
        port=server.port,
        login=USER,
        password=PASSWORD,
        extra={"X-Team": "data", "timeout": 5},
    )
    return server


def test_operator_calls_the_templated_endpoint_with_the_connection_auth_and_headers(api: HttpHandle) -> None:
    from tradewind.providers.http.operators.http import HttpOperator

    def check(response, ds) -> bool:  # the response, plus context entries it names
        return response.json()["page"] == 2 and ds == "2026-11-15"

    with DAG("http_get", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpOperator(
            task_id="get",
            http_conn_id="api",
            method="GET",
            endpoint="api/{{ 'items' }}",
            data={"page": "{{ 1 + 1 }}", "day": "{{ ds }}"},
            headers={"X-Run": "{{ run_id }}"},
            response_check=check,
            response_filter=lambda response: response.json()["items"],
            log_response=True,
        )
    result = run(dag)["get"]
    assert result.state == "success", result.log
    assert result.xcom == ["item-2-a", "item-2-b"]
    assert '"item-2-a"' in result.log  # log_response
    request = api.requests[-1]
    assert request.method == "GET" and request.path == "/api/items"
    assert request.query == {"page": ["2"], "day": ["2026-11-15"]}
    assert request.headers["X-Team"] == "data"  # from the connection's extra
    assert request.headers["X-Run"].startswith("manual__2026-11-15")


def test_operator_posts_templated_data_and_returns_the_body_text(api: HttpHandle) -> None:
    from tradewind.providers.http.operators.http import SimpleHttpOperator

    with DAG("http_post", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        SimpleHttpOperator(
            task_id="post",
            http_conn_id="api",
            endpoint="/api/echo",
            data='{"day": "{{ ds }}"}',
            headers={"Content-Type": "application/json"},
        )
    result = run(dag)["post"]
    assert result.state == "success", result.log
    echoed = json.loads(result.xcom)
    assert echoed["method"] == "POST" and json.loads(echoed["body"]) == {"day": "2026-11-15"}


def test_pagination_fetches_every_page_and_the_filter_sees_them_all(api: HttpHandle) -> None:
    from tradewind.providers.http.operators.http import HttpOperator

    def next_page(response):
        nxt = response.json()["next"]
        return {"data": {"page": nxt}} if nxt else None

    with DAG("http_pages", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpOperator(
            task_id="all_pages",
            http_conn_id="api",
            method="GET",
            endpoint="api/items",
            data={"page": 1, "size": 2},
            pagination_function=next_page,
            response_filter=lambda responses: [i for r in responses for i in r.json()["items"]],
        )
        HttpOperator(
            task_id="texts", http_conn_id="api", method="GET", endpoint="api/items", pagination_function=next_page
        )
    results = run(dag)
    assert results["all_pages"].xcom == [f"item-{p}-{s}" for p in (1, 2, 3) for s in "ab"]
    assert [json.loads(t)["page"] for t in results["texts"].xcom] == [1, 2, 3]
    queries = [r.query for r in api.requests if r.path == "/api/items"][:3]
    assert [q["page"] for q in queries] == [["1"], ["2"], ["3"]]
    assert all(q["size"] == ["2"] for q in queries)  # the first request's data is kept, the page merged in


def test_a_404_fails_the_task_with_the_status(api: HttpHandle) -> None:
    from tradewind.providers.http.operators.http import HttpOperator

    with DAG("http_404", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpOperator(task_id="missing", http_conn_id="api", method="GET", endpoint="api/nothing-here")
    result = run(dag)["missing"]
    assert result.state == "failed"
    assert "404:Not Found" in result.log


def test_a_wrong_password_fails_with_401_and_the_password_is_masked(
    api: HttpHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.providers.http.operators.http import HttpOperator

    set_connection(
        monkeypatch, "api", conn_type="http", host=api.host, port=api.port, login=USER, password="Wr0ng-pass!"
    )
    with DAG("http_401", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpOperator(task_id="denied", http_conn_id="api", method="GET", endpoint="api/items")
    result = run(dag)["denied"]
    assert result.state == "failed"
    assert "401:Unauthorized" in result.log
    assert "bad credentials api-user:***" in result.log  # the server's echo, masked
    assert "Wr0ng-pass!" not in result.log


def test_a_false_response_check_fails_the_task(api: HttpHandle) -> None:
    from tradewind.providers.http.operators.http import HttpOperator

    with DAG("http_check", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpOperator(
            task_id="check",
            http_conn_id="api",
            method="GET",
            endpoint="api/items",
            response_check=lambda response: "nope" in response.text,
        )
    result = run(dag)["check"]
    assert result.state == "failed" and "Response check returned False." in result.log


def test_retry_args_retry_the_call_with_tenacity(api: HttpHandle) -> None:
    import tenacity

    from tradewind.providers.http.operators.http import HttpOperator

    with DAG("http_retry", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpOperator(
            task_id="flaky",
            http_conn_id="api",
            method="GET",
            endpoint="api/flaky",
            retry_args={"stop": tenacity.stop_after_attempt(3), "wait": tenacity.wait_none()},
            response_filter=lambda r: r.json(),
        )
    result = run(dag)["flaky"]
    assert result.state == "success", result.log
    assert result.xcom == {"ready": True}
    assert sum(r.path == "/api/flaky" for r in api.requests) == 3


def test_sensor_pokes_through_404s_until_the_check_passes_and_fails_on_500(api: HttpHandle) -> None:
    from tradewind.providers.http.sensors.http import HttpSensor

    with DAG("http_sensor", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        HttpSensor(
            task_id="until_page_3",
            http_conn_id="api",
            endpoint="api/items",
            request_params={"page": "{{ 3 }}"},
            response_check=lambda response: response.json()["next"] is None,
            poke_interval=0.05,
            timeout=10,
        )
        HttpSensor(
            task_id="allowlisted",
            http_conn_id="api",
            endpoint="api/soon",
            response_error_codes_allowlist=["503"],
            poke_interval=0.05,
            timeout=10,
        )
        HttpSensor(task_id="broken", http_conn_id="api", endpoint="api/boom", poke_interval=0.05, timeout=5)
        HttpSensor(task_id="never", http_conn_id="api", endpoint="api/absent", poke_interval=0.05, timeout=0.3)
    results = run(dag)
    assert results["until_page_3"].state == "success", results["until_page_3"].log
    assert results["allowlisted"].state == "success", results["allowlisted"].log
    assert sum(r.path == "/api/soon" for r in api.requests) == 3  # two 503s poked on, then 200
    assert results["broken"].state == "failed" and "500:Internal Server Error" in results["broken"].log
    assert results["never"].state == "failed" and "timed out" in results["never"].log


def test_base_url_rules_of_the_hook() -> None:
    from tradewind.models.connection import Connection
    from tradewind.providers.http.hooks.http import HttpHook

    def url(endpoint: str | None, **fields) -> str:
        hook = HttpHook(connection=Connection(conn_id="x", conn_type="http", **fields))
        hook.get_conn()
        return hook.url_from_endpoint(endpoint)

    assert url("v1/x", host="api.example.com") == "http://api.example.com/v1/x"
    assert url("/v1/x", host="api.example.com", schema="https", port=8443) == "https://api.example.com:8443/v1/x"
    assert url("v1", host="https://api.example.com/base/") == "https://api.example.com/base/v1"
    assert url(None, host="h") == "http://h"
    hook = HttpHook(http_conn_id=None)
    hook.get_conn()
    assert hook.url_from_endpoint("https://full.example.com/x") == "https://full.example.com/x"
