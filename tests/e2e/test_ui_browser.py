"""A real browser (Debian's chromium, headless, through Playwright) against a real `tradewind webserver`
and a real scheduler: sign in, unpause and trigger a DAG, watch the grid turn green, open the graph
and a task's log; then, as a Viewer, find no trigger button and get 403 for forged POSTs.

Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler_process import wait_for

pytestmark = pytest.mark.timeout(120)

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-pw-1"
DAG = """
    from datetime import datetime
    from tradewind import DAG, TaskGroup
    from tradewind.operators.bash import BashOperator

    with DAG("ui_browser", start_date=datetime(2024, 1, 1), schedule=None, tags=["e2e"]) as dag:
        hello = BashOperator(task_id="hello", bash_command="echo hello from the browser test")
        with TaskGroup("work") as work:
            BashOperator(task_id="one",
                         bash_command="echo started; while [ ! -f {release} ]; do sleep 0.2; done; echo the end")
            BashOperator(task_id="two", bash_command="echo two")
        hello >> work
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def webserver(scheduler, tradewind_home: Path) -> Iterator[str]:
    """`tradewind webserver` as a child process on a free loopback port; yields its base URL."""
    port = free_port()
    log = (tradewind_home / "webserver.out").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradewind", "webserver", "--port", str(port), "--hostname", "127.0.0.1"],
        env={**os.environ, "TRADEWIND__CORE__TEST_CONNECTION": "Enabled"},  # the connection form's Test button
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.poll() is not None:
            raise AssertionError("webserver exited:\n" + (tradewind_home / "webserver.out").read_text())
        try:
            return urllib.request.urlopen(base + "/login", timeout=2).status == 200
        except OSError:
            return False

    try:
        wait_for(up, timeout=30, what="the webserver to answer")
        yield base
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/home")


def test_admin_runs_a_dag_and_viewer_cannot_trigger(scheduler, webserver: str, write_dag, tradewind_home: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tradewind.store import dags, runs
    from tradewind.store.users import create_user

    base = webserver
    SHOTS.mkdir(parents=True, exist_ok=True)
    create_user("admin", "Ada", "Admin", "admin@example.com", ["Admin"], PASSWORD)
    create_user("viewer", "Vic", "Viewer", "viewer@example.com", ["Viewer"], PASSWORD)
    release = tradewind_home / "release-task-one"  # "one" runs until the test creates this file
    write_dag("ui_browser.py", DAG.replace("{release}", str(release)))
    scheduler.start(TRADEWIND__CORE__DAGS_ARE_PAUSED_AT_CREATION="true")
    wait_for(lambda: dags.get_dag("ui_browser"), timeout=30, what="the DAG to be parsed")
    assert dags.get_dag("ui_browser").is_paused

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
        )
        try:
            admin = browser.new_context(viewport={"width": 1280, "height": 800})
            page = admin.new_page()
            errors: list[str] = []  # console errors, e.g. a Content-Security-Policy violation
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            sign_in(page, base, "admin")
            row = page.locator('tr[data-dag-id="ui_browser"]')
            row.locator("button.switch").click()  # unpause
            page.wait_for_selector('tr[data-dag-id="ui_browser"] button.switch.on')
            assert not dags.get_dag("ui_browser").is_paused
            page.screenshot(path=str(SHOTS / "01-dags-list.png"), full_page=True)

            row.locator("a.trigger").click()
            page.wait_for_url(re.compile(r".*/dags/ui_browser/trigger$"))
            page.fill("textarea[name=conf]", '{"from": "browser"}')
            page.click("form.trigger-form button[type=submit]")
            page.wait_for_url(re.compile(r".*/dags/ui_browser/grid.*"))
            # htmx re-fetches the grid while the run is active: "one" turns running, then everything green.
            running = page.locator('#grid tr[data-task-id="work.one"] a.cell.state-running')
            expect(running).to_have_count(1, timeout=30000)
            page.screenshot(path=str(SHOTS / "02-grid-running.png"), full_page=True)
            page.click(".dag-tabs >> text=Graph")  # the graph shows the same live states
            expect(page.locator('#graph g.node[data-task-id="work.one"][data-state="running"]')).to_have_count(1)
            expect(page.locator('#graph g.node[data-task-id="hello"][data-state="success"]')).to_have_count(1)
            page.click(".dag-tabs >> text=Grid")
            running.click()  # the instance's details open beside the grid; "Open page" leads to its own page
            page.locator("#panel a", has_text="Open page").click()
            page.wait_for_url(re.compile(r".*/tasks/work\.one$"))
            # The log follows the running try, and the page turns to success when it ends, without a reload.
            expect(page.locator(".ti-title .badge.state-running")).to_have_count(1)
            expect(page.locator("#log-live")).to_be_visible()
            expect(page.locator("#log")).to_contain_text("started", timeout=15000)
            page.evaluate("() => { window.notReloaded = true; }")
            release.touch()
            expect(page.locator("#log")).to_contain_text("the end", timeout=20000)
            expect(page.locator(".ti-title .badge.state-success")).to_have_count(1, timeout=15000)
            assert page.evaluate("() => window.notReloaded === true")
            page.screenshot(path=str(SHOTS / "03-task-log-followed.png"), full_page=True)
            page.click(".dag-tabs >> text=Grid")
            expect(page.locator("#grid a.cell.state-success")).to_have_count(3, timeout=45000)
            expect(page.locator("#grid")).to_have_attribute("data-live", "false", timeout=10000)
            run = runs.list_dag_runs("ui_browser")[0]
            assert run.state == "success" and run.conf == {"from": "browser"}
            page.screenshot(path=str(SHOTS / "04-grid-green.png"), full_page=True)

            page.click(".dag-tabs >> text=Graph")
            page.wait_for_selector('#graph g.node[data-state="success"]')
            assert page.locator("#graph g.node").count() == 3
            assert page.locator('#graph g.cluster[data-group-id="work"]').count() == 1
            assert page.locator('#graph g.node[data-state="success"]').count() == 3
            page.screenshot(path=str(SHOTS / "05-graph.png"), full_page=True)

            page.locator('#graph g.node[data-task-id="hello"]').click()
            page.wait_for_url(re.compile(r".*/tasks/hello$"))
            assert "hello from the browser test" in page.locator("#log").inner_text()
            assert "echo hello from the browser test" in page.locator("table.rendered").inner_text()
            page.screenshot(path=str(SHOTS / "06-task-log.png"), full_page=True)

            viewer = browser.new_context(viewport={"width": 1280, "height": 800})
            vpage = viewer.new_page()
            sign_in(vpage, base, "viewer")
            assert vpage.locator('tr[data-dag-id="ui_browser"]').count() == 1
            assert vpage.locator("a.trigger").count() == 0
            assert vpage.locator('tr[data-dag-id="ui_browser"] button.switch').is_disabled()
            vpage.goto(base + "/dags/ui_browser/grid")
            assert vpage.locator("a.trigger").count() == 0
            assert vpage.locator("#grid a.cell.state-success").count() == 3
            vpage.screenshot(path=str(SHOTS / "07-viewer-grid.png"), full_page=True)
            token = vpage.locator("body").get_attribute("data-csrf")
            for form in ({}, {"csrf_token": "not-the-token"}, {"csrf_token": token}):
                resp = vpage.request.post(base + "/dags/ui_browser/trigger", form=form)
                assert resp.status == 403, (form, resp.status)
            # The admin may trigger, but not with a forged form that lacks the session's token.
            assert page.request.post(base + "/dags/ui_browser/trigger", form={}).status == 403
            assert len(runs.list_dag_runs("ui_browser")) == 1
            assert errors == []
        finally:
            browser.close()


def test_connection_form_follows_the_chosen_type_and_tests_it(scheduler, webserver: str, tmp_path: Path) -> None:
    """The type dropdown relabels and hides fields, adds the type's own inputs, and the Test button reports."""
    from playwright.sync_api import expect, sync_playwright

    from tradewind.store.connections import get_connection
    from tradewind.store.migrate import migrate
    from tradewind.store.users import create_user

    from network_servers import start_ftp

    migrate()
    create_user("op", "Otto", "Op", "op@example.com", ["Op"], PASSWORD)
    ftp = start_ftp(tmp_path / "ftp", "drops", "Ftp-Browser-7")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            sign_in(page, webserver, "op")
            page.goto(webserver + "/admin/connections")
            form = page.locator("#connection-form")
            form.locator("select[name=conn_type]").select_option("ssh")
            expect(form.locator('[data-field="login"] span')).to_have_text("Username")
            expect(form.locator('[data-field="schema"]')).to_be_hidden()
            expect(form.locator("input[name=extra__key_file]")).to_be_visible()
            form.locator("select[name=conn_type]").select_option("ftp")
            expect(form.locator("input[name=extra__key_file]")).to_have_count(0)
            expect(form.locator("input[name=extra__passive]")).to_be_visible()
            expect(form.locator("input[name=host]")).to_have_attribute("placeholder", "ftp.example.com")
            form.locator("input[name=conn_id]").fill("drops_ftp")
            form.locator("input[name=host]").fill(ftp.host)
            form.locator("input[name=port]").fill(str(ftp.port))
            form.locator("input[name=login]").fill("drops")
            form.locator("input[name=password]").fill("Wrong-Browser-7")
            form.locator("[data-test-connection]").click()
            expect(form.locator("[data-test-result]")).to_have_text("Failed: error_perm: 530 Authentication failed.")
            form.locator("input[name=password]").fill("Ftp-Browser-7")
            form.locator("[data-test-connection]").click()
            expect(form.locator("[data-test-result]")).to_contain_text("OK: logged in to 127.0.0.1")
            page.screenshot(path=str(SHOTS / "connection-form-test.png"), full_page=True)
            form.locator("input[name=extra__passive]").fill("true")
            form.locator("button[type=submit]").click()
            expect(page.locator(".flash")).to_contain_text("Connection drops_ftp saved")
            form.locator("select[name=conn_type]").select_option("__other__")
            expect(form.locator("input[name=conn_type_other]")).to_be_visible()
            expect(form.locator("[data-test-connection]")).to_be_hidden()
            assert errors == []
        finally:
            browser.close()
            ftp.stop()
    stored = get_connection("drops_ftp")
    assert (
        stored.conn_type == "ftp"
        and stored.password == "Ftp-Browser-7"
        and json.loads(stored.extra) == {"passive": True}
    )
