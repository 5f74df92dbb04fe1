"""Every role × every state-changing REST API action (and the secret reads): allowed (2xx) or 403.

One table says which role may do what (Airflow's split); each row's request is sent once per role.
Rows that consume something (a run to delete, a variable to change) get a fresh target per call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api_env import DAG_ID, ROLES, basic, build, first_run_id, new_run

ALL = set(ROLES)
USER_UP = {"Admin", "Op", "User"}
OP_UP = {"Admin", "Op"}
ADMIN = {"Admin"}
_n = itertools.count(1)


def uid(prefix: str) -> str:
    return f"{prefix}_{next(_n)}"


def _variable() -> str:
    from tradewind.store.variables import set_variable

    return set_variable(uid("var"), "v").key


def _pool() -> str:
    from tradewind.store.pools import set_pool

    return set_pool(uid("pool"), 2).pool


def _connection() -> str:
    from tradewind.store.connections import set_connection

    conn_id = uid("conn")
    set_connection(conn_id, conn_type="http", host="example.com", password="s3cret")
    return conn_id


def _user() -> str:
    from tradewind.store.users import create_user

    name = uid("someone")
    create_user(name, "Some", "One", f"{name}@example.com", ["Viewer"], "x-pw")
    return name


Action = Callable[[Any, dict[str, str]], Any]
RUN = f"/api/v1/dags/{DAG_ID}/dagRuns"

# name -> (roles allowed, request)
TABLE: dict[str, tuple[set[str], Action]] = {
    # DAGs and runs: User and up
    "pause DAG": (USER_UP, lambda c, h: c.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": True}, headers=h)),
    "trigger run": (USER_UP, lambda c, h: c.post(RUN, json={"dag_run_id": uid("trig"), "conf": {"n": 5}}, headers=h)),
    "delete run": (USER_UP, lambda c, h: c.delete(f"{RUN}/{new_run(uid('del'))}", headers=h)),
    "mark run": (USER_UP, lambda c, h: c.patch(f"{RUN}/{new_run(uid('mark'))}", json={"state": "failed"}, headers=h)),
    "clear run": (USER_UP, lambda c, h: c.post(f"{RUN}/{first_run_id()}/clear", json={"dry_run": False}, headers=h)),
    "clear task instances": (
        USER_UP,
        lambda c, h: c.post(
            f"/api/v1/dags/{DAG_ID}/clearTaskInstances",
            json={"dag_run_id": first_run_id(), "task_ids": ["second"], "dry_run": False},
            headers=h,
        ),
    ),
    "set task state": (
        USER_UP,
        lambda c, h: c.patch(
            f"{RUN}/{new_run(uid('ti'))}/taskInstances/first", json={"new_state": "success"}, headers=h
        ),
    ),
    # variables, connections, pools: Op and up
    "create variable": (
        OP_UP,
        lambda c, h: c.post("/api/v1/variables", json={"key": uid("k"), "value": "1"}, headers=h),
    ),
    "update variable": (
        OP_UP,
        lambda c, h: c.patch(f"/api/v1/variables/{(k := _variable())}", json={"key": k, "value": "2"}, headers=h),
    ),
    "delete variable": (OP_UP, lambda c, h: c.delete(f"/api/v1/variables/{_variable()}", headers=h)),
    "create connection": (
        OP_UP,
        lambda c, h: c.post(
            "/api/v1/connections", json={"connection_id": uid("c"), "conn_type": "http", "password": "p"}, headers=h
        ),
    ),
    "update connection": (
        OP_UP,
        lambda c, h: c.patch(
            f"/api/v1/connections/{(k := _connection())}", json={"connection_id": k, "conn_type": "ftp"}, headers=h
        ),
    ),
    "delete connection": (OP_UP, lambda c, h: c.delete(f"/api/v1/connections/{_connection()}", headers=h)),
    "create pool": (OP_UP, lambda c, h: c.post("/api/v1/pools", json={"name": uid("p"), "slots": 3}, headers=h)),
    "update pool": (
        OP_UP,
        lambda c, h: c.patch(f"/api/v1/pools/{(k := _pool())}", json={"name": k, "slots": 9}, headers=h),
    ),
    "delete pool": (OP_UP, lambda c, h: c.delete(f"/api/v1/pools/{_pool()}", headers=h)),
    # users: Admin only
    "create user": (
        ADMIN,
        lambda c, h: c.post(
            "/api/v1/users",
            headers=h,
            json={
                "username": uid("u"),
                "first_name": "F",
                "last_name": "L",
                "email": "u@example.com",
                "roles": [{"name": "Viewer"}],
                "password": "pw-123",
            },
        ),
    ),
    "update user": (
        ADMIN,
        lambda c, h: c.patch(
            f"/api/v1/users/{(k := _user())}",
            headers=h,
            json={
                "username": k,
                "first_name": "G",
                "last_name": "L",
                "email": "g@example.com",
                "roles": [{"name": "Op"}],
            },
        ),
    ),
    "delete user": (ADMIN, lambda c, h: c.delete(f"/api/v1/users/{_user()}", headers=h)),
    "end a user's sessions": (ADMIN, lambda c, h: c.delete(f"/api/v1/users/{_user()}/sessions", headers=h)),
    # reads: secrets are Op and up, users Admin only, the rest everyone
    "read DAGs": (ALL, lambda c, h: c.get("/api/v1/dags", headers=h)),
    "read runs": (ALL, lambda c, h: c.get(f"{RUN}", headers=h)),
    "read task log": (ALL, lambda c, h: c.get(f"{RUN}/{first_run_id()}/taskInstances/first/logs/1", headers=h)),
    "read pools": (ALL, lambda c, h: c.get("/api/v1/pools", headers=h)),
    "read import errors": (ALL, lambda c, h: c.get("/api/v1/importErrors", headers=h)),
    "read variables": (OP_UP, lambda c, h: c.get("/api/v1/variables", headers=h)),
    "read a variable": (OP_UP, lambda c, h: c.get(f"/api/v1/variables/{_variable()}", headers=h)),
    "read connections": (OP_UP, lambda c, h: c.get("/api/v1/connections", headers=h)),
    "read users": (ADMIN, lambda c, h: c.get("/api/v1/users", headers=h)),
}


@pytest.fixture
def client(tradewind_home: Path) -> Iterator[Any]:
    with build(tradewind_home) as c:
        yield c


def test_every_role_against_every_action(client: Any) -> None:
    expected = {name: {role: role in allowed for role in ROLES} for name, (allowed, _) in TABLE.items()}
    observed: dict[str, dict[str, bool]] = {}
    unexpected: list[str] = []
    for name, (_allowed, send) in TABLE.items():
        observed[name] = {}
        for role in ROLES:
            resp = send(client, basic(role.lower()))
            if resp.status_code == 403:
                observed[name][role] = False
            elif 200 <= resp.status_code < 300:
                observed[name][role] = True
            else:
                unexpected.append(f"{name} as {role}: {resp.status_code} {resp.text[:200]}")
    assert not unexpected, "\n".join(unexpected)
    wrong = [
        f"{name}: {role} {'may' if ok else 'may not'} but got the opposite"
        for name, row in expected.items()
        for role, ok in row.items()
        if observed[name][role] != ok
    ]
    assert not wrong, "\n".join(wrong)


def test_anonymous_callers_get_401_everywhere(client: Any) -> None:
    statuses = {name: send(client, {}).status_code for name, (_allowed, send) in TABLE.items()}
    assert set(statuses.values()) == {401}, statuses


def test_a_forbidden_action_changes_nothing(client: Any) -> None:
    from tradewind.store import dags, runs

    before = len(runs.list_dag_runs(DAG_ID))
    assert client.post(RUN, json={}, headers=basic("viewer")).status_code == 403
    assert client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": False}, headers=basic("viewer")).status_code == 403
    assert len(runs.list_dag_runs(DAG_ID)) == before
    assert dags.get_dag(DAG_ID).is_paused is True  # paused at creation, still paused


def test_roles_add_up_and_a_user_without_roles_may_do_nothing(client: Any) -> None:
    from tradewind.store.users import add_role, create_user, set_roles

    create_user("multi", "M", "R", "m@example.com", ["Viewer"], "multi-pw")
    assert client.get("/api/v1/variables", headers=basic("multi", "multi-pw")).status_code == 403
    add_role("multi", "Op")
    assert client.get("/api/v1/variables", headers=basic("multi", "multi-pw")).status_code == 200
    set_roles("multi", [])
    assert client.get("/api/v1/dags", headers=basic("multi", "multi-pw")).status_code == 403


def test_session_cookie_needs_the_csrf_token_for_changes(client: Any) -> None:
    from tradewind.api.security import COOKIE, make_session

    value, csrf = make_session("user")
    client.cookies.set(COOKIE, value)
    assert client.get("/api/v1/dags").status_code == 200
    denied = client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": False})
    assert denied.status_code == 403 and "CSRF" in denied.json()["detail"]
    wrong = client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": False}, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    ok = client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": False}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and ok.json()["is_paused"] is False
    # a Viewer's session with a valid token is still a Viewer
    value, csrf = make_session("viewer")
    client.cookies.set(COOKIE, value)
    assert (
        client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": True}, headers={"X-CSRF-Token": csrf}).status_code
        == 403
    )


def test_a_forged_or_foreign_session_cookie_is_anonymous(client: Any) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from tradewind.api.security import COOKIE

    forged = URLSafeTimedSerializer("not-our-key", salt="tradewind-session").dumps({"u": "admin", "c": "x"})
    client.cookies.set(COOKIE, forged)
    assert client.get("/api/v1/dags").status_code == 401
    client.cookies.set(COOKIE, "garbage")
    assert client.get("/api/v1/dags").status_code == 401


def test_a_password_change_ends_the_sessions_opened_before_it(client: Any) -> None:
    from tradewind.api.security import COOKIE, make_session
    from tradewind.store.users import set_password

    value, _csrf = make_session("op")
    client.cookies.set(COOKIE, value)
    assert client.get("/api/v1/variables").status_code == 200
    set_password("op", "a-new-password")
    assert client.get("/api/v1/variables").status_code == 401


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_session_cookie_is_httponly_and_samesite_lax(scheme: str) -> None:
    from starlette.requests import Request
    from starlette.responses import Response

    from tradewind.api.security import COOKIE, set_session_cookie

    request = Request(
        {
            "type": "http",
            "scheme": scheme,
            "method": "GET",
            "path": "/",
            "headers": [],
            "query_string": b"",
            "server": ("example.com", 443 if scheme == "https" else 80),
        }
    )
    response = Response()
    set_session_cookie(response, request, "signed-value")
    header = response.headers["set-cookie"]
    assert header.startswith(f"{COOKIE}=signed-value;")
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    assert ("Secure" in header) == (scheme == "https")


NUMERIC = {"task_try_number", "try_number", "import_error_id", "map_index", "event_log_id"}
# Airflow's batch reads: POST only because their filters travel in a body (a Viewer may use them).
READ_ONLY_POSTS = {"/api/v1/dags/~/dagRuns/list", "/api/v1/dags/~/dagRuns/~/taskInstances/list"}
OPEN = {
    "/",
    "/login",  # "/" only redirects to /home
    "/health",
    "/api/v1/health",
    "/api/v1/version",
    "/api/v1/openapi.json",
}


def _routes() -> list[tuple[str, str]]:
    """(method, path with every parameter filled in) for every route of every API and UI router."""
    import importlib
    import pkgutil
    import re

    import tradewind.api.routes
    import tradewind.ui.views

    out = []
    for package, prefix in ((tradewind.api.routes, "/api/v1"), (tradewind.ui.views, "")):
        for info in pkgutil.iter_modules(package.__path__):
            router = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), "router", None)
            for route in getattr(router, "routes", []):
                full = prefix + route.path
                if full in OPEN:
                    continue
                path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: "1" if m.group(1) in NUMERIC else "x", full)
                out += [(method, path) for method in sorted(route.methods) if method != "HEAD"]
    return out


def test_no_route_answers_an_anonymous_caller(client: Any) -> None:
    routes = _routes()
    assert len(routes) > 50 and any(not p.startswith("/api/") for _m, p in routes)
    wrong = []
    for method, path in routes:
        resp = client.request(method, path, follow_redirects=False)
        if path.startswith("/api/"):
            ok = resp.status_code == 401
        else:
            ok = resp.status_code == 303 and resp.headers["location"].startswith("/login")
        if not ok:
            wrong.append(f"{method} {path}: {resp.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_viewer_session_may_change_nothing_anywhere(client: Any) -> None:
    """Every state-changing route, API or UI, with a Viewer's valid session and CSRF token: 403 (signing out and
    choosing one's own time zone aside: they change nothing but the viewer's own session and display)."""
    from tradewind.api.security import COOKIE, make_session

    value, csrf = make_session("viewer")
    client.cookies.set(COOKIE, value)
    wrong = []
    for method, path in _routes():
        if method == "GET" or path.startswith(("/logout", "/timezone")) or path in READ_ONLY_POSTS:
            continue
        resp = client.request(
            method, path, headers={"X-CSRF-Token": csrf}, data={"csrf_token": csrf}, follow_redirects=False
        )
        if resp.status_code != 403:
            wrong.append(f"{method} {path}: {resp.status_code}")
    assert not wrong, "\n".join(wrong)
