"""The audit log: every change through the UI, the API and the CLI is recorded once, with who, when, what
and from where; the /audit-log page and /api/v1/eventLogs show it, filtered."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api_env import DAG_ID, PASSWORD, basic, build, first_run_id

HTML = {"Accept": "text/html"}


@pytest.fixture
def client(tradewind_home: Path) -> Iterator[Any]:
    with build(tradewind_home) as c:
        yield c


def ui_login(client: Any, username: str, password: str = PASSWORD) -> str:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/home"},
        follow_redirects=False,
    )
    home = client.get("/home")
    found = re.search(r'data-csrf="([^"]+)"', home.text)
    return found.group(1) if found else ""


def log_rows(**filters: Any) -> list[Any]:
    from tradewind.store.event_log import EventFilter, list_events

    return list(reversed(list_events(EventFilter(**filters), limit=1000)[0]))


def extra(row: Any) -> dict[str, Any]:
    return dict(json.loads(row.extra))


def test_ui_changes_logins_and_logouts_are_recorded_with_who_and_where(client: Any) -> None:
    assert ui_login(client, "op", "wrong password") == ""
    failed = log_rows(event="login.failed")
    assert [(r.owner, extra(r)["via"], extra(r)["address"]) for r in failed] == [("op", "ui", "testclient")]
    token = ui_login(client, "op")
    client.post("/admin/variables", data={"csrf_token": token, "key": "color", "val": "blue"}, headers=HTML)
    client.post(f"/dags/{DAG_ID}/paused", data={"csrf_token": token, "is_paused": "false"}, headers=HTML)
    client.post("/logout", data={"csrf_token": token}, headers=HTML, follow_redirects=False)
    rows = log_rows(owner="op")
    assert [r.event for r in rows] == ["login.failed", "login", "variable.set", "unpaused", "logout"]
    assert all(extra(r)["via"] == "ui" and extra(r)["address"] == "testclient" for r in rows)
    assert rows[1].owner_display_name == "Op Tester"
    assert extra(rows[2])["key"] == "color" and rows[3].dag_id == DAG_ID


def test_api_changes_are_recorded_once_each_and_reads_are_not(client: Any) -> None:
    before = len(log_rows())
    run_id = first_run_id()
    client.get(f"/api/v1/dags/{DAG_ID}/dagRuns", headers=basic("user"))
    assert len(log_rows()) == before  # reading changes nothing
    body = {"dag_run_id": run_id, "task_ids": ["second"], "dry_run": False, "only_failed": False}
    assert client.post(f"/api/v1/dags/{DAG_ID}/clearTaskInstances", json=body, headers=basic("user")).status_code == 200
    state = {"new_state": "failed"}
    client.patch(f"/api/v1/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/second", json=state, headers=basic("user"))
    rows = log_rows()[before:]
    assert [(r.event, r.owner, r.dag_id, r.run_id) for r in rows] == [
        ("clear", "user", DAG_ID, run_id),
        ("ti.failed", "user", DAG_ID, run_id),
    ]
    assert rows[0].execution_date is not None and extra(rows[0])["task_ids"] == ["second"]
    assert (rows[1].task_id, rows[1].map_index, extra(rows[1])["was"]) == ("second", -1, "none")
    assert extra(rows[1])["via"] == "api"
    refused = client.patch(f"/api/v1/dags/{DAG_ID}", json={"is_paused": True}, headers=basic("viewer"))
    assert refused.status_code == 403 and len(log_rows()) == before + 2  # what did not happen is not logged


def test_cli_and_direct_calls_name_the_os_user(client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from tradewind.actions import variables
    from tradewind.actions.audit import os_user, set_actor
    from tradewind.cli.main import main

    assert main(["pools", "set", "etl", "4", "for ETL"]) == 0
    cli = log_rows(event="pool.set")[-1]
    assert cli.owner == os_user() and extra(cli)["via"] == "cli" and extra(cli)["command"] == "pools set"
    main(["dags", "test", DAG_ID, "2024-03-06"])
    test_run = log_rows(event="cli_dags_test")[-1]
    assert (test_run.dag_id, test_run.owner, extra(test_run)["via"]) == (DAG_ID, os_user(), "cli")
    set_actor(None)
    variables.save_variable("by_code", "1")
    direct = log_rows(event="variable.set")[-1]
    assert (direct.owner, extra(direct)["via"]) == (os_user(), "system")


def test_event_logs_api_filters_and_the_page(client: Any) -> None:
    for key in ("a", "b", "<script>x</script>"):
        client.post("/api/v1/variables", json={"key": key, "value": "1"}, headers=basic("op"))
    client.delete("/api/v1/variables/a", headers=basic("op"))
    page = client.get("/api/v1/eventLogs?event=variable.set&limit=2", headers=basic("viewer")).json()
    assert page["total_entries"] == 3 and [e["event"] for e in page["event_logs"]] == ["variable.set"] * 2
    newest = page["event_logs"][0]
    assert json.loads(newest["extra"])["key"] == "<script>x</script>" and newest["owner"] == "op"
    assert set(newest) >= {"event_log_id", "when", "dag_id", "task_id", "run_id", "map_index", "try_number",
                           "event", "execution_date", "owner", "extra"}  # fmt: skip
    only = client.get("/api/v1/eventLogs?included_events=variable.delete", headers=basic("viewer")).json()
    assert [e["event"] for e in only["event_logs"]] == ["variable.delete"]
    assert client.get("/api/v1/eventLogs?order_by=nonsense", headers=basic("viewer")).status_code == 400
    got = client.get(f"/api/v1/eventLogs/{newest['event_log_id']}", headers=basic("viewer")).json()
    assert got == newest
    assert client.get("/api/v1/eventLogs/999999", headers=basic("viewer")).status_code == 404
    ui_login(client, "viewer")
    html = client.get("/audit-log?event=variable.set").text
    assert html.count('data-event="variable.set"') == 3 and 'data-event="variable.delete"' not in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert client.get("/audit-log?owner=nobody").text.count("No events.") == 1
