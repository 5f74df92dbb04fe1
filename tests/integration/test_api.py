"""The REST API through the real app (TestClient, real SQLite): resources, auth, and 4xx for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api_env import DAG_ID, basic, build, first_run_id, new_run

ADMIN = basic("admin")
ROOT = "/api/v1"
RUNS = f"{ROOT}/dags/{DAG_ID}/dagRuns"


@pytest.fixture
def client(tradewind_home: Path) -> Iterator[Any]:
    with build(tradewind_home) as c:
        yield c


PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}  # Airflow's error body


def problem(resp: Any, status: int) -> dict[str, Any]:
    """Assert an error response in the API's shape and return it."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status and body["detail"], body
    assert body["type"].startswith("https://airflow.apache.org/") and body["instance"] == resp.request.url.path
    return body


# --- monitoring and the document -----------------------------------------------------------------
def test_health_version_and_openapi_need_no_login(client: Any) -> None:
    health = client.get("/api/v1/health").json()
    assert health["metadatabase"]["status"] == "healthy"
    assert health["scheduler"] == {"status": "unhealthy", "latest_scheduler_heartbeat": None}
    assert client.get("/health").json() == health
    assert client.get("/api/v1/version").json()["version"]
    doc = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/dags",
        "/api/v1/dags/{dag_id}/dagRuns",
        "/api/v1/dags/{dag_id}/clearTaskInstances",
        "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}",
        "/api/v1/variables",
        "/api/v1/connections",
        "/api/v1/pools",
        "/api/v1/users",
        "/api/v1/importErrors",
    ):
        assert path in doc["paths"], path
    assert not any(p.startswith("/login") or p.startswith("/home") for p in doc["paths"])


def test_the_openapi_document_says_how_to_authenticate_and_which_errors_come_back(client: Any) -> None:
    from tradewind.api.security import COOKIE

    doc = client.get("/api/v1/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert (schemes["Basic"]["type"], schemes["Basic"]["scheme"]) == ("http", "basic")
    assert (schemes["SessionCookie"]["type"], schemes["SessionCookie"]["in"], schemes["SessionCookie"]["name"]) == (
        "apiKey",
        "cookie",
        COOKIE,
    )
    assert (schemes["CsrfToken"]["in"], schemes["CsrfToken"]["name"]) == ("header", "X-CSRF-Token")
    schemas = doc["components"]["schemas"]
    assert schemas["Problem"]["required"] == ["type", "title", "status", "detail"]
    assert "HTTPValidationError" not in schemas  # nothing answers 422
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    ops = {(method.upper(), path): op for path, item in doc["paths"].items() for method, op in item.items()}
    for (method, path), op in ops.items():
        errors = {code: r for code, r in op["responses"].items() if int(code) >= 400}
        assert "422" not in errors, (method, path)
        assert all(r["content"]["application/json"]["schema"] == problem_ref for r in errors.values()), (method, path)
        if path in ("/api/v1/health", "/api/v1/version"):
            assert "security" not in op and not errors
            continue
        session = {"SessionCookie": []} if method == "GET" else {"SessionCookie": [], "CsrfToken": []}
        assert op["security"] == [{"Basic": []}, session], (method, path)
        assert {"401", "403", "429"} <= set(errors) and ("413" in errors) == ("requestBody" in op), (method, path)
    assert "Retry-After" in ops[("GET", "/api/v1/dags")]["responses"]["429"]["headers"]

    def codes(method: str, path: str) -> list[int]:
        return sorted(int(c) for c in ops[(method, f"/api/v1{path}")]["responses"] if int(c) >= 400)

    assert codes("POST", "/dags/{dag_id}/dagRuns") == [400, 401, 403, 404, 409, 413, 429]
    assert codes("GET", "/dags/{dag_id}") == [401, 403, 404, 429]  # any text is a dag_id: never a 400
    assert codes("GET", "/dags") == [400, 401, 403, 429]  # limit=abc
    assert codes("GET", "/importErrors/{import_error_id}") == [400, 401, 403, 404, 429]
    assert codes("DELETE", "/users/{username}") == [400, 401, 403, 404, 429]  # deleting yourself
    assert codes("POST", "/connections") == [400, 401, 403, 409, 413, 429]
    assert codes("POST", "/variables") == [400, 401, 403, 413, 429]  # a POST replaces: no 409

    # required fields of request bodies, as the API enforces them
    new_user = ops[("POST", "/api/v1/users")]["requestBody"]
    assert new_user["required"] and new_user["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewUserBody"
    }
    assert set(schemas["NewUserBody"]["required"]) == {"username", "first_name", "last_name", "email", "password"}
    assert "password" not in schemas["UserBody"]["required"]  # a PATCH without it keeps the password
    for model, required in (
        ("VariableBody", {"key", "value"}),
        ("PoolBody", {"name", "slots"}),
        ("ConnectionBody", {"connection_id", "conn_type"}),
        ("DagPatch", {"is_paused"}),
        ("ClearTaskInstances", set()),  # Airflow's: dag_run_id is optional (no run: every run, or a date range)
        ("UpdateTaskInstance", {"new_state"}),
    ):
        assert set(schemas[model].get("required", [])) == required, model
    missing = problem(
        client.post(
            "/api/v1/users",
            headers=ADMIN,
            json={"username": "nopw", "first_name": "N", "last_name": "P", "email": "n@example.com"},
        ),
        400,
    )
    assert missing["detail"] == "password: Field required"
    problem(client.get("/api/v1/dags/nope", headers=ADMIN), 404)


def test_health_reports_a_fresh_scheduler_heartbeat_and_a_stale_one(client: Any, monkeypatch: Any) -> None:
    from tradewind.config import conf
    from tradewind.store import jobs

    job_id = jobs.start_job(jobs.SCHEDULER, hostname="here", pid=1)
    assert client.get("/api/v1/health").json()["scheduler"]["status"] == "healthy"
    monkeypatch.setenv("TRADEWIND__SCHEDULER__SCHEDULER_HEALTH_CHECK_THRESHOLD", "0")
    conf.reload()
    stale = client.get("/api/v1/health").json()["scheduler"]
    assert stale["status"] == "unhealthy" and stale["latest_scheduler_heartbeat"]
    monkeypatch.delenv("TRADEWIND__SCHEDULER__SCHEDULER_HEALTH_CHECK_THRESHOLD")
    conf.reload()
    jobs.end_job(job_id)
    assert client.get("/api/v1/health").json()["scheduler"]["status"] == "unhealthy"


# --- authentication ------------------------------------------------------------------------------
def test_anonymous_and_wrong_credentials_get_one_generic_401(client: Any) -> None:
    problem(client.get("/api/v1/dags"), 401)
    wrong_password = problem(client.get("/api/v1/dags", headers=basic("admin", "nope")), 401)
    unknown_user = problem(client.get("/api/v1/dags", headers=basic("ghost", "nope")), 401)
    assert wrong_password["detail"] == unknown_user["detail"]
    problem(client.get("/api/v1/dags", headers={"Authorization": "Basic %%%"}), 401)


def test_failed_logins_are_throttled_per_username_and_address(client: Any) -> None:
    for _ in range(5):
        problem(client.get("/api/v1/dags", headers=basic("op", "wrong")), 401)
    blocked = problem(client.get("/api/v1/dags", headers=basic("op")), 429)  # even the right password now
    assert "Too many" in blocked["detail"]
    assert client.get("/api/v1/dags", headers=basic("user")).status_code == 200  # other users are not locked out


def test_a_deactivated_user_cannot_log_in(client: Any) -> None:
    from tradewind.store.users import update_user

    assert client.get("/api/v1/dags", headers=basic("user")).status_code == 200
    update_user("user", active=False)
    problem(client.get("/api/v1/dags", headers=basic("user")), 401)


def test_the_session_key_is_saved_in_the_config_file(client: Any, tradewind_home: Path) -> None:
    import tomllib

    saved = tomllib.loads((tradewind_home / "tradewind.toml").read_text())["webserver"]["secret_key"]
    assert len(saved) >= 32


# --- DAGs ------------------------------------------------------------------------------------------
def test_dags_list_filters_and_pages(client: Any) -> None:
    body = client.get("/api/v1/dags", headers=ADMIN).json()
    assert [d["dag_id"] for d in body["dags"]] == ["api_demo", "other_dag"] and body["total_entries"] == 2
    assert {t["name"] for t in body["dags"][0]["tags"]} == {"api", "demo"}
    assert [d["dag_id"] for d in client.get("/api/v1/dags?tags=other", headers=ADMIN).json()["dags"]] == ["other_dag"]
    assert [d["dag_id"] for d in client.get("/api/v1/dags?dag_id_pattern=api", headers=ADMIN).json()["dags"]] == [
        "api_demo"
    ]
    page = client.get("/api/v1/dags?limit=1&offset=1", headers=ADMIN).json()
    assert [d["dag_id"] for d in page["dags"]] == ["other_dag"] and page["total_entries"] == 2
    problem(client.get("/api/v1/dags?limit=0", headers=ADMIN), 400)
    problem(client.get("/api/v1/dags?limit=ten", headers=ADMIN), 400)
    problem(client.get("/api/v1/dags?only_active=maybe", headers=ADMIN), 400)


def test_get_and_pause_a_dag(client: Any) -> None:
    assert client.get(f"/api/v1/dags/{DAG_ID}", headers=ADMIN).json()["is_paused"] is True
    resp = client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": False}, headers=ADMIN)
    assert resp.status_code == 200 and resp.json()["is_paused"] is False
    assert client.get(f"/api/v1/dags/{DAG_ID}", headers=ADMIN).json()["is_paused"] is False
    problem(client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": "yes"}, headers=ADMIN), 400)
    problem(client.patch(f"/api/v1/dags/{DAG_ID}", json={"paused": True}, headers=ADMIN), 400)
    problem(client.patch("/api/v1/dags/nope", json={"is_paused": True}, headers=ADMIN), 404)
    problem(client.get("/api/v1/dags/nope", headers=ADMIN), 404)


def test_grid_data_has_every_task_of_every_run(client: Any) -> None:
    body = client.get(f"/api/v1/dags/{DAG_ID}/grid", headers=ADMIN).json()
    run_id = first_run_id()
    assert [r["dag_run_id"] for r in body["dag_runs"]] == [run_id]
    assert {t: c["state"] for t, c in body["task_instances"][run_id].items()} == {
        "first": "success",
        "second": "success",
    }


# --- DAG runs --------------------------------------------------------------------------------------
def test_trigger_a_run_with_conf_then_get_list_and_delete_it(client: Any) -> None:
    resp = client.post(
        RUNS, json={"conf": {"n": 7}, "dag_run_id": "from_api", "note": "rerun after the fix"}, headers=ADMIN
    )
    assert resp.status_code == 200, resp.text
    run = resp.json()
    assert run["dag_run_id"] == "from_api" and run["state"] == "queued" and run["conf"] == {"n": 7}
    assert run["note"] == "rerun after the fix"
    assert run["external_trigger"] is True
    assert client.get(f"{RUNS}/from_api", headers=ADMIN).json()["conf"] == {"n": 7}
    listed = client.get(f"{RUNS}?state=queued", headers=ADMIN).json()
    assert [r["dag_run_id"] for r in listed["dag_runs"]] == ["from_api"]
    assert client.get("/api/v1/dags/~/dagRuns", headers=ADMIN).json()["total_entries"] == 2
    problem(client.post(RUNS, json={"dag_run_id": "from_api"}, headers=ADMIN), 409)
    assert client.delete(f"{RUNS}/from_api", headers=ADMIN).status_code == 204
    problem(client.get(f"{RUNS}/from_api", headers=ADMIN), 404)
    problem(client.delete(f"{RUNS}/from_api", headers=ADMIN), 404)


def test_runs_filter_refuses_an_unknown_state(client: Any) -> None:
    assert "unknown DAG run state 'sucess'" in problem(client.get(f"{RUNS}?state=sucess", headers=ADMIN), 400)["detail"]


def test_runs_filter_on_logical_dates(client: Any) -> None:
    assert client.get(f"{RUNS}?execution_date_gte=2024-03-01", headers=ADMIN).json()["total_entries"] == 1
    assert client.get(f"{RUNS}?execution_date_gte=2024-04-01T00:00:00Z", headers=ADMIN).json()["total_entries"] == 0
    problem(client.get(f"{RUNS}?execution_date_gte=yesterday", headers=ADMIN), 400)


def test_every_range_filter_of_the_run_and_task_instance_lists_bounds_its_own_field(client: Any) -> None:
    """Each `<field>_gte` / `<field>_lte` pair, in the URL and in the batch forms' bodies."""
    run_id = first_run_id()
    tis_url = f"{RUNS}/{run_id}/taskInstances"
    run = client.get(f"{RUNS}/{run_id}", headers=ADMIN).json()
    first = client.get(f"{tis_url}/first", headers=ADMIN).json()

    def count(url: str, key: str, **params: Any) -> int:
        return len(client.get(url, params=params, headers=ADMIN).json()[key])

    def posted(url: str, key: str, **body: Any) -> int:
        return len(client.post(url, json=body, headers=ADMIN).json()[key])

    def before(when: str) -> str:
        return (datetime.fromisoformat(when) - timedelta(seconds=1)).isoformat()

    for field in ("start_date", "end_date"):
        at, earlier = run[field], before(run[field])
        assert count(RUNS, "dag_runs", **{f"{field}_gte": at}) == 1
        assert count(RUNS, "dag_runs", **{f"{field}_lte": earlier}) == 0
        assert posted(f"{ROOT}/dags/~/dagRuns/list", "dag_runs", dag_ids=[DAG_ID], **{f"{field}_gte": at}) == 1
        assert posted(f"{ROOT}/dags/~/dagRuns/list", "dag_runs", dag_ids=[DAG_ID], **{f"{field}_lte": earlier}) == 0
        at, earlier = first[field], before(first[field])
        assert count(tis_url, "task_instances", **{f"{field}_lte": at}) >= 1
        assert count(tis_url, "task_instances", **{f"{field}_lte": earlier}) == 0
        assert posted(f"{ROOT}/dags/~/dagRuns/~/taskInstances/list", "task_instances", **{f"{field}_lte": earlier}) == 0
    assert count(RUNS, "dag_runs", updated_at_gte="2999-01-01T00:00:00Z") == 0
    assert count(RUNS, "dag_runs", updated_at_lte="2999-01-01T00:00:00Z") == 1
    assert count(tis_url, "task_instances", updated_at_gte="2999-01-01T00:00:00Z") == 0
    assert count(tis_url, "task_instances", duration_gte=first["duration"], task_ids=None) >= 1
    assert count(tis_url, "task_instances", duration_lte=-1) == 0
    assert posted(f"{ROOT}/dags/~/dagRuns/~/taskInstances/list", "task_instances", duration_lte=-1) == 0
    assert posted(f"{ROOT}/dags/~/dagRuns/~/taskInstances/list", "task_instances", duration_gte=0) == 2
    problem(client.get(tis_url, params={"end_date_lte": "later"}, headers=ADMIN), 400)
    problem(client.post(f"{ROOT}/dags/~/dagRuns/list", json={"start_date_gte": "soon"}, headers=ADMIN), 400)


def test_trigger_refuses_bad_conf_params_and_dates(client: Any) -> None:
    problem(client.post(RUNS, json={"conf": [1, 2]}, headers=ADMIN), 400)
    problem(client.post(RUNS, json={"conf": {"n": 0}}, headers=ADMIN), 400)  # Param minimum=1
    problem(client.post(RUNS, json={"logical_date": "2024-13-45"}, headers=ADMIN), 400)
    problem(client.post(RUNS, json={"dag_run_id": ""}, headers=ADMIN), 400)
    problem(client.post(RUNS, json={"surprise": 1}, headers=ADMIN), 400)
    problem(client.post("/api/v1/dags/nope/dagRuns", json={}, headers=ADMIN), 404)


def test_clear_a_run_then_mark_it(client: Any) -> None:
    run_id = first_run_id()
    dry = client.post(f"{RUNS}/{run_id}/clear", json={}, headers=ADMIN).json()
    assert {t["task_id"] for t in dry["task_instances"]} == {"first", "second"}
    assert client.get(f"{RUNS}/{run_id}", headers=ADMIN).json()["state"] == "success"  # dry run changed nothing
    cleared = client.post(f"{RUNS}/{run_id}/clear", json={"dry_run": False}, headers=ADMIN).json()
    assert cleared["state"] == "queued"
    tis = client.get(f"{RUNS}/{run_id}/taskInstances", headers=ADMIN).json()["task_instances"]
    assert all(t["state"] in (None, "none") for t in tis), tis
    marked = client.patch(f"{RUNS}/{run_id}", json={"state": "failed"}, headers=ADMIN).json()
    assert marked["state"] == "failed"
    problem(client.patch(f"{RUNS}/{run_id}", json={"state": "exploded"}, headers=ADMIN), 400)
    problem(client.post(f"{RUNS}/nope/clear", json={}, headers=ADMIN), 404)


# --- task instances, logs, XCom --------------------------------------------------------------------
def test_task_instances_list_get_and_log(client: Any) -> None:
    run_id = first_run_id()
    tis = client.get(f"{RUNS}/{run_id}/taskInstances", headers=ADMIN).json()
    assert {t["task_id"]: t["state"] for t in tis["task_instances"]} == {"first": "success", "second": "success"}
    ti = client.get(f"{RUNS}/{run_id}/taskInstances/first", headers=ADMIN).json()
    assert ti["try_number"] == 1 and ti["operator"] == "BashOperator"
    log = client.get(f"{RUNS}/{run_id}/taskInstances/first/logs/1", headers=ADMIN).json()
    assert "hello from api" in log["content"]
    rest = client.get(
        f"{RUNS}/{run_id}/taskInstances/first/logs/1?offset={log['continuation_token']}", headers=ADMIN
    ).json()
    assert rest["content"] == ""
    text = client.get(f"{RUNS}/{run_id}/taskInstances/first/logs/1", headers={**ADMIN, "Accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain") and "hello from api" in text.text
    problem(client.get(f"{RUNS}/{run_id}/taskInstances/first/logs/9", headers=ADMIN), 404)
    problem(client.get(f"{RUNS}/{run_id}/taskInstances/first/logs/x", headers=ADMIN), 400)
    problem(client.get(f"{RUNS}/{run_id}/taskInstances/nope", headers=ADMIN), 404)


def test_xcom_entries(client: Any) -> None:
    base = f"{RUNS}/{first_run_id()}/taskInstances/first/xcomEntries"
    listed = client.get(base, headers=ADMIN).json()
    assert [x["key"] for x in listed["xcom_entries"]] == ["return_value"]
    assert client.get(f"{base}/return_value", headers=ADMIN).json()["value"] == "hello from api"
    problem(client.get(f"{base}/nope", headers=ADMIN), 404)


def test_clear_task_instances_and_set_a_state(client: Any) -> None:
    run_id = first_run_id()
    body = {"dag_run_id": run_id, "task_ids": ["second"], "dry_run": False, "only_failed": False}
    cleared = client.post(f"/api/v1/dags/{DAG_ID}/clearTaskInstances", json=body, headers=ADMIN).json()
    assert [t["task_id"] for t in cleared["task_instances"]] == ["second"]
    ti = client.get(f"{RUNS}/{run_id}/taskInstances/second", headers=ADMIN).json()
    assert ti["state"] in (None, "none")
    assert client.get(f"{RUNS}/{run_id}/taskInstances/first", headers=ADMIN).json()["state"] == "success"
    resp = client.patch(f"{RUNS}/{run_id}/taskInstances/second", json={"new_state": "failed"}, headers=ADMIN)
    assert resp.status_code == 200 and resp.json()["task_id"] == "second"  # Airflow's TaskInstanceReference
    assert client.get(f"{RUNS}/{run_id}/taskInstances/second", headers=ADMIN).json()["state"] == "failed"
    problem(client.patch(f"{RUNS}/{run_id}/taskInstances/second", json={"new_state": "running"}, headers=ADMIN), 400)
    problem(
        client.post(
            f"/api/v1/dags/{DAG_ID}/clearTaskInstances",
            json={"dag_run_id": run_id, "task_ids": ["ghost"]},
            headers=ADMIN,
        ),
        404,
    )


# --- variables, connections, pools, users, import errors ---------------------------------------
def test_variables_crud(client: Any) -> None:
    assert client.post("/api/v1/variables", json={"key": "k1", "value": "v1"}, headers=ADMIN).status_code == 200
    assert client.get("/api/v1/variables/k1", headers=ADMIN).json()["value"] == "v1"
    patched = client.patch("/api/v1/variables/k1", json={"key": "k1", "value": "v2", "description": "d"}, headers=ADMIN)
    assert patched.json() == {"key": "k1", "value": "v2", "description": "d"}
    assert [v["key"] for v in client.get("/api/v1/variables", headers=ADMIN).json()["variables"]] == ["k1"]
    problem(client.patch("/api/v1/variables/k1", json={"key": "other", "value": "x"}, headers=ADMIN), 400)
    assert client.delete("/api/v1/variables/k1", headers=ADMIN).status_code == 204
    problem(client.get("/api/v1/variables/k1", headers=ADMIN), 404)
    problem(client.delete("/api/v1/variables/k1", headers=ADMIN), 404)
    problem(client.post("/api/v1/variables", json={"key": "k", "value": 3}, headers=ADMIN), 400)


def test_connection_passwords_are_write_only(client: Any) -> None:
    from tradewind.store.connections import get_connection

    body = {
        "connection_id": "web",
        "conn_type": "http",
        "host": "example.com",
        "login": "me",
        "password": "top-secret-pw",
        "port": 8443,
        "extra": '{"timeout": 3}',
    }
    created = client.post("/api/v1/connections", json=body, headers=ADMIN)
    assert created.status_code == 200 and "password" not in created.json()
    problem(client.post("/api/v1/connections", json=body, headers=ADMIN), 409)
    for resp in (
        client.get("/api/v1/connections/web", headers=ADMIN),
        client.get("/api/v1/connections", headers=ADMIN),
    ):
        assert "top-secret-pw" not in resp.text and resp.status_code == 200
    patched = client.patch(
        "/api/v1/connections/web",
        json={"connection_id": "web", "conn_type": "http", "host": "other.example.com"},
        headers=ADMIN,
    )
    assert patched.json()["host"] == "other.example.com"
    assert get_connection("web").password == "top-secret-pw"  # a PATCH without password keeps it
    problem(
        client.post("/api/v1/connections", json={**body, "connection_id": "x", "port": "eighty"}, headers=ADMIN), 400
    )
    problem(client.post("/api/v1/connections", json={**body, "connection_id": "x", "extra": "[1]"}, headers=ADMIN), 400)
    assert client.delete("/api/v1/connections/web", headers=ADMIN).status_code == 204
    problem(client.get("/api/v1/connections/web", headers=ADMIN), 404)


def test_pools_crud(client: Any) -> None:
    assert client.post("/api/v1/pools", json={"name": "gpu", "slots": 2}, headers=ADMIN).json()["slots"] == 2
    assert client.patch("/api/v1/pools/gpu", json={"name": "gpu", "slots": 4}, headers=ADMIN).json()["slots"] == 4
    names = [p["name"] for p in client.get("/api/v1/pools", headers=ADMIN).json()["pools"]]
    assert "gpu" in names and "default_pool" in names
    problem(client.post("/api/v1/pools", json={"name": "bad", "slots": -5}, headers=ADMIN), 400)
    problem(client.delete("/api/v1/pools/default_pool", headers=ADMIN), 400)
    assert client.delete("/api/v1/pools/gpu", headers=ADMIN).status_code == 204
    problem(client.get("/api/v1/pools/gpu", headers=ADMIN), 404)


def test_users_crud(client: Any) -> None:
    body = {
        "username": "newbie",
        "first_name": "New",
        "last_name": "Bie",
        "email": "n@example.com",
        "roles": [{"name": "User"}],
        "password": "newbie-pw",
    }
    created = client.post("/api/v1/users", json=body, headers=ADMIN)
    assert created.status_code == 200 and "password" not in created.json()
    assert created.json()["roles"] == [{"name": "User"}]
    problem(client.post("/api/v1/users", json=body, headers=ADMIN), 409)
    problem(
        client.post("/api/v1/users", json={**body, "username": "x", "roles": [{"name": "God"}]}, headers=ADMIN), 400
    )
    assert client.get("/api/v1/dags", headers=basic("newbie", "newbie-pw")).status_code == 200
    patched = client.patch(
        "/api/v1/users/newbie", json={**body, "roles": [{"name": "Op"}], "password": "changed-pw"}, headers=ADMIN
    )
    assert patched.json()["roles"] == [{"name": "Op"}]
    problem(client.get("/api/v1/dags", headers=basic("newbie", "newbie-pw")), 401)
    assert client.get("/api/v1/variables", headers=basic("newbie", "changed-pw")).status_code == 200
    problem(client.delete("/api/v1/users/admin", headers=ADMIN), 400)  # not yourself
    assert client.delete("/api/v1/users/newbie", headers=ADMIN).status_code == 204
    problem(client.get("/api/v1/users/newbie", headers=ADMIN), 404)


def test_import_errors(client: Any) -> None:
    errors = client.get("/api/v1/importErrors", headers=ADMIN).json()["import_errors"]
    assert len(errors) == 1 and errors[0]["filename"].endswith("broken.py")
    assert "no_such_module_anywhere" in errors[0]["stack_trace"]
    one = client.get(f"/api/v1/importErrors/{errors[0]['import_error_id']}", headers=ADMIN).json()
    assert one["filename"] == errors[0]["filename"]
    problem(client.get("/api/v1/importErrors/999", headers=ADMIN), 404)


# --- malformed input: always a 4xx, never a 500 -----------------------------------------------------
def test_malformed_json_and_oversized_bodies(client: Any) -> None:
    json_headers = {**ADMIN, "Content-Type": "application/json"}
    assert "JSON" in problem(client.post("/api/v1/variables", content=b"{bad", headers=json_headers), 400)["detail"]
    problem(client.post("/api/v1/variables", content=b"", headers=json_headers), 400)
    problem(client.post("/api/v1/variables", content=b"\xff\xfe", headers=json_headers), 400)
    big = b'{"key": "k", "value": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    problem(client.post("/api/v1/variables", content=big, headers=json_headers), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while streaming
        for _ in range(40):
            yield b"x" * 65536

    problem(client.post("/api/v1/variables", content=chunks(), headers=json_headers), 413)
    problem(client.get("/api/v1/no/such/thing", headers=ADMIN), 404)
    problem(client.put("/api/v1/dags", headers=ADMIN), 405)


GARBAGE: list[Any] = [
    None,
    1,
    "text",
    [],
    [1, {"a": 2}],
    {"": None},
    {"key": {"nested": [1]}},
    {"x" * 300: 1},
    {"conf": "not-a-dict", "dag_run_id": 5, "logical_date": "2024-02-30"},
    {"name": "p", "slots": 1.5},
    {"state": None},
    {"new_state": ["success"]},
    {"is_paused": None},
    {"dag_run_id": None, "task_ids": "first"},
    {"username": "", "roles": "Admin"},
]


def test_every_writing_endpoint_answers_garbage_with_a_4xx(client: Any) -> None:
    run = f"{RUNS}/{first_run_id()}"
    targets = [
        ("post", RUNS),
        ("patch", f"/api/v1/dags/{DAG_ID}"),
        ("patch", run),
        ("post", f"{run}/clear"),
        ("post", f"/api/v1/dags/{DAG_ID}/clearTaskInstances"),
        ("patch", f"{run}/taskInstances/first"),
        ("post", "/api/v1/variables"),
        ("patch", "/api/v1/variables/k"),
        ("post", "/api/v1/connections"),
        ("patch", "/api/v1/connections/c"),
        ("post", "/api/v1/pools"),
        ("patch", "/api/v1/pools/p"),
        ("post", "/api/v1/users"),
        ("patch", "/api/v1/users/viewer"),
    ]
    failures = []
    for method, url in targets:
        for body in GARBAGE:
            resp = getattr(client, method)(url, json=body, headers=ADMIN)
            if not 400 <= resp.status_code < 500:
                failures.append(f"{method.upper()} {url} {body!r}: {resp.status_code} {resp.text[:120]}")
            elif set(resp.json()) != PROBLEM_KEYS:
                failures.append(f"{method.upper()} {url} {body!r}: not a problem document: {resp.text[:120]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/dags/%00",
        "/api/v1/dags/" + "x" * 5000,
        f"{RUNS}/%ff%fe",
        f"{RUNS}?limit=-1",
        f"{RUNS}?offset=abc",
        "/api/v1/dags?tags=",
        "/api/v1/importErrors/99999999999999999999999",
        f"{RUNS}/x/taskInstances/y?map_index=-5",
    ],
)
def test_odd_urls_get_a_4xx(client: Any, url: str) -> None:
    resp = client.get(url, headers=ADMIN)
    assert 400 <= resp.status_code < 500 or (resp.status_code == 200 and url.endswith("tags=")), resp.text


def test_out_of_range_values_get_a_400(client: Any) -> None:
    run = f"{RUNS}/{first_run_id()}"
    for body in (
        {"logical_date": "0001-01-01T00:00:00Z"},
        {"logical_date": "9999-12-31T23:59:59Z"},
        {"dag_run_id": "a/b"},
        {"dag_run_id": "x" * 251},
    ):
        problem(client.post(RUNS, json=body, headers=ADMIN), 400)
    problem(client.post("/api/v1/pools", json={"name": "p", "slots": 10**30}, headers=ADMIN), 400)
    problem(
        client.patch(f"{run}/taskInstances/first", json={"new_state": "success", "map_index": 10**20}, headers=ADMIN),
        400,
    )
    problem(client.get(f"{run}/taskInstances/first/99999999999999999999", headers=ADMIN), 400)
    problem(client.get("/api/v1/dags?limit=99999999999999999999999", headers=ADMIN), 400)
    deep = b"[" * 100_000 + b"]" * 100_000
    problem(
        client.post(
            RUNS, content=b'{"conf": {"a": ' + deep + b"}}", headers={**ADMIN, "Content-Type": "application/json"}
        ),
        400,
    )


def test_a_json_body_sent_as_a_form_would_be_is_refused(client: Any) -> None:
    """A cross-site form can post text/plain or form data with the browser's credentials: never a change."""
    from tradewind.store import runs

    before = len(runs.list_dag_runs(DAG_ID))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        problem(client.post(RUNS, content=b'{"conf": {}}', headers={**ADMIN, "Content-Type": content_type}), 400)
    assert len(runs.list_dag_runs(DAG_ID)) == before


# --- review fixes -------------------------------------------------------------------------------
def test_a_log_offset_past_the_end_reads_nothing_instead_of_a_500(client: Any) -> None:
    log = f"{RUNS}/{first_run_id()}/taskInstances/first/logs/1"
    whole = client.get(log, headers=ADMIN).json()
    assert "hello from api" in whole["content"]
    for offset in (10**6, 2**62):
        resp = client.get(f"{log}?offset={offset}", headers=ADMIN)
        assert resp.status_code == 200, resp.text
        assert resp.json() == {"content": "", "continuation_token": whole["continuation_token"]}


def test_trigger_refuses_a_logical_date_and_a_different_execution_date(client: Any) -> None:
    body = {"logical_date": "2024-01-01T00:00:00Z", "execution_date": "2024-01-02T00:00:00Z"}
    assert "differ" in problem(client.post(RUNS, json=body, headers=ADMIN), 400)["detail"]
    same = client.post(RUNS, json={**body, "execution_date": body["logical_date"]}, headers=ADMIN)
    assert same.status_code == 200 and same.json()["logical_date"].startswith("2024-01-01T00:00:00")


def test_secret_looking_variable_values_are_masked_in_responses(client: Any) -> None:
    from tradewind.store.variables import get_variable_record

    created = client.post("/api/v1/variables", json={"key": "db_password", "value": "hunter2-pw"}, headers=ADMIN)
    assert created.status_code == 200 and created.json()["value"] == "***"
    got = client.get("/api/v1/variables/db_password", headers=ADMIN)
    assert got.json()["value"] == "***" and "hunter2-pw" not in got.text
    assert get_variable_record("db_password").val == "hunter2-pw"
    problem(client.post("/api/v1/variables", json={"key": "  ", "value": "v"}, headers=ADMIN), 400)


def test_connection_extra_secrets_are_masked_and_survive_a_read_edit_save(client: Any) -> None:
    import json

    from tradewind.store.connections import get_connection

    extra = json.dumps({"api_key": "key-0123456789", "timeout": 3})
    body = {"connection_id": "svc", "conn_type": "http", "password": "pw-0123456", "extra": extra}
    assert client.post("/api/v1/connections", json=body, headers=ADMIN).status_code == 200
    shown = client.get("/api/v1/connections/svc", headers=ADMIN).json()
    assert json.loads(shown["extra"]) == {"api_key": "***", "timeout": 3}
    assert "key-0123456789" not in client.get("/api/v1/connections", headers=ADMIN).text
    edited = client.patch("/api/v1/connections/svc", json={**shown, "host": "example.org"}, headers=ADMIN)
    assert edited.status_code == 200, edited.text
    stored = get_connection("svc")
    assert stored.host == "example.org" and stored.password == "pw-0123456"
    assert json.loads(stored.extra) == {"api_key": "key-0123456789", "timeout": 3}
    for bad in ({"connection_id": "  "}, {"connection_id": "x", "conn_type": " "}):
        problem(client.post("/api/v1/connections", json={**body, **bad}, headers=ADMIN), 400)


def test_the_login_throttle_forgets_keys_whose_failures_expired() -> None:
    """Every request with a new username used to leave an entry behind: memory grew without bound."""
    from tradewind.api.security import LoginThrottle

    expiring = LoginThrottle(limit=2, window=0.0)  # each failure is already out of the window
    for i in range(100):
        expiring.fail(f"user{i}|203.0.113.9")
        assert not expiring.blocked(f"user{i}|203.0.113.9")
    assert expiring._failures == {}
    lasting = LoginThrottle(limit=2, window=3600.0)
    lasting.fail("a|here")
    lasting.fail("a|here")
    assert lasting.blocked("a|here") and not lasting.blocked("b|here") and set(lasting._failures) == {"a|here"}
    lasting.succeed("a|here")
    assert not lasting.blocked("a|here")


def test_one_pool_reports_the_slots_in_use_as_the_list_does(client: Any) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    run_id = new_run("pool_probe")
    ti = task_instances.get_task_instance(DAG_ID, run_id, "first", -1)
    task_instances.set_states([StateChange(DAG_ID, run_id, "first", -1, frozenset({ti.state}), "queued", {})])
    listed = {p["name"]: p for p in client.get("/api/v1/pools", headers=ADMIN).json()["pools"]}
    one = client.get("/api/v1/pools/default_pool", headers=ADMIN).json()
    assert one["queued_slots"] == listed["default_pool"]["queued_slots"] == 1


def test_a_log_read_never_cuts_a_character_in_two(client: Any) -> None:
    """A task writing 'é' may have written one of its two bytes when the log is polled."""
    from tradewind.runtime.task_log import log_path

    run_id = first_run_id()
    path = log_path(DAG_ID, run_id, "first", -1, 1)
    path.write_bytes(b"caf\xc3")
    log = f"{RUNS}/{run_id}/taskInstances/first/logs/1"
    first = client.get(log, headers=ADMIN).json()
    assert first == {"content": "caf", "continuation_token": "3"}
    with path.open("ab") as fh:
        fh.write(b"\xa9 \xe2\x9c\x94\n")
    rest = client.get(f"{log}?offset=3", headers=ADMIN).json()
    assert rest == {"content": "é ✔\n", "continuation_token": str(len("café ✔\n".encode()))}


def test_connections_test_checks_a_body_or_a_stored_connection_against_a_real_server(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from network_servers import start_http

    monkeypatch.setenv("TRADEWIND__CORE__TEST_CONNECTION", "Enabled")

    server = start_http({"/v1": lambda r: (200, {}, b"ok"), "/locked": lambda r: (403, {}, b"no")})
    try:
        body = {"connection_id": "api", "conn_type": "http", "host": f"http://{server.host}:{server.port}/v1"}
        ok = client.post("/api/v1/connections/test", json=body, headers=ADMIN)
        assert ok.status_code == 200 and ok.json() == {
            "status": True,
            "message": f"HTTP 200 OK from http://{server.host}:{server.port}/v1",
        }
        locked = {**body, "host": f"http://{server.host}:{server.port}/locked", "password": "Api-Secret-9"}
        refused = client.post("/api/v1/connections/test", json=locked, headers=ADMIN).json()
        assert refused["status"] is False and refused["message"].startswith("HTTP 403 Forbidden")
        problem(client.post("/api/v1/connections/test", json={**body, "port": 70000}, headers=ADMIN), 400)
        problem(client.post("/api/v1/connections/test", json=body, headers=basic("viewer")), 403)
        assert client.get("/api/v1/connections/api", headers=ADMIN).status_code == 404  # testing saves nothing
    finally:
        server.stop()


def test_connection_tests_and_the_config_are_off_unless_configured(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"connection_id": "t", "conn_type": "http", "host": "localhost"}
    off = problem(client.post("/api/v1/connections/test", json=body, headers=ADMIN), 403)
    assert "test_connection" in off["detail"]
    assert "expose_config" in problem(client.get("/api/v1/config", headers=ADMIN), 403)["detail"]
    monkeypatch.setenv("TRADEWIND__CORE__TEST_CONNECTION", "Enabled")
    monkeypatch.setenv("TRADEWIND__WEBSERVER__EXPOSE_CONFIG", "True")
    tested = client.post("/api/v1/connections/test", json=body, headers=ADMIN).json()
    assert set(tested) == {"status", "message"} and isinstance(tested["status"], bool)
    problem(client.post("/api/v1/connections/test", json=body, headers=basic("user")), 403)  # Op and Admin only
    sections = client.get("/api/v1/config?section=webserver", headers=ADMIN).json()["sections"]
    secret = {o["key"]: o["value"] for o in sections[0]["options"]}["secret_key"]
    assert secret and secret != "< hidden >"  # `True` shows everything, as Airflow
    assert client.get("/api/v1/config", headers=basic("op")).status_code == 200  # Op and Admin, as Airflow's
    problem(client.get("/api/v1/config", headers=basic("user")), 403)
