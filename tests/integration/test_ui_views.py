"""The UI's views beyond the DAG list and grid basics, through the real app (TestClient, real SQLite, runs made
by `dags test`): the grid's side panel and run axis, Gantt, durations, landing times, calendar, datasets,
Browse (DAG runs, task instances, XComs, jobs) with bulk actions and their role checks, cluster activity,
the viewer's time zone."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any
from urllib.parse import quote

import pytest
import test_ui_pages
from test_ui_pages import HTML, ROLES, login, the_run_id

app_env = test_ui_pages.app_env  # the same fixture: a parsed DAG, a finished run, a user per role

DATASET_DAGS = """
from datetime import datetime
from tradewind import DAG, Dataset
from tradewind.operators.bash import BashOperator

with DAG("producer", start_date=datetime(2024, 1, 1), schedule=None) as producer:
    BashOperator(task_id="make", bash_command="echo made", outlets=[Dataset("s3://bucket/data.csv")])

with DAG("consumer", start_date=datetime(2024, 1, 1), schedule=[Dataset("s3://bucket/data.csv")]) as consumer:
    BashOperator(task_id="use", bash_command="echo used")
"""


def rank(role: str) -> int:
    return ROLES[::-1].index(role)


@pytest.mark.parametrize("role", ROLES)
def test_every_new_page_renders_for_every_role(app_env: Any, role: str) -> None:
    login(app_env, role.lower())
    run_id = quote(the_run_id(app_env), safe="")
    pages = [
        "/dags/ui_demo/gantt",
        f"/dags/ui_demo/gantt?run_id={run_id}",
        "/dags/ui_demo/durations",
        "/dags/ui_demo/durations?task_id=first&runs=10",
        "/dags/ui_demo/landing-times",
        "/dags/ui_demo/calendar",
        f"/dags/ui_demo/grid?run_id={run_id}",
        f"/dags/ui_demo/grid?run_id={run_id}&task_id=first",
        f"/dags/ui_demo/grid?run_id={run_id}&task_id=double",
        f"/dags/ui_demo/runs/{run_id}/panel",
        f"/dags/ui_demo/runs/{run_id}/tasks/first/panel",
        "/datasets",
        "/browse/dag-runs",
        "/browse/dag-runs?dag_id=ui&state=success&start=2024-03-01&end=2024-03-31",
        "/browse/task-instances",
        "/browse/task-instances?task_id=grp&state=success&pool=default_pool",
        "/browse/xcoms",
        "/browse/xcoms?key=return_value",
        "/browse/jobs",
        "/cluster-activity",
        "/timezone",
    ]
    for url in pages:
        resp = app_env.get(url, headers=HTML)
        assert resp.status_code == 200, (role, url, resp.status_code, resp.text[:300])
    html = app_env.get("/browse/dag-runs").text
    # Viewers see the lists but get no checkboxes nor bulk buttons; User and up do.
    assert ('name="selected"' in html) is (rank(role) >= rank("User"))
    assert ('name="action"' in html) is (rank(role) >= rank("User"))


@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions_need_the_user_role(app_env: Any, role: str) -> None:
    from tradewind.store import runs, task_instances

    token = login(app_env, role.lower())
    run_id = the_run_id(app_env)
    ti = {"csrf_token": token, "action": "mark_failed", "selected": json.dumps(["ui_demo", run_id, "grp.b", -1])}
    resp = app_env.post("/browse/task-instances/action", data=ti, follow_redirects=False)
    allowed = rank(role) >= rank("User")
    assert resp.status_code == (303 if allowed else 403), (role, resp.status_code)
    assert task_instances.get_task_instance("ui_demo", run_id, "grp.b").state == ("failed" if allowed else "success")
    run = {"csrf_token": token, "action": "mark_failed", "selected": json.dumps(["ui_demo", run_id])}
    resp = app_env.post("/browse/dag-runs/action", data=run, follow_redirects=False)
    assert resp.status_code == (303 if allowed else 403)
    assert runs.get_dag_run("ui_demo", run_id).state == ("failed" if allowed else "success")
    # and never without the session's CSRF token, whatever the role
    forged = {k: v for k, v in run.items() if k != "csrf_token"}
    assert app_env.post("/browse/dag-runs/action", data=forged, follow_redirects=False).status_code == 403


def test_bulk_actions_act_on_each_and_report_refusals(app_env: Any) -> None:
    from tradewind.cli.main import main
    from tradewind.store import runs, task_instances

    assert main(["dags", "test", "ui_demo", "2024-03-06"]) == 0
    token = login(app_env, "user")
    ids = [r.run_id for r in runs.list_dag_runs("ui_demo")]
    assert len(ids) == 2
    back = "/browse/task-instances?dag_id=ui_demo"
    clear = {
        "csrf_token": token,
        "action": "clear",
        "next": back,
        "selected": [json.dumps(["ui_demo", r, t, -1]) for r in ids for t in ("first", "grp.c")],
    }
    resp = app_env.post("/browse/task-instances/action", data=clear, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == back
    page = app_env.get(back).text
    assert "2 runs cleared" in page
    for r in ids:  # exactly the chosen tasks, in both runs; the others keep their state
        states = {t.task_id: t.state for t in task_instances.list_task_instances("ui_demo", r)}
        assert states["first"] == "none" and states["grp.c"] == "none" and states["grp.b"] == "success"
        assert runs.get_dag_run("ui_demo", r).state == "queued"
    gone = json.dumps(["ui_demo", "no_such_run"])
    delete = {"csrf_token": token, "action": "delete", "selected": [json.dumps(["ui_demo", ids[0]]), gone]}
    page = app_env.post("/browse/dag-runs/action", data=delete).text  # the redirect, followed
    assert "1 DAG run deleted, 1 refused" in page and "no_such_run" in page
    assert [r.run_id for r in runs.list_dag_runs("ui_demo")] == ids[1:]
    for bad in ({"action": "explode", "selected": gone}, {"action": "clear"}, {"action": "clear", "selected": "[1"}):
        assert "flash-error" in app_env.post("/browse/dag-runs/action", data={"csrf_token": token, **bad}).text, bad


def test_browse_filters_and_bad_dates(app_env: Any) -> None:
    login(app_env, "viewer")
    html = app_env.get("/browse/task-instances", params={"task_id": "grp."}).text
    assert set(re.findall(r'<tr data-task-id="([^"]+)"', html)) == {"grp.b", "grp.c"}
    html = app_env.get("/browse/task-instances", params={"state": "failed"}).text
    assert "No task instances match." in html
    assert 'data-run-id="' in app_env.get("/browse/dag-runs", params={"start": "2024-03-05", "end": "2024-03-05"}).text
    assert "No DAG runs match." in app_env.get("/browse/dag-runs", params={"start": "2024-03-06"}).text
    bad = app_env.get("/browse/dag-runs", params={"start": "yesterday"})
    assert bad.status_code == 400 and "is not a date (YYYY-MM-DD)" in bad.text
    xcoms = app_env.get("/browse/xcoms", params={"dag_id": "ui_demo", "key": "return_value"}).text
    assert "hello from bob" in xcoms and ">double<" in xcoms


def test_grid_has_a_run_axis_groups_and_a_side_panel(app_env: Any) -> None:
    token = login(app_env, "user")
    run_id = the_run_id(app_env)
    html = app_env.get("/dags/ui_demo/grid").text
    assert '<span class="run-label">▶ 03-05 00:00</span>' in html  # a manual run of 03-05, on the axis
    assert 'data-group-toggle="grp"' in html and 'aria-expanded="true"' in html
    assert 'class="mapped-mark"' in html  # "double" is mapped
    opened = app_env.get("/dags/ui_demo/grid", params={"run_id": run_id, "task_id": "first"}).text
    panel = opened.split('<aside id="panel"', 1)[1]
    assert "echo hello from bob" in panel and "hello from bob" in panel.split('id="log"', 1)[1]
    assert "Mark success" in panel and 'name="next" value="/dags/ui_demo/grid?run_id=' in panel
    mapped = app_env.get("/dags/ui_demo/grid", params={"run_id": run_id, "task_id": "double"}).text
    assert "double [0]" in mapped and "?map_index=1" in mapped  # a mapped task: its copies by index
    run_panel = app_env.get(f"/dags/ui_demo/runs/{quote(run_id, safe='')}/panel").text
    assert 'aria-label="DAG run details"' in run_panel and "manual" in run_panel and "Clear failed" in run_panel
    # an action done in the panel comes back to the grid with the panel open
    back = f"/dags/ui_demo/grid?run_id={quote(run_id, safe='')}&task_id=first"
    resp = app_env.post(
        f"/dags/ui_demo/runs/{quote(run_id, safe='')}/tasks/first/mark",
        data={"csrf_token": token, "state": "failed", "next": back},
        follow_redirects=False,
    )
    assert resp.headers["location"] == back
    resp = app_env.post(
        f"/dags/ui_demo/runs/{quote(run_id, safe='')}/tasks/first/mark",
        data={"csrf_token": token, "state": "success", "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert resp.headers["location"].startswith("/dags/ui_demo/runs/")  # never off-site


def test_viewer_sees_the_panel_without_actions(app_env: Any) -> None:
    login(app_env, "viewer")
    run_id = quote(the_run_id(app_env), safe="")
    panel = app_env.get(f"/dags/ui_demo/runs/{run_id}/tasks/first/panel").text
    assert "echo hello from bob" in panel and "Mark success" not in panel and "Clear" not in panel
    assert "Mark failed" not in app_env.get(f"/dags/ui_demo/runs/{run_id}/panel").text


def test_gantt_durations_landing_times_and_calendar(app_env: Any) -> None:
    login(app_env, "viewer")
    gantt = app_env.get("/dags/ui_demo/gantt").text
    assert len(re.findall(r'<rect class="fill-success"', gantt)) == 5  # first, grp.b, grp.c, double[0], double[1]
    assert "double [1]" in gantt and "/tasks/double?map_index=1" in gantt and "hx-trigger" not in gantt
    durations = app_env.get("/dags/ui_demo/durations").text
    rows = re.findall(r'<tr data-task-id="([^"]+)"><td>', durations)
    assert rows[0] == "(whole run)" and sorted(rows[1:]) == ["double", "first", "grp.b", "grp.c"]
    assert durations.count("<polyline") == 5
    one = app_env.get("/dags/ui_demo/durations", params={"task_id": "grp.b"}).text
    assert one.count("<polyline") == 1 and "/dags/ui_demo/grid?run_id=" in one
    landing = app_env.get("/dags/ui_demo/landing-times").text
    assert "Landing time" in landing and landing.count("<polyline") == 4
    # `dags test` ran ui_demo for 2024-03-05 (ending its 03-04 → 03-05 interval) years later: landed late
    assert re.search(r"first · 03-05 00:00 · \d+h", landing)
    calendar = app_env.get("/dags/ui_demo/calendar", params={"days": 1098}).text
    assert re.search(r'<rect class="fill-success"[^>]*><title>2024-03-05: 1 success</title>', calendar)
    assert "/browse/dag-runs?dag_id=ui_demo&amp;start=2024-03-05&amp;end=2024-03-05" in calendar
    assert app_env.get("/dags/ui_demo/calendar", params={"days": 3}).status_code == 400


def test_datasets_page_shows_producers_consumers_events_and_graph(app_env: Any, tradewind_home: Any) -> None:
    from tradewind.cli.main import main
    from tradewind.scheduler.dag_sync import DagSync

    (tradewind_home / "dags" / "datasets.py").write_text(textwrap.dedent(DATASET_DAGS), encoding="utf-8")
    DagSync().run_once(force=True)
    assert main(["dags", "test", "producer", "2024-03-05"]) == 0
    login(app_env, "viewer")
    html = app_env.get("/datasets").text
    row = html.split('<tr data-uri="s3://bucket/data.csv">', 1)[1].split("</tr>", 1)[0]
    assert ">producer</a>.make" in row and ">consumer</a>" in row and "<td>1</td>" in row
    assert "Recent events" in html and "manual__2024-03-05" in html
    detail = app_env.get("/datasets/detail", params={"uri": "s3://bucket/data.csv"}).text
    assert "producer.make" in detail
    graph = app_env.get("/datasets/graph.json").json()
    assert sorted(map(tuple, graph["edges"])) == [
        ("dag:producer", "dataset:s3://bucket/data.csv"),
        ("dataset:s3://bucket/data.csv", "dag:consumer"),
    ]
    assert app_env.get("/datasets/detail", params={"uri": "nope://x"}).status_code == 404
    assert "No datasets match" in app_env.get("/datasets", params={"q": "zzz"}).text


def test_times_show_in_the_chosen_zone_with_its_name(app_env: Any) -> None:
    token = login(app_env, "viewer")
    run_id = quote(the_run_id(app_env), safe="")
    url = f"/dags/ui_demo/runs/{run_id}"
    assert "2024-03-05 00:00:00 UTC" in app_env.get(url).text
    resp = app_env.post(
        "/timezone", data={"csrf_token": token, "tz": "Asia/Kolkata", "next": url}, follow_redirects=False
    )
    assert resp.status_code == 303 and resp.headers["location"] == url
    page = app_env.get(url).text
    assert "2024-03-05 05:30:00 IST" in page and "Asia/Kolkata" in page  # the zone, named in the top bar
    assert "03-05 05:30" in app_env.get("/dags/ui_demo/grid").text  # the run axis too
    assert "unknown time zone" in app_env.post("/timezone", data={"csrf_token": token, "tz": "Mars/Olympus"}).text
    assert "2024-03-05 05:30:00 IST" in app_env.get(url).text  # unchanged


def test_default_zone_comes_from_the_config(app_env: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("TRADEWIND__WEBSERVER__DEFAULT_UI_TIMEZONE", "America/New_York")
    login(app_env, "viewer")
    assert "2024-03-04 19:00:00 EST" in app_env.get(f"/dags/ui_demo/runs/{quote(the_run_id(app_env), safe='')}").text


def test_cluster_activity_and_jobs(app_env: Any) -> None:
    from tradewind.store import jobs, pools

    jobs.start_job(jobs.SCHEDULER, hostname="host-a", pid=4242, executor_class="LocalExecutor")
    pools.set_pool("small", 2)
    login(app_env, "viewer")
    html = app_env.get("/cluster-activity").text
    assert re.search(r'data-job-type="SchedulerJob"><span class="muted">Scheduler</span>\s*<b>alive</b>', html)
    assert 'data-pool="small"' in html and "Nothing is running." in html
    assert 'hx-trigger="every 10s"' in html  # idle: a slow refresh
    listing = app_env.get("/browse/jobs").text
    assert "host-a" in listing and "alive" in listing and "LocalExecutor" in listing


def test_pages_read_with_a_fixed_number_of_statements_whatever_the_data(app_env: Any) -> None:
    """No query per run, task, instance or row: three times the runs cost the same statements."""
    from sqlalchemy import event

    from tradewind.cli.main import main
    from tradewind.store.engine import get_engine

    login(app_env, "user")
    run_id = quote(the_run_id(app_env), safe="")
    urls = [
        "/dags/ui_demo/grid",
        f"/dags/ui_demo/grid?run_id={run_id}&task_id=first",
        f"/dags/ui_demo/gantt?run_id={run_id}",
        "/dags/ui_demo/durations",
        "/dags/ui_demo/landing-times",
        "/dags/ui_demo/calendar?days=1098",
        "/browse/dag-runs",
        "/browse/task-instances",
        "/browse/xcoms",
        "/cluster-activity",
        "/datasets",
    ]
    count = [0]

    def statements(url: str) -> int:
        before = count[0]
        assert app_env.get(url).status_code == 200
        return count[0] - before

    event.listen(get_engine(), "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
    few = {url: statements(url) for url in urls}
    for day in ("2024-03-06", "2024-03-07"):
        assert main(["dags", "test", "ui_demo", day]) == 0
    many = {url: statements(url) for url in urls}
    assert many == few


def test_calendar_offers_the_days_up_to_the_latest_run(app_env: Any) -> None:
    login(app_env, "viewer")
    today = app_env.get("/dags/ui_demo/calendar").text  # the run of 2024-03-05 is years before today
    assert "0 days with runs" in today and "/dags/ui_demo/calendar" in today
    assert '?days=365&end=2024-03-05"' in today
    then = app_env.get("/dags/ui_demo/calendar", params={"end": "2024-03-05", "days": 30}).text
    assert "1 day with runs" in then and "2024-02-05 → 2024-03-05" in then
    assert re.search(r'<rect class="fill-success"[^>]*><title>2024-03-05: 1 success</title>', then)
    assert app_env.get("/dags/ui_demo/calendar", params={"end": "soon"}).status_code == 400


def test_pages_with_active_runs_refresh_themselves_and_idle_ones_do_not(app_env: Any) -> None:
    from tradewind.actions import runs

    login(app_env, "viewer")
    urls = {
        "/dags/ui_demo/gantt?run_id=waiting": "#gantt-live",
        "/dags/ui_demo/durations": "#chart-live",
        "/dags/ui_demo/landing-times": "#chart-live",
        "/browse/dag-runs": "#browse-live",
        "/browse/task-instances": "#browse-live",
        "/dags/ui_demo/runs/waiting/panel": "#run-panel",
    }
    runs.trigger("ui_demo", run_id="waiting")  # queued: no scheduler runs in this test
    for url, box in urls.items():
        assert f'hx-select="{box}"' in app_env.get(url).text, url
    runs.mark_run("ui_demo", "waiting", "success")
    for url, box in urls.items():
        assert f'hx-select="{box}"' not in app_env.get(url).text, url
