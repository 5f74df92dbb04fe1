"""tradewind.actions through its three callers (real SQLite, the real app, the real CLI entry point): the same
bad input gets the same reason from the API, the UI and the CLI; clearing and marking a run are one
transaction, from the run state read; a race lost to another process is a 409 / a message / exit 1."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api_env import DAG_ID, PASSWORD, basic, build, new_run

ADMIN = basic("admin")
RUNS = f"/api/v1/dags/{DAG_ID}/dagRuns"


@pytest.fixture
def client(tradewind_home: Path) -> Iterator[Any]:
    with build(tradewind_home, with_run=False) as c:
        yield c


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`tradewind ARGS` in process: (exit status, stderr)."""
    from tradewind.cli.main import main

    code = main(list(args))
    return code, capsys.readouterr().err


def cli_reason(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, err = cli(capsys, *args)
    assert code == 1 and len(err.strip().splitlines()) == 1, (args, err)
    return err.strip().removeprefix("tradewind: error: ")


def api_reason(resp: Any, status: int = 400) -> str:
    assert resp.status_code == status, resp.text
    return str(resp.json()["detail"])


def ui_login(client: Any) -> str:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token, "next": "/home"})
    return re.search(r'data-csrf="([^"]+)"', client.get("/home").text).group(1)


def page_text(resp: Any) -> str:
    return html.unescape(resp.text)


# --- one rule, one reason --------------------------------------------------------------------------
BAD_RUN_IDS = ["a/b", "with space", "x" * 251, "scheduled__2024-01-01T00:00:00+00:00", "backfill__mine", "é"]


@pytest.mark.parametrize("run_id", [*BAD_RUN_IDS, ""])
def test_cli_api_and_ui_refuse_a_bad_run_id_with_the_same_reason(client: Any, capsys: Any, run_id: str) -> None:
    from tradewind.store import runs

    api = api_reason(client.post(RUNS, json={"dag_run_id": run_id}, headers=ADMIN))
    assert "run_id" in api
    assert cli_reason(capsys, "dags", "trigger", DAG_ID, "-r", run_id) == api
    if run_id:  # the form's empty box means "make one up"
        token = ui_login(client)
        form = client.post(f"/dags/{DAG_ID}/trigger", data={"csrf_token": token, "run_id": run_id})
        assert form.status_code == 400 and api in page_text(form)
    assert runs.list_dag_runs(DAG_ID) == []


def test_a_run_id_airflow_accepts_is_accepted_everywhere(client: Any, capsys: Any) -> None:
    from tradewind.store import runs

    assert client.post(RUNS, json={"dag_run_id": "manual__2024-01-01T00:00:00+00:00"}, headers=ADMIN).status_code == 200
    assert cli(capsys, "dags", "trigger", DAG_ID, "-r", "nightly.rerun~2:v+1", "-e", "2024-02-01")[0] == 0
    assert {r.run_id for r in runs.list_dag_runs(DAG_ID)} == {
        "manual__2024-01-01T00:00:00+00:00",
        "nightly.rerun~2:v+1",
    }


@pytest.mark.parametrize(
    "cli_args, method, path, body",
    [
        (("pools", "set", "neg", "-5"), "post", "/api/v1/pools", {"name": "neg", "slots": -5}),
        (("pools", "set", "p" * 300, "2"), "post", "/api/v1/pools", {"name": "p" * 300, "slots": 2}),
        (("pools", "set", "big", "99999999999"), "post", "/api/v1/pools", {"name": "big", "slots": 99999999999}),
        (("variables", "set", "  ", "v"), "post", "/api/v1/variables", {"key": "  ", "value": "v"}),
        (("variables", "set", "k" * 251, "v"), "post", "/api/v1/variables", {"key": "k" * 251, "value": "v"}),
        (
            ("connections", "add", "web", "--conn-type", "http", "--conn-port", "99999"),
            "post",
            "/api/v1/connections",
            {"connection_id": "web", "conn_type": "http", "port": 99999},
        ),
        (
            ("connections", "add", "a b", "--conn-type", "http"),
            "post",
            "/api/v1/connections",
            {"connection_id": "a b", "conn_type": "http"},
        ),
        (
            ("connections", "add", "web", "--conn-type", "http", "--conn-extra", "[1]"),
            "post",
            "/api/v1/connections",
            {"connection_id": "web", "conn_type": "http", "extra": "[1]"},
        ),
        (
            ("connections", "add", "web", "--conn-type", "http", "--conn-extra", "{no"),
            "post",
            "/api/v1/connections",
            {"connection_id": "web", "conn_type": "http", "extra": "{no"},
        ),
        (("connections", "delete", "never_made"), "delete", "/api/v1/connections/never_made", None),
        (("variables", "delete", "never_made"), "delete", "/api/v1/variables/never_made", None),
    ],
)
def test_cli_and_api_refuse_the_same_bad_input_with_the_same_reason(
    client: Any, capsys: Any, cli_args: tuple[str, ...], method: str, path: str, body: Any
) -> None:
    resp = getattr(client, method)(path, headers=ADMIN, **({} if body is None else {"json": body}))
    assert resp.status_code in (400, 404), resp.text
    assert cli_reason(capsys, *cli_args) == api_reason(resp, resp.status_code)


def test_a_bad_pools_file_is_refused_whole_with_the_reason_the_api_gives(
    client: Any, capsys: Any, tmp_path: Path
) -> None:
    from tradewind.store.pools import get_pool

    path = tmp_path / "pools.json"
    path.write_text('{"ok": {"slots": 1}, "neg": {"slots": -5}}')
    reason = api_reason(client.post("/api/v1/pools", json={"name": "neg", "slots": -5}, headers=ADMIN))
    assert cli_reason(capsys, "pools", "import", str(path)) == reason
    assert get_pool("ok") is None


# --- one transaction, from the state read ----------------------------------------------------------
def _finished_run(run_id: str, ti_states: dict[str, str], run_state: str = "success") -> str:
    from tradewind.store import runs, task_instances
    from tradewind.store.task_instances import StateChange

    new_run(run_id)
    task_instances.set_states(
        [StateChange(DAG_ID, run_id, t, -1, frozenset({"none"}), s, {}) for t, s in ti_states.items()]
    )
    if run_state == "running":  # as the scheduler starts it
        assert runs.start_run(DAG_ID, run_id, start_date=runs.get_dag_run(DAG_ID, run_id).queued_at)
    else:  # as a user marks it
        assert runs.set_dag_run_state(DAG_ID, run_id, run_state)
    return run_id


def _states(run_id: str) -> tuple[str, dict[str, str]]:
    from tradewind.store import runs, task_instances

    return (
        runs.get_dag_run(DAG_ID, run_id).state,
        {t.task_id: t.state for t in task_instances.list_task_instances(DAG_ID, run_id)},
    )


@pytest.fixture
def commits() -> Iterator[list[int]]:
    """Every commit on the metadata database while the test runs."""
    from sqlalchemy import event

    from tradewind.store.engine import get_engine

    seen: list[int] = []

    def count(_conn: Any) -> None:
        seen.append(1)

    engine = get_engine()
    event.listen(engine, "commit", count)
    yield seen
    event.remove(engine, "commit", count)


def test_clear_run_is_one_transaction_and_only_from_the_expected_state(client: Any, commits: list[int]) -> None:
    from tradewind.store import runs

    run_id = _finished_run("r1", {"first": "failed", "second": "upstream_failed"}, "failed")
    assert not runs.clear_run(DAG_ID, run_id, ["first", "second"], expected={"running"})
    assert _states(run_id) == ("failed", {"first": "failed", "second": "upstream_failed"})  # nothing written
    commits.clear()
    assert runs.clear_run(
        DAG_ID, run_id, ["first", "second"], expected={"failed", "success"}, retries={"first": 2}, ti_states={"failed"}
    )
    assert len(commits) == 1
    assert _states(run_id) == ("queued", {"first": "none", "second": "upstream_failed"})  # only the failed one


def test_mark_run_is_one_transaction_and_only_from_the_expected_state(client: Any, commits: list[int]) -> None:
    from tradewind.store import runs
    from tradewind.store.sql import utcnow

    run_id = _finished_run("r1", {"first": "running"}, "running")
    moves = {"running": "failed", "none": "skipped"}
    assert not runs.mark_run(DAG_ID, run_id, "failed", expected={"queued"}, moves=moves, end_date=utcnow())
    assert _states(run_id) == ("running", {"first": "running", "second": "none"})
    commits.clear()
    assert runs.mark_run(DAG_ID, run_id, "failed", expected={"running"}, moves=moves, end_date=utcnow())
    assert len(commits) == 1
    assert _states(run_id) == ("failed", {"first": "failed", "second": "skipped"})
    assert runs.get_dag_run(DAG_ID, run_id).end_date is not None


def _moved_meanwhile(monkeypatch: Any, module: Any, name: str, meanwhile: Callable[[], None]) -> None:
    """Another process acts between the action's read and its write: just before the store call."""
    original = getattr(module, name)

    def racing(*args: Any, **kwargs: Any) -> Any:
        meanwhile()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, racing)


@pytest.mark.parametrize("how", ["clear", "mark"])
def test_a_run_moved_meanwhile_is_a_409_a_message_and_exit_1(
    client: Any, capsys: Any, monkeypatch: Any, how: str
) -> None:
    from tradewind.store import runs

    run_id = _finished_run("r1", {"first": "success", "second": "failed"}, "failed")
    before = _states(run_id)[1]
    store_fn = {"clear": "clear_run", "mark": "mark_run"}[how]
    # someone else clears the run between the action's read and its write
    _moved_meanwhile(monkeypatch, runs, store_fn, lambda: runs.set_dag_run_state(DAG_ID, run_id, "queued"))
    request = (
        (f"{RUNS}/{run_id}/clear", {"dry_run": False}) if how == "clear" else (f"{RUNS}/{run_id}", {"state": "success"})
    )
    resp = (client.post if how == "clear" else client.patch)(request[0], json=request[1], headers=ADMIN)
    reason = api_reason(resp, 409)
    assert "went from failed to queued meanwhile" in reason
    assert _states(run_id) == ("queued", before)  # nothing of the action was written

    runs.set_dag_run_state(DAG_ID, run_id, "failed")
    token = ui_login(client)
    page = client.post(f"/dags/{DAG_ID}/runs/{run_id}/{how}", data={"csrf_token": token, "state": "success"})
    assert page.status_code == 200 and "flash-error" in page.text and reason in page_text(page)

    if how == "clear":
        runs.set_dag_run_state(DAG_ID, run_id, "failed")
        assert cli_reason(capsys, "tasks", "clear", DAG_ID, "-y") == reason
    assert _states(run_id) == ("queued", before)


def test_a_task_instance_moved_meanwhile_is_a_409(client: Any, monkeypatch: Any) -> None:
    from tradewind.store import task_instances
    from tradewind.store.task_instances import StateChange

    run_id = _finished_run("r1", {"first": "running"}, "running")
    original = task_instances.set_states
    finished = StateChange(DAG_ID, run_id, "first", -1, frozenset({"running"}), "success", {})
    _moved_meanwhile(monkeypatch, task_instances, "set_states", lambda: original([finished]))
    resp = client.patch(f"{RUNS}/{run_id}/taskInstances/first", json={"new_state": "failed"}, headers=ADMIN)
    assert "went from running to success meanwhile" in api_reason(resp, 409)
    assert task_instances.get_task_instance(DAG_ID, run_id, "first").state == "success"


def test_clear_and_mark_through_the_action(client: Any) -> None:
    from tradewind.actions import runs as run_actions

    run_id = _finished_run("r1", {"first": "success", "second": "failed"}, "failed")
    cleared = run_actions.clear(DAG_ID, run_id, only_failed=True)
    assert [t.task_id for t in cleared] == ["second"]
    assert _states(run_id) == ("queued", {"first": "success", "second": "none"})
    marked = run_actions.mark_run(DAG_ID, run_id, "success")
    assert marked.state == "success" and _states(run_id)[1] == {"first": "success", "second": "success"}
    run_actions.mark_run(DAG_ID, run_id, "queued")  # the API's PATCH {"state": "queued"}: run it all again
    assert _states(run_id) == ("queued", {"first": "none", "second": "none"})
