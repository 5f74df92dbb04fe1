"""`tradewind webserver` and `tradewind standalone` as real processes on a free loopback port."""

from __future__ import annotations

import base64
import itertools
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler_process import FAST, wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(
    port: int, path: str, auth: tuple[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None


_runs = itertools.count(1)


class Proc:
    """`python -m tradewind ARGS` in its own session, output in a file, stopped at teardown."""

    def __init__(self, home: Path, *args: str) -> None:
        self.out = home / f"{args[0]}-{next(_runs)}.out"
        self._fh = self.out.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tradewind", *args],
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            env={**os.environ, **FAST},
            start_new_session=True,
        )

    def output(self) -> str:
        return self.out.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                raise AssertionError(f"did not stop on {sig!r}:\n{self.output()}") from None
        self._fh.close()
        return int(self.proc.returncode)


@pytest.fixture
def processes(tradewind_home: Path) -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for p in started:
        if p.proc.poll() is None:
            os.killpg(p.proc.pid, signal.SIGKILL)
            p.proc.wait()


def healthy(port: int) -> Any:
    status, body = get(port, "/health")
    return body if status == 200 else None


def test_webserver_serves_health_and_the_api_then_stops_on_sigterm(
    cli: Any, tradewind_home: Path, processes: list[Proc]
) -> None:
    assert cli("users", "create", "-u", "ops", "-f", "O", "-l", "P", "-e", "o@x", "-r", "Op", "-p", "ops-pw").code == 0
    port = free_port()
    web = Proc(tradewind_home, "webserver", "--port", str(port), "--hostname", "127.0.0.1")
    processes.append(web)
    body = wait_for(lambda: healthy(port), timeout=60, what="the webserver to answer /health")
    assert body["metadatabase"]["status"] == "healthy" and body["scheduler"]["status"] == "unhealthy"
    assert get(port, "/api/v1/dags")[0] == 401
    assert get(port, "/api/v1/variables", ("ops", "ops-pw")) == (200, {"variables": [], "total_entries": 0})
    assert get(port, "/api/v1/users", ("ops", "ops-pw"))[0] == 403
    assert web.stop(signal.SIGTERM) == 0
    assert get(port, "/health")[0] == 0  # the port is closed


def test_a_spoofed_x_forwarded_for_from_loopback_is_still_throttled(
    cli: Any, cli_process: Any, tradewind_home: Path, processes: list[Proc], monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn believes X-Forwarded-For from loopback by default: each failed login could claim a new address
    and the throttle (per username and address) never fired. Now no proxy is trusted unless configured."""
    assert cli("users", "create", "-u", "ops", "-f", "O", "-l", "P", "-e", "o@x", "-r", "Op", "-p", "ops-pw").code == 0

    def attempt(port: int, password: str, spoofed: str) -> int:
        return get(port, "/api/v1/variables", ("ops", password), {"X-Forwarded-For": spoofed})[0]

    port = free_port()
    web = Proc(tradewind_home, "webserver", "--port", str(port), "--hostname", "127.0.0.1")
    processes.append(web)
    wait_for(lambda: healthy(port), timeout=60, what="the webserver to answer /health")
    assert [attempt(port, "wrong", f"203.0.113.{i}") for i in range(5)] == [401] * 5
    assert attempt(port, "ops-pw", "203.0.113.99") == 429  # the real peer is locked out, whatever it claims
    assert web.stop() == 0
    log = web.output()
    assert "failed login for 'ops' from 127.0.0.1" in log and "203.0.113." not in log

    # A proxy listed in [webserver] forwarded_allow_ips is believed: its clients are counted apart.
    monkeypatch.setenv("TRADEWIND__WEBSERVER__FORWARDED_ALLOW_IPS", "192.0.2.1, 127.0.0.1")
    port = free_port()
    proxied = Proc(tradewind_home, "webserver", "--port", str(port), "--hostname", "127.0.0.1")
    processes.append(proxied)
    wait_for(lambda: healthy(port), timeout=60, what="the webserver behind a trusted proxy to answer /health")
    assert [attempt(port, "wrong", "203.0.113.7") for _ in range(5)] == [401] * 5
    assert attempt(port, "ops-pw", "203.0.113.7") == 429
    assert attempt(port, "ops-pw", "203.0.113.8") == 200
    assert proxied.stop() == 0
    assert "failed login for 'ops' from 203.0.113.7" in proxied.output()

    monkeypatch.setenv("TRADEWIND__WEBSERVER__FORWARDED_ALLOW_IPS", "proxy.internal")
    bad = cli_process("webserver", "--port", str(free_port()), "--hostname", "127.0.0.1")
    assert bad.code == 1 and bad.err.strip().endswith(
        "[webserver] forwarded_allow_ips: 'proxy.internal' is not an IP address, a network (such as 10.0.0.0/8) or '*'"
    )


def test_webserver_with_two_workers(tradewind_home: Path, processes: list[Proc]) -> None:
    port = free_port()
    web = Proc(tradewind_home, "webserver", "--port", str(port), "--hostname", "127.0.0.1", "--workers", "2")
    processes.append(web)
    wait_for(lambda: healthy(port), timeout=60, what="the webserver to answer /health")
    assert all(get(port, "/api/v1/version")[0] == 200 for _ in range(6))
    assert web.stop(signal.SIGINT) == 0


def test_webserver_on_a_busy_port_is_one_clear_error(cli_process: Any) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli_process("webserver", "--port", str(port), "--hostname", "127.0.0.1")
    assert result.code == 1
    assert result.err.strip().endswith(f"tradewind: error: cannot listen on 127.0.0.1:{port}: Address already in use")
    bad = cli_process("webserver", "--port", "70000")
    assert bad.code == 1 and "--port must be between 1 and 65535" in bad.err


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_standalone_creates_an_admin_runs_all_three_and_stops_them_on_ctrl_c(
    tradewind_home: Path, processes: list[Proc]
) -> None:
    port = free_port()
    sa = Proc(tradewind_home, "standalone", "--port", str(port), "--hostname", "127.0.0.1")
    processes.append(sa)
    body = wait_for(
        lambda: (b := healthy(port)) and b["scheduler"]["status"] == "healthy" and b,
        timeout=90,
        what="standalone's webserver to report a healthy scheduler",
    )
    assert body["metadatabase"]["status"] == "healthy"

    secret_file = tradewind_home / "standalone_admin_password.txt"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    password = secret_file.read_text().strip()
    assert f"Created user 'admin' with password: {password}" in sa.output()
    assert get(port, "/api/v1/users", ("admin", password))[1]["users"][0]["username"] == "admin"

    wait_for(
        lambda: (b := healthy(port)) and b["triggerer"]["status"] == "healthy",
        timeout=30,
        what="standalone's triggerer to heartbeat",
    )
    children = _children(sa.proc.pid)
    assert len(children) == 3  # scheduler, triggerer, webserver
    assert sa.stop(signal.SIGINT) == 0  # Ctrl-C
    assert all(_gone(pid) for pid in children)
    assert "standalone | stopped" in sa.output()

    again = Proc(tradewind_home, "standalone", "--port", str(port), "--hostname", "127.0.0.1")
    processes.append(again)
    wait_for(lambda: healthy(port), timeout=90, what="the second standalone to serve")
    assert "Users exist already" in again.output() and "Created user" not in again.output()
    assert secret_file.read_text().strip() == password
    assert again.stop(signal.SIGTERM) == 0


def _descendants(pid: int) -> set[int]:
    out: set[int] = set()
    todo = [pid]
    while todo:
        try:
            kids = _children(todo.pop())
        except OSError:
            continue
        out.update(kids)
        todo.extend(kids)
    return out


def test_standalone_killed_with_sigkill_leaves_no_process_behind(tradewind_home: Path, processes: list[Proc]) -> None:
    port = free_port()
    sa = Proc(tradewind_home, "standalone", "--port", str(port), "--hostname", "127.0.0.1")
    processes.append(sa)
    wait_for(
        lambda: (b := healthy(port)) and b["scheduler"]["status"] == "healthy",
        timeout=90,
        what="standalone's webserver to report a healthy scheduler",
    )
    tree = _descendants(sa.proc.pid)
    assert len(_children(sa.proc.pid)) == 3 and len(tree) > 3  # the scheduler's workers and parser too
    os.kill(sa.proc.pid, signal.SIGKILL)  # no handler runs: only the kernel's parent-death signal is left
    sa.proc.wait(10)
    try:
        wait_for(lambda: all(_gone(pid) for pid in tree), timeout=45, what="every child and grandchild to exit")
        assert healthy(port) is None  # the port is free: the webserver is gone too
    finally:
        for pid in tree:  # whatever the fix failed to stop must not outlive the test
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
