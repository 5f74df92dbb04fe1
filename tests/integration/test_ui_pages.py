"""The web UI's pages through the real app (TestClient, real SQLite): every page for every role,
permission-gated buttons, CSRF on every form, and the trigger form's validation."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROLES = ("Admin", "Op", "User", "Viewer")
PASSWORD = "pw-for-tests-1"
DAG_SOURCE = """
from datetime import datetime
from tradewind import DAG, Param, TaskGroup, task
from tradewind.operators.bash import BashOperator

with DAG("ui_demo", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False, tags=["ui"],
         params={"n": Param(3, type="integer", minimum=1), "who": "bob"}) as dag:
    first = BashOperator(task_id="first", bash_command="echo hello from {{ params.who }}")
    with TaskGroup("grp") as grp:
        BashOperator(task_id="b", bash_command="echo b")
        BashOperator(task_id="c", bash_command="echo c")
    first >> grp

    @task
    def double(x):
        return x * 2

    double.expand(x=[1, 2])
"""


@pytest.fixture
def app_env(tradewind_home: Path) -> Iterator[Any]:
    """A migrated database with one parsed DAG, one finished run, one user per role, and the app."""
    from fastapi.testclient import TestClient

    from tradewind.api.app import create_app
    from tradewind.cli.main import main
    from tradewind.scheduler.dag_sync import DagSync
    from tradewind.store.migrate import migrate
    from tradewind.store.users import create_user

    migrate()
    dags = tradewind_home / "dags"
    dags.mkdir(exist_ok=True)
    (dags / "ui_demo.py").write_text(textwrap.dedent(DAG_SOURCE), encoding="utf-8")
    broken = "from tradewind import DAG  # a DAG file\nimport nothing_here_at_all\n"
    (dags / "broken.py").write_text(broken, encoding="utf-8")
    DagSync().run_once(force=True)
    assert main(["dags", "test", "ui_demo", "2024-03-05"]) == 0
    for role in ROLES:
        create_user(role.lower(), role, "Tester", f"{role.lower()}@example.com", [role], PASSWORD)
    with TestClient(create_app(), base_url="http://testserver") as client:
        yield client


def login(client: Any, username: str) -> str:
    """Sign in through the login form; returns the session's CSRF token (from the page's body)."""
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    resp = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/home"},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    home = client.get("/home")
    return re.search(r'data-csrf="([^"]+)"', home.text).group(1)


def the_run_id(client: Any) -> str:
    from tradewind.store import runs

    return runs.list_dag_runs("ui_demo")[0].run_id


HTML = {"Accept": "text/html"}


def test_anonymous_is_sent_to_login(app_env: Any) -> None:
    resp = app_env.get("/dags/ui_demo/grid", headers=HTML, follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_every_role(app_env: Any, role: str) -> None:
    from urllib.parse import quote

    login(app_env, role.lower())
    run_id = quote(the_run_id(app_env), safe="")
    pages = [
        "/home",
        "/home?q=ui&status=active",
        "/home?tags=ui",
        "/dags/ui_demo/grid",
        "/dags/ui_demo/graph",
        "/dags/ui_demo/code",
        "/dags/ui_demo/runs",
        f"/dags/ui_demo/runs/{run_id}",
        f"/dags/ui_demo/runs/{run_id}/tasks/first",
        f"/dags/ui_demo/runs/{run_id}/tasks/grp.b",
        "/dags/ui_demo/grid/fragment",
        "/admin/pools",
    ]
    for url in pages:
        resp = app_env.get(url, headers=HTML)
        assert resp.status_code == 200, (url, resp.status_code, resp.text[:300])
        assert "<html" in resp.text or url.endswith("fragment")
    gated = {
        "/dags/ui_demo/trigger": "User",
        "/admin/variables": "Op",
        "/admin/connections": "Op",
        "/admin/users": "Admin",
    }
    rank = ROLES[::-1].index
    for url, needed in gated.items():
        resp = app_env.get(url, headers=HTML)
        expected = 200 if rank(role) >= rank(needed) else 403
        assert resp.status_code == expected, (role, url, resp.status_code)


def test_dags_list_shows_runs_schedule_and_import_errors(app_env: Any) -> None:
    login(app_env, "viewer")
    html = app_env.get("/home").text
    assert 'class="dot state-success"' in html
    assert "broken.py" in html and "nothing_here_at_all" in html
    assert "@daily" in html
    assert 'class="button trigger"' not in html  # a Viewer gets no trigger button
    assert "disabled" in html  # and a disabled pause switch
    assert "ui_demo" not in app_env.get("/home?q=zzz").text.split("<h1>DAGs</h1>")[1]


def _import_errors_everywhere(client: Any, capsys: pytest.CaptureFixture[str]) -> dict[str, set[str]]:
    """The files with an import error, as the UI banner, the REST API and `dags list-import-errors` tell it."""
    import json

    from tradewind.cli.main import main

    banner = client.get("/home").text.split("<h1>DAGs</h1>")[0]
    api = client.get("/api/v1/importErrors").json()["import_errors"]
    capsys.readouterr()
    main(["dags", "list-import-errors", "-o", "json"])
    cli = json.loads(capsys.readouterr().out)
    return {
        "ui": {name for name in ("broken.py", "later.py") if name in banner},
        "api": {Path(e["filename"]).name for e in api},
        "cli": {Path(e["filepath"]).name for e in cli},
    }


def test_a_deleted_file_loses_its_import_error_in_the_ui_api_and_cli_whoever_parses_it(
    app_env: Any, tradewind_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tradewind.cli.main import main
    from tradewind.scheduler.dag_sync import DagSync
    from tradewind.store import import_errors

    login(app_env, "viewer")
    dags = tradewind_home / "dags"
    assert _import_errors_everywhere(app_env, capsys) == {
        "ui": {"broken.py"},
        "api": {"broken.py"},
        "cli": {"broken.py"},
    }

    # Recorded by the scheduler's processor, the file deleted, then the CLI parses the folder.
    (dags / "broken.py").unlink()
    assert main(["dags", "list-import-errors"]) == 0 and "No import errors." in capsys.readouterr().out
    assert _import_errors_everywhere(app_env, capsys) == {"ui": set(), "api": set(), "cli": set()}

    # Recorded by the CLI, the file deleted, then the processor parses the folder.
    (dags / "later.py").write_text("from tradewind import DAG\nimport nothing_here_either\n", encoding="utf-8")
    assert main(["dags", "list"]) == 0
    assert _import_errors_everywhere(app_env, capsys)["api"] == {"later.py"}
    (dags / "later.py").unlink()
    DagSync().run_once(force=True)
    assert import_errors.list_import_errors() == []


def test_grid_cells_carry_states_and_link_to_the_instance(app_env: Any) -> None:
    login(app_env, "user")
    html = app_env.get("/dags/ui_demo/grid").text
    cells = re.findall(r'class="cell state-(\w+)" href="([^"]+)"', html)
    assert len(cells) == 4 and {s for s, _ in cells} == {"success"}
    for _state, href in cells:
        assert app_env.get(href).status_code == 200
    assert "double · success · 2 mapped" in html
    mapped = app_env.get(next(h for _s, h in cells if h.endswith("/double")), follow_redirects=False)
    assert mapped.status_code == 303 and mapped.headers["location"].endswith("/tasks/double?map_index=0")
    copy = app_env.get(mapped.headers["location"]).text
    assert "Mapped instances" in copy and "?map_index=1" in copy and '<pre class="value" tabindex="0">2</pre>' in copy
    assert 'hx-trigger="every 2s"' not in html  # nothing is active: no polling


def test_graph_json_has_nodes_edges_groups_and_states(app_env: Any) -> None:
    login(app_env, "viewer")
    data = app_env.get("/dags/ui_demo/graph.json", params={"run_id": the_run_id(app_env)}).json()
    assert {n["id"]: n["state"] for n in data["nodes"]} == {
        "first": "success",
        "grp.b": "success",
        "grp.c": "success",
        "double": "success",
    }
    assert sorted(map(tuple, data["edges"])) == [("first", "grp.b"), ("first", "grp.c")]
    assert data["groups"] == [{"id": "grp", "parent": None, "tooltip": ""}]
    assert data["live"] is False


def test_task_page_says_how_many_of_the_pools_slots_the_task_uses(app_env: Any) -> None:
    from urllib.parse import quote

    from tradewind.store import pools

    login(app_env, "viewer")
    url = f"/dags/ui_demo/runs/{quote(the_run_id(app_env), safe='')}/tasks/first"
    assert "<th>Pool</th><td>default_pool: uses 1 of 128 slots</td>" in app_env.get(url).text  # 128: the default
    pools.set_pool("default_pool", 1)
    assert "default_pool: uses 1 of 1 slot<" in app_env.get(url).text
    pools.set_pool("default_pool", -1)
    assert "default_pool: uses 1 slot (unlimited pool)" in app_env.get(url).text


def test_task_page_shows_rendered_template_xcom_and_log(app_env: Any) -> None:
    from urllib.parse import quote

    login(app_env, "viewer")
    run_id = quote(the_run_id(app_env), safe="")
    html = app_env.get(f"/dags/ui_demo/runs/{run_id}/tasks/first").text
    assert "echo hello from bob" in html  # rendered bash_command
    assert "return_value" in html  # the Bash task's last line as XCom
    assert re.search(r'<pre class="log" id="log"[^>]*>[^<]*hello from bob', html)
    chunk = app_env.get(f"/dags/ui_demo/runs/{run_id}/tasks/first/log.json", params={"try": 1, "offset": 0}).json()
    assert "hello from bob" in chunk["text"] and chunk["exists"]
    rest = app_env.get(
        f"/dags/ui_demo/runs/{run_id}/tasks/first/log.json", params={"try": 1, "offset": chunk["offset"]}
    ).json()
    assert rest["text"] == "" and rest["done"] is True


def test_code_page_shows_the_source(app_env: Any) -> None:
    login(app_env, "viewer")
    html = app_env.get("/dags/ui_demo/code").text
    # highlighted by Pygments: token classes, coloured by the stylesheet (no inline style: the CSP forbids it)
    assert '<span class="n">TaskGroup</span><span class="p">(</span><span class="s2">"grp"</span>' in html
    assert 'class="hl"' in html and "/static/pygments.css" in html and "style=" not in html


@pytest.mark.parametrize(
    "url,data",
    [
        ("/dags/ui_demo/trigger", {}),
        ("/dags/ui_demo/paused", {"is_paused": "true"}),
        ("/admin/variables", {"key": "k", "val": "v"}),
        ("/admin/pools", {"name": "p", "slots": "3"}),
    ],
)
def test_forged_post_without_csrf_is_refused(app_env: Any, url: str, data: dict[str, str]) -> None:
    login(app_env, "admin")
    assert app_env.post(url, data=data, headers=HTML, follow_redirects=False).status_code == 403
    assert (
        app_env.post(
            url, data={**data, "csrf_token": "stolen-less guess"}, headers=HTML, follow_redirects=False
        ).status_code
        == 403
    )


def test_viewer_cannot_trigger_even_with_a_valid_token(app_env: Any) -> None:
    from tradewind.store import runs

    token = login(app_env, "viewer")
    before = len(runs.list_dag_runs("ui_demo"))
    resp = app_env.post("/dags/ui_demo/trigger", data={"csrf_token": token}, headers=HTML, follow_redirects=False)
    assert resp.status_code == 403
    assert (
        app_env.post("/dags/ui_demo/paused", data={"csrf_token": token, "is_paused": "true"}, headers=HTML).status_code
        == 403
    )
    assert len(runs.list_dag_runs("ui_demo")) == before


def test_user_triggers_with_params_and_sees_validation_errors(app_env: Any) -> None:
    from tradewind.store import runs

    token = login(app_env, "user")
    form = app_env.get("/dags/ui_demo/trigger").text
    assert 'name="param__n"' in form and 'value="3"' in form
    bad = app_env.post("/dags/ui_demo/trigger", data={"csrf_token": token, "param__n": "0", "param__who": "x"})
    assert bad.status_code == 400 and "flash-error" in bad.text and 'value="0"' in bad.text
    bad_json = app_env.post("/dags/ui_demo/trigger", data={"csrf_token": token, "conf": "{nope"})
    assert bad_json.status_code == 400 and "invalid conf JSON" in bad_json.text  # the CLI's message: one check
    ok = app_env.post(
        "/dags/ui_demo/trigger",
        data={"csrf_token": token, "param__n": "7", "param__who": "ann", "run_id": "from_the_form"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"].startswith("/dags/ui_demo/grid")
    run = runs.get_dag_run("ui_demo", "from_the_form")
    assert run is not None and run.conf == {"n": 7, "who": "ann"} and run.state == "queued"
    grid = app_env.get("/dags/ui_demo/grid").text
    assert 'hx-trigger="every 2s"' in grid  # an active run: the grid polls its fragment
    waiting = app_env.get("/dags/ui_demo/runs/from_the_form/tasks/first").text
    assert 'id="explain"' in waiting and 'hx-select="#ti-page"' in waiting  # why it waits; refreshed until it runs
    assert "No log yet" in waiting
    assert 'data-code="dag_paused"' in waiting and "is paused" in waiting


def test_user_pauses_clears_marks_and_deletes(app_env: Any) -> None:
    from urllib.parse import quote

    from tradewind.store import dags, runs, task_instances

    token = login(app_env, "user")
    run_id = the_run_id(app_env)
    base = f"/dags/ui_demo/runs/{quote(run_id, safe='')}"
    assert app_env.post("/dags/ui_demo/paused", data={"csrf_token": token, "is_paused": "true"}).status_code == 200
    assert dags.get_dag("ui_demo").is_paused
    assert app_env.post(base + "/tasks/grp.b/clear", data={"csrf_token": token}).status_code == 200
    assert task_instances.get_task_instance("ui_demo", run_id, "grp.b").state in ("none", None)
    assert runs.get_dag_run("ui_demo", run_id).state == "queued"
    assert app_env.post(base + "/mark", data={"csrf_token": token, "state": "failed"}).status_code == 200
    assert runs.get_dag_run("ui_demo", run_id).state == "failed"
    assert app_env.post(base + "/delete", data={"csrf_token": token}).status_code == 200
    assert runs.get_dag_run("ui_demo", run_id) is None


def test_connection_password_is_never_shown_back(app_env: Any) -> None:
    from tradewind.store.connections import get_connection

    token = login(app_env, "op")
    resp = app_env.post(
        "/admin/connections",
        data={
            "csrf_token": token,
            "conn_id": "ftp_src",
            "conn_type": "ftp",
            "host": "127.0.0.1",
            "login": "me",
            "password": "s3cr3t-pw",
        },
    )
    assert resp.status_code == 200 and "s3cr3t-pw" not in resp.text and "set (hidden)" in resp.text
    app_env.post(
        "/admin/connections",
        data={
            "csrf_token": token,
            "conn_id": "ftp_src",
            "conn_type": "ftp",
            "host": "10.0.0.1",
            "login": "me",
            "password": "",
        },
    )
    stored = get_connection("ftp_src")
    assert stored.host == "10.0.0.1" and stored.password == "s3cr3t-pw"  # empty field keeps the password


def test_variables_named_like_secrets_are_masked(app_env: Any) -> None:
    token = login(app_env, "op")
    app_env.post("/admin/variables", data={"csrf_token": token, "key": "threshold", "val": "42"})
    html = app_env.post("/admin/variables", data={"csrf_token": token, "key": "api_token", "val": "tok-123456"}).text
    assert "Variable api_token saved" in html and "42" in html and "tok-123456" not in html and "***" in html


def test_admin_manages_users_and_op_may_not(app_env: Any) -> None:
    from tradewind.store.users import get_user

    op_token = login(app_env, "op")
    assert (
        app_env.post(
            "/admin/users",
            data={
                "csrf_token": op_token,
                "username": "eve",
                "first_name": "E",
                "last_name": "V",
                "email": "e@x.org",
                "role": "Admin",
                "password": "pw",
            },
            headers=HTML,
        ).status_code
        == 403
    )
    assert get_user("eve") is None
    app_env.cookies.clear()
    token = login(app_env, "admin")
    resp = app_env.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "eve",
            "first_name": "E",
            "last_name": "V",
            "email": "e@x.org",
            "role": "Viewer",
            "password": "a-long-password",
        },
    )
    assert resp.status_code == 200 and get_user("eve").roles == ["Viewer"]
    app_env.post("/admin/users/roles", data={"csrf_token": token, "username": "eve", "roles": ["User", "Op"]})
    assert set(get_user("eve").roles) == {"User", "Op"}


def test_pages_are_served_with_a_strict_csp_and_vendored_assets(app_env: Any) -> None:
    login(app_env, "viewer")
    resp = app_env.get("/dags/ui_demo/graph")
    assert "default-src 'self'" in resp.headers["content-security-policy"]
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', resp.text):
        assert app_env.get(src).status_code == 200, src
    assert "http://" not in resp.text.split("<body")[0] and "https://" not in resp.text.split("<body")[0]


def test_unknown_things_get_a_404_page_and_logout_ends_the_session(app_env: Any) -> None:
    token = login(app_env, "viewer")
    for url in ("/dags/nope/grid", "/dags/ui_demo/runs/nope", "/dags/ui_demo/runs/nope/tasks/first"):
        resp = app_env.get(url, headers=HTML)
        assert resp.status_code == 404 and "<html" in resp.text and "not found" in resp.text, url
    assert app_env.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert app_env.get("/home", headers=HTML, follow_redirects=False).status_code == 303


# --- review fixes -------------------------------------------------------------------------------
def test_log_polling_past_the_end_of_the_file_is_not_a_500(app_env: Any) -> None:
    from urllib.parse import quote

    login(app_env, "viewer")
    base = f"/dags/ui_demo/runs/{quote(the_run_id(app_env), safe='')}/tasks/first/log.json?try=1"
    size = app_env.get(base).json()["offset"]
    assert size > 0
    for offset in (2**62, 2**64):
        resp = app_env.get(f"{base}&offset={offset}", headers=HTML)
        assert resp.status_code == 200 and resp.json()["text"] == "" and resp.json()["offset"] == size


def test_trigger_form_reports_deep_or_huge_values_on_the_form(app_env: Any) -> None:
    token = login(app_env, "user")
    deep = app_env.post("/dags/ui_demo/trigger", data={"csrf_token": token, "conf": "[" * 100_000 + "]" * 100_000})
    assert deep.status_code == 400 and "nested too deeply" in deep.text
    huge = app_env.post("/dags/ui_demo/trigger", data={"csrf_token": token, "param__n": "9" * 5000})
    alert = re.search(r'role="alert">([^<]*)<', huge.text).group(1)
    assert huge.status_code == 400 and "is not a valid integer" in alert and len(alert) < 200


def test_connection_form_checks_what_the_api_checks(app_env: Any) -> None:
    from tradewind.store.connections import get_connection

    token = login(app_env, "op")
    for fields, reason in (
        ({"extra": "{not json"}, "extra must be a JSON object"),
        ({"port": "²"}, "port must be a number"),
        ({"port": "99999"}, "port must be a number"),
        ({"conn_type": "  "}, "conn_type must not be empty"),
    ):
        data = {"csrf_token": token, "conn_id": "web", "conn_type": "http", **fields}
        resp = app_env.post("/admin/connections", data=data)
        assert resp.status_code == 200 and "flash-error" in resp.text and reason in resp.text, fields
        assert get_connection("web") is None
    gone = app_env.post("/admin/connections/delete", data={"csrf_token": token, "conn_id": "never_made"})
    assert "flash-error" in gone.text and "Did not find a connection" in gone.text  # the CLI's and the API's message


def test_pool_form_refuses_slots_beyond_the_column(app_env: Any) -> None:
    from tradewind.store.pools import get_pool

    token = login(app_env, "op")
    for name, slots in (("big", "9" * 30), ("big", "1.5"), ("p" * 300, "2")):
        resp = app_env.post("/admin/pools", data={"csrf_token": token, "name": name, "slots": slots})
        assert resp.status_code == 200 and "flash-error" in resp.text and get_pool(name) is None, (name, slots)
    ok = app_env.post("/admin/pools", data={"csrf_token": token, "name": " gpu ", "slots": " 2 "})
    assert "Pool" in ok.text and get_pool("gpu").slots == 2


def test_the_api_link_in_the_top_bar_leads_somewhere(app_env: Any) -> None:
    login(app_env, "viewer")
    link = re.search(r'<a href="([^"]+)"[^>]*>API</a>', app_env.get("/home").text).group(1)
    assert app_env.get(link).status_code == 200


def test_a_user_left_without_roles_can_still_sign_out(app_env: Any) -> None:
    from tradewind.store.users import set_roles

    set_roles("viewer", [])  # before signing in: a role change ends the sessions opened before it
    form = app_env.get("/login")
    login_token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    app_env.post("/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": login_token})
    forbidden = app_env.get("/home", headers=HTML)
    assert forbidden.status_code == 403
    token = re.search(r'data-csrf="([^"]+)"', forbidden.text).group(1)
    assert app_env.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert app_env.get("/home", headers=HTML, follow_redirects=False).status_code == 303


def test_dag_list_pages_and_tabs_keep_the_tag_filter(app_env: Any, monkeypatch: Any) -> None:
    from tradewind.ui.views import home

    monkeypatch.setattr(home, "PAGE_SIZE", 1)
    login(app_env, "viewer")
    html = app_env.get("/home?tags=ui").text
    links = re.findall(r'href="(\?[^"]*)"', html)
    assert links and all("tags=ui" in link for link in links), links


def test_clear_with_downstream_clears_the_task_and_what_follows(app_env: Any) -> None:
    from urllib.parse import quote

    from tradewind.store import task_instances

    token = login(app_env, "user")
    run_id = the_run_id(app_env)
    resp = app_env.post(
        f"/dags/ui_demo/runs/{quote(run_id, safe='')}/tasks/first/clear",
        data={"csrf_token": token, "downstream": "true"},
    )
    assert resp.status_code == 200 and "Cleared 3 task instance(s)" in resp.text
    states = {t.task_id: t.state for t in task_instances.list_task_instances("ui_demo", run_id)}
    assert states["first"] in ("none", None) and states["grp.b"] in ("none", None)
    assert states["double"] == "success"


def test_a_message_in_the_url_is_never_shown_only_the_servers_own(app_env: Any) -> None:
    """`?msg=` used to fill the page's banner: a link could make the UI say "Call us at …" to a signed-in user."""
    from itsdangerous import URLSafeTimedSerializer

    from tradewind.ui.render import FLASH

    for url in ("/login?msg=Call+us", "/login?next=/home&msg=Call+us"):
        assert "Call us" not in app_env.get(url, headers=HTML).text, url
    token = login(app_env, "user")
    for url in ("/?msg=Call+us", "/home?msg=Call+us", "/dags/ui_demo/grid?msg=Call+us", "/dags/nope/grid?msg=Call+us"):
        resp = app_env.get(url, headers=HTML)
        assert "Call us" not in resp.text and 'class="flash' not in resp.text, url
    forged = URLSafeTimedSerializer("not-our-key", salt="tradewind-flash").dumps("Call us")
    app_env.cookies.set(FLASH, forged, domain="testserver.local")
    shown = app_env.get("/home", headers=HTML)
    assert "Call us" not in shown.text and FLASH not in app_env.cookies  # and it is cleared

    done = app_env.post(
        "/dags/ui_demo/paused", data={"csrf_token": token, "is_paused": "true", "next": "/home"}, follow_redirects=False
    )
    assert done.status_code == 303 and "msg" not in done.headers["location"]
    grid = app_env.get("/dags/ui_demo/grid/fragment", headers={**HTML, "HX-Request": "true"})  # a poll in between
    assert "DAG ui_demo paused" not in grid.text
    assert '<div class="flash ">DAG ui_demo paused</div>' in app_env.get("/home", headers=HTML).text
    assert "DAG ui_demo paused" not in app_env.get("/home", headers=HTML).text  # once


def test_connection_form_offers_each_types_fields_and_merges_its_extra_inputs(app_env: Any) -> None:
    import html

    from tradewind.store.connections import get_connection

    token = login(app_env, "op")
    page = app_env.get("/admin/connections", headers=HTML).text
    for conn_type in ("http", "ftp", "ftps", "sftp", "ssh", "generic", "__other__"):
        assert f'<option value="{conn_type}">' in page, conn_type
    types = json.loads(html.unescape(re.search(r'data-conn-types="([^"]+)"', page).group(1)))
    sftp = next(t for t in types if t["conn_type"] == "sftp")
    assert (
        sftp["testable"]
        and {"name": "extra__key_file", "label": "Private key file"}.items()
        <= next(f for f in sftp["fields"] if f["name"] == "extra__key_file").items()
    )
    assert next(t for t in types if t["conn_type"] == "generic")["fields"] is None  # every standard field
    assert '<script src="/static/connection_form.js" defer></script>' in page
    assert "showType" in app_env.get("/static/connection_form.js").text

    app_env.post(
        "/admin/connections",
        data={
            "csrf_token": token,
            "conn_id": "box",
            "conn_type": "sftp",
            "host": "box.example.com",
            "extra__key_file": "/keys/id_ed25519",
            "extra__no_host_key_check": "false",
            "extra": '{"conn_timeout": 5, "key_file": "/old"}',
        },
    )
    stored = get_connection("box")
    assert stored.conn_type == "sftp"
    assert json.loads(stored.extra) == {"conn_timeout": 5, "key_file": "/keys/id_ed25519", "no_host_key_check": False}
    app_env.post(
        "/admin/connections",
        data={"csrf_token": token, "conn_id": "wh", "conn_type": "__other__", "conn_type_other": "postgres"},
    )
    assert get_connection("wh").conn_type == "postgres"


def test_connection_form_test_button_checks_the_form_against_a_real_server(
    app_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from network_servers import start_ftp

    ftp = start_ftp(tmp_path / "ftp", "drops", "Ftp-Pass-42")
    try:
        token = login(app_env, "op")
        form = {"csrf_token": token, "conn_type": "ftp", "host": ftp.host, "port": str(ftp.port), "login": "drops"}
        off = app_env.post("/admin/connections/test", data={**form, "password": "Ftp-Pass-42"})
        assert off.status_code == 403 and "[core] test_connection" in off.json()["message"]  # Airflow's default
        monkeypatch.setenv("TRADEWIND__CORE__TEST_CONNECTION", "Enabled")
        ok = app_env.post("/admin/connections/test", data={**form, "password": "Ftp-Pass-42"}).json()
        assert ok["ok"] is True and "logged in to 127.0.0.1" in ok["message"]
        bad = app_env.post("/admin/connections/test", data={**form, "password": "Wrong-Pass-42"}).json()
        assert bad == {"ok": False, "message": "error_perm: 530 Authentication failed."}
        # an empty password field means the stored one, as when saving
        app_env.post("/admin/connections", data={**form, "conn_id": "drops_ftp", "password": "Ftp-Pass-42"})
        assert app_env.post("/admin/connections/test", data={**form, "conn_id": "drops_ftp"}).json()["ok"] is True
        invalid = app_env.post("/admin/connections/test", data={**form, "port": "x"})
        assert invalid.status_code == 400 and "port must be a number" in invalid.json()["message"]
        untestable = app_env.post("/admin/connections/test", data={**form, "conn_type": "generic"}).json()
        assert untestable == {"ok": False, "message": "Tradewind cannot test connections of type 'generic'"}
        app_env.cookies.clear()
        viewer_token = login(app_env, "viewer")
        refused = app_env.post("/admin/connections/test", data={**form, "csrf_token": viewer_token})
        assert refused.status_code == 403
    finally:
        ftp.stop()
