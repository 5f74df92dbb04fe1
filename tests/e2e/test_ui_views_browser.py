"""The UI's views in a real browser (Debian's chromium through Playwright) against a real `tradewind
webserver` and a real scheduler running a real DAG: the grid's side panel following a running task's log,
collapsible groups, mapped indexes; Gantt, durations, landing times, calendar; datasets; Browse with a
bulk action; jobs; cluster activity while a task runs; the code view; time zones; dark mode. Every page
is checked with axe-core (WCAG 2.1 A/AA: labels, names, contrast ≥ 4.5:1), in light and in dark mode.

Screenshots go to $TRADEWIND_TEST_ARTEFACTS (default: <tmp>/tradewind-artefacts)/ui-views/.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import test_ui_browser
from test_ui_browser import CHROMIUM_ARGS, PASSWORD, sign_in

from scheduler_process import parsed, wait_for

pytestmark = pytest.mark.timeout(300)
webserver = test_ui_browser.webserver  # the same fixture: `tradewind webserver` on a free port

ARTEFACTS = Path(os.environ.get("TRADEWIND_TEST_ARTEFACTS") or Path(tempfile.gettempdir()) / "tradewind-artefacts")
SHOTS = ARTEFACTS / "ui-views"
URI = "file:///tmp/tradewind-ui-views-output.csv"
LONG = "x" * 600  # a log line far wider than the panel: it must wrap, not be cut
DAG = f"""
    from datetime import datetime
    from tradewind import DAG, Dataset, TaskGroup, task
    from tradewind.operators.bash import BashOperator

    with DAG("ui_views", start_date=datetime(2024, 1, 1), schedule=None, tags=["e2e"]) as dag:
        hello = BashOperator(task_id="hello", bash_command="echo hello; echo {LONG}")
        with TaskGroup("work") as work:
            BashOperator(
                task_id="slow",
                bash_command="echo started; while [ ! -f {{release}} ]; do sleep 0.2; done; echo the end",
                outlets=[Dataset("{URI}")],
            )

            @task
            def square(x):
                return x * x

            square.expand(x=[1, 2, 3])
        hello >> work

    with DAG("ui_views_consumer", start_date=datetime(2024, 1, 1), schedule=[Dataset("{URI}")]) as consumer:
        BashOperator(task_id="use", bash_command="echo used")
"""
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def accessible(page: Any, what: str) -> None:
    """No axe-core violation of WCAG 2.1 A/AA on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={**AXE_RULES, "resultTypes": ["violations"]})
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(str(n["target"]) for n in v["nodes"][:4])
        for v in results.response["violations"]
    ]
    assert not found, f"{what}: " + "\n".join(found)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_views_in_a_real_browser(scheduler, webserver: str, write_dag, tradewind_home: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tradewind.actions import runs as run_actions
    from tradewind.store import runs, task_instances
    from tradewind.store.users import create_user

    base = webserver
    SHOTS.mkdir(parents=True, exist_ok=True)
    create_user("admin", "Ada", "Admin", "admin@example.com", ["Admin"], PASSWORD)
    create_user("viewer", "Vic", "Viewer", "viewer@example.com", ["Viewer"], PASSWORD)
    release = tradewind_home / "release-slow"
    write_dag("ui_views.py", DAG.replace("{release}", str(release)))
    scheduler.start()
    wait_for(parsed("ui_views", "ui_views_consumer"), timeout=30, what="the DAGs to be parsed")
    run_actions.trigger("ui_views", run_id="first_run")

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="light")
            page = context.new_page()
            errors: list[str] = []  # console errors, e.g. a Content-Security-Policy violation
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda dialog: dialog.accept())
            sign_in(page, base, "admin")

            # --- the grid: the running task's panel, without leaving the grid --------------------------
            page.goto(base + "/dags/ui_views/grid?runs=10")
            running = page.locator('#grid tr[data-task-id="work.slow"] a.cell.state-running')
            expect(running).to_have_count(1, timeout=45000)
            expect(page.locator("#grid .run-label").first).to_have_text(re.compile(r"\d\d-\d\d \d\d:\d\d"))
            page.evaluate("() => { window.notReloaded = true; }")
            running.focus()
            page.keyboard.press("Enter")  # keyboard reachable: a cell is a link
            panel = page.locator("#panel .panel")
            expect(panel.locator(".ti-title")).to_contain_text("slow")
            expect(panel.locator(".ti-title .badge.state-running")).to_have_count(1)
            expect(panel.locator("#log")).to_contain_text("started", timeout=15000)
            expect(panel.locator("#log-live")).to_be_visible()
            assert "task_id=work.slow" in page.url and "runs=10" in page.url  # the panel's URL can be shared
            accessible(page, "grid with the task panel")
            shot(page, "01-grid-panel-running")

            # --- cluster activity while the task runs (another tab) -------------------------------------
            other = context.new_page()
            other.goto(base + "/cluster-activity")
            expect(other.locator('#cluster-live tr[data-task-id="work.slow"] .badge.state-running')).to_have_count(1)
            expect(other.locator('.stat[data-job-type="SchedulerJob"] b')).to_have_text("alive")
            expect(other.locator('tr[data-pool="default_pool"]')).to_contain_text("default_pool")
            accessible(other, "cluster activity")
            shot(other, "02-cluster-activity")
            other.close()

            # --- the task ends: the panel follows the log to its end and turns green, no reload ---------
            release.touch()
            expect(panel.locator("#log")).to_contain_text("the end", timeout=30000)
            expect(page.locator("#panel .ti-title .badge.state-success")).to_have_count(1, timeout=20000)
            expect(page.locator("#grid")).to_have_attribute("data-live", "false", timeout=45000)
            assert page.evaluate("() => window.notReloaded === true")
            assert runs.get_dag_run("ui_views", "first_run").state == "success"

            # the group folds with the keyboard, and stays folded when the grid refreshes
            toggle = page.locator('#grid [data-group-toggle="work"]')
            toggle.focus()
            page.keyboard.press("Enter")
            expect(toggle).to_have_attribute("aria-expanded", "false")
            expect(page.locator('#grid tr[data-task-id="work.slow"]')).to_be_hidden()
            page.reload()
            expect(page.locator('#grid tr[data-task-id="work.slow"]')).to_be_hidden()
            page.locator('#grid [data-group-toggle="work"]').click()
            expect(page.locator('#grid tr[data-task-id="work.slow"]')).to_be_visible()

            # the mapped task: its indexes in the panel, each one a click away
            page.locator('#grid tr[data-task-id="work.square"] a.cell').click()
            expect(page.locator("#panel .mapped-list a")).to_have_count(3)
            page.locator("#panel .mapped-list a", has_text="2").click()
            expect(page.locator("#panel .ti-title")).to_contain_text("square [2]")
            expect(page.locator("#panel table.xcom")).to_contain_text("9")  # 3 × 3

            # the run's panel, and the long log line of "hello" wraps inside the panel
            page.locator("#grid a.runbar").first.click()
            expect(page.locator("#panel")).to_contain_text("first_run")
            expect(page.locator("#panel .actions button", has_text="Clear failed")).to_be_visible()
            page.locator('#grid tr[data-task-id="hello"] a.cell').click()
            log = page.locator("#panel #log")
            expect(log).to_contain_text(LONG[:50])
            assert log.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "a long log line is cut or scrolls"
            accessible(page, "grid with a finished task's panel")
            shot(page, "03-grid-panel-finished")
            page.keyboard.press("Escape")  # closes the panel; the keyboard is back on the cell it came from
            expect(page.locator("#panel .panel")).to_have_count(0)
            assert page.evaluate("() => document.activeElement.matches('#grid tr[data-task-id=hello] a.cell')")
            assert "task_id" not in page.url and "runs=10" in page.url

            # --- Gantt, durations, landing times, calendar -----------------------------------------------
            page.goto(base + "/dags/ui_views/gantt")
            expect(page.locator(".chart svg a rect.fill-success")).to_have_count(5)  # hello, slow, square ×3
            accessible(page, "gantt")
            shot(page, "04-gantt")
            page.goto(base + "/dags/ui_views/durations")
            expect(page.locator(".chart polyline")).to_have_count(4)  # the whole run, hello, slow, square
            accessible(page, "durations")
            shot(page, "05-durations")
            page.goto(base + "/dags/ui_views/landing-times")
            expect(page.locator('table.stats tr[data-task-id="work.slow"]')).to_have_count(1)
            accessible(page, "landing times")
            shot(page, "06-landing-times")
            page.goto(base + "/dags/ui_views/calendar")
            expect(page.locator(".calendar svg a rect.fill-success")).to_have_count(1)
            accessible(page, "calendar")
            shot(page, "07-calendar")

            # --- datasets: the producer's event triggered the consumer ------------------------------------
            wait_for(lambda: runs.list_dag_runs("ui_views_consumer"), timeout=30, what="the consumer's run")
            page.goto(base + "/datasets")
            row = page.locator(f'tr[data-uri="{URI}"]')
            expect(row).to_contain_text("ui_views")
            expect(row).to_contain_text("ui_views_consumer")
            expect(page.locator("#graph g.node")).to_have_count(3)  # two DAGs and the dataset
            expect(page.locator("table.dataset-events")).to_contain_text("first_run")
            accessible(page, "datasets")
            shot(page, "08-datasets")

            # --- Browse: task instances, a bulk action; DAG runs; XComs; jobs ----------------------------
            page.goto(base + "/browse/task-instances?dag_id=ui_views&task_id=square")
            expect(page.locator("table.tis tbody tr")).to_have_count(3)
            accessible(page, "browse task instances")
            boxes = page.locator('input[name="selected"]')
            boxes.nth(0).check()
            boxes.nth(1).check()
            page.locator('.bulk-bar button[value="mark_failed"]').click()
            expect(page.locator(".flash")).to_contain_text("2 task instances marked failed")
            states = sorted(
                t.state
                for t in task_instances.list_task_instances("ui_views", "first_run")
                if t.task_id == "work.square"
            )
            assert states == ["failed", "failed", "success"]
            shot(page, "09-browse-task-instances")
            page.goto(base + "/browse/dag-runs?state=success")
            expect(page.locator('tr[data-run-id="first_run"]')).to_have_count(1)
            accessible(page, "browse dag runs")
            shot(page, "10-browse-dag-runs")
            page.goto(base + "/browse/xcoms?dag_id=ui_views&key=return_value")
            expect(page.locator("table.xcoms")).to_contain_text("work.square")
            accessible(page, "browse xcoms")
            page.goto(base + "/browse/jobs")
            expect(page.locator('tr[data-job-type="SchedulerJob"]').first).to_contain_text("alive")
            accessible(page, "jobs")
            shot(page, "11-jobs")
            page.locator("summary", has_text="Browse").click()
            expect(page.locator('a[href="/audit-log"]')).to_be_visible()

            # --- the code view, highlighted ---------------------------------------------------------------
            page.goto(base + "/dags/ui_views/code")
            expect(page.locator(".hl .k", has_text="with").first).to_be_visible()
            accessible(page, "code")
            shot(page, "12-code")

            # --- a time zone of one's own, named next to every time ------------------------------------
            page.goto(base + "/dags/ui_views/runs/first_run")
            page.locator("a.tz-link").click()
            page.select_option("#tz-select", "Asia/Tokyo")
            page.click("#tz-form button[type=submit]")
            page.wait_for_url(re.compile(r".*/dags/ui_views/runs/first_run$"))
            expect(page.locator("table.kv")).to_contain_text("JST")
            expect(page.locator("a.tz-link")).to_contain_text("Asia/Tokyo")
            shot(page, "13-run-in-tokyo-time")

            # --- dark mode follows the system setting, and still reads at 4.5:1 -------------------------
            dark = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="dark")
            dpage = dark.new_page()
            sign_in(dpage, base, "admin")
            bg = dpage.evaluate("() => getComputedStyle(document.body).backgroundColor")
            assert bg == "rgb(17, 22, 28)", bg
            for url, name in (
                ("/dags/ui_views/grid?run_id=first_run&task_id=hello", "14-dark-grid-panel"),
                ("/dags/ui_views/gantt", "15-dark-gantt"),
                ("/dags/ui_views/code", "16-dark-code"),
                ("/home", "17-dark-home"),
                ("/dags/ui_views/graph", "17b-dark-graph"),
                ("/datasets", "17c-dark-datasets"),
                ("/dags/ui_views/durations", "17d-dark-durations"),
                ("/dags/ui_views/calendar", "17e-dark-calendar"),
                ("/browse/task-instances", "17f-dark-browse"),
                ("/cluster-activity", "17g-dark-cluster"),
                ("/timezone", "17h-dark-timezone"),
            ):
                dpage.goto(base + url)
                if "grid" in url:
                    expect(dpage.locator("#panel .panel")).to_have_count(1)
                if url.endswith("/graph") or url == "/datasets":
                    expect(dpage.locator("#graph g.node").first).to_be_visible()
                accessible(dpage, "dark " + url)
                shot(dpage, name)
            dark.close()

            # --- a Viewer sees everything, acts on nothing --------------------------------------------
            viewer = browser.new_context(viewport={"width": 1400, "height": 900})
            vpage = viewer.new_page()
            sign_in(vpage, base, "viewer")
            vpage.goto(base + "/browse/dag-runs")
            expect(vpage.locator('tr[data-run-id="first_run"]')).to_have_count(1)
            assert vpage.locator('input[name="selected"]').count() == 0
            assert vpage.locator(".bulk-bar").count() == 0
            vpage.goto(base + "/dags/ui_views/grid?run_id=first_run&task_id=hello")
            expect(vpage.locator("#panel .ti-title")).to_contain_text("hello")
            assert vpage.locator("#panel .actions").count() == 0
            shot(vpage, "18-viewer-panel")
            token = vpage.locator("body").get_attribute("data-csrf")
            forged = {"csrf_token": token, "action": "delete", "selected": json.dumps(["ui_views", "first_run"])}
            assert vpage.request.post(base + "/browse/dag-runs/action", form=forged).status == 403
            assert runs.get_dag_run("ui_views", "first_run") is not None
            viewer.close()
            assert errors == [], errors
        finally:
            browser.close()
