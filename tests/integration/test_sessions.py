"""Sessions end on the server: a cookie copied before sign-out, a role change or "sign out everywhere" opens nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api_env import PASSWORD, basic, build

HTML = {"Accept": "text/html"}


@pytest.fixture
def client(tradewind_home: Path) -> Iterator[Any]:
    with build(tradewind_home, with_run=False) as c:
        yield c


def sign_in(client: Any, username: str) -> tuple[str, str]:
    """Through the login form, as a browser does; returns the session cookie's value and the page's CSRF token."""
    from tradewind.api.security import COOKIE

    client.cookies.clear()
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    resp = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/home"},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    cookie = client.cookies[COOKIE]
    return cookie, re.search(r'data-csrf="([^"]+)"', client.get("/home").text).group(1)


def use(client: Any, cookie: str) -> Any:
    """The client with this session cookie only (as someone who copied it would send it)."""
    from tradewind.api.security import COOKIE

    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    return client


def api_with(client: Any, cookie: str) -> int:
    return int(use(client, cookie).get("/api/v1/dags").status_code)


def page_with(client: Any, cookie: str) -> Any:
    return use(client, cookie).get("/home", headers=HTML, follow_redirects=False)


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(client: Any) -> None:
    cookie, csrf = sign_in(client, "viewer")
    assert api_with(client, cookie) == 200 and page_with(client, cookie).status_code == 200
    out = use(client, cookie).post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert api_with(client, cookie) == 401  # the cookie is still validly signed and unexpired: the server ended it
    again = page_with(client, cookie)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_sign_out_everywhere_ends_every_session_of_the_user_and_no_one_elses(client: Any) -> None:
    laptop, csrf = sign_in(client, "op")
    phone, _ = sign_in(client, "op")
    colleague, _ = sign_in(client, "user")
    assert [api_with(client, c) for c in (laptop, phone, colleague)] == [200, 200, 200]
    out = use(client, laptop).post("/logout/everywhere", data={"csrf_token": csrf})
    assert out.status_code == 200 and "Signed out everywhere (2 sessions)" in out.text and 'name="password"' in out.text
    assert [api_with(client, c) for c in (laptop, phone, colleague)] == [401, 401, 200]
    assert client.get("/api/v1/dags", headers=basic("op")).status_code == 200  # the password still works


def test_a_role_change_ends_the_users_sessions(client: Any) -> None:
    from tradewind.store.users import add_role, update_user

    by_store, _ = sign_in(client, "viewer")
    by_api, _ = sign_in(client, "user")
    untouched, _ = sign_in(client, "op")
    add_role("viewer", "Op")
    client.cookies.clear()
    assert (
        client.patch(
            "/api/v1/users/user",
            headers=basic("admin"),
            json={
                "username": "user",
                "first_name": "U",
                "last_name": "T",
                "email": "u@example.com",
                "roles": [{"name": "Viewer"}],
            },
        ).status_code
        == 200
    )
    update_user("op", first_name="Renamed")  # not a role change: the session lives on
    assert [api_with(client, c) for c in (by_store, by_api, untouched)] == [401, 401, 200]


def test_an_admin_signs_a_user_out_everywhere_through_the_api(client: Any) -> None:
    cookie, _ = sign_in(client, "op")
    client.cookies.clear()
    assert client.delete("/api/v1/users/op/sessions", headers=basic("admin")).status_code == 204
    assert api_with(client, cookie) == 401
    missing = client.delete("/api/v1/users/nobody/sessions", headers=basic("admin"))
    assert missing.status_code == 404 and missing.json()["detail"] == "user 'nobody' does not exist"


def test_the_database_holds_only_a_hash_of_each_live_session_and_forgets_ended_ones(client: Any) -> None:
    import sqlalchemy as sa

    from tradewind.api.security import read_session, session_id
    from tradewind.store.engine import session
    from tradewind.store.models import web_session

    cookie, csrf = sign_in(client, "viewer")
    token = read_session(cookie)["s"]
    with session() as conn:
        assert conn.execute(sa.select(web_session.c.id)).scalars().all() == [session_id(token)]
    client.post("/logout", data={"csrf_token": csrf})
    sign_in(client, "op")
    assert client.delete("/api/v1/users/op", headers=basic("admin")).status_code == 204  # their sessions go too
    with session() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(web_session)).scalar() == 0
