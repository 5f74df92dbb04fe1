"""The fork server of a worker slot, through its real protocol: processes forked, exit codes, no leftovers."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import pytest

from tradewind.exceptions import DagNotFound
from tradewind.executors.forkserver import ForkServer
from tradewind.runtime.protocol import Channel, NoJob

from processes import child_pids

T = TypeVar("T")

DAG_FILE = """
from datetime import datetime
from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

with DAG("fs", schedule=None, start_date=datetime(2024, 1, 1)):
    EmptyOperator(task_id="t")
"""


@pytest.fixture()
def dag_file(tradewind_home: Path) -> str:
    path = tradewind_home / "dags" / "fs.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DAG_FILE)
    return str(path)


def test_each_job_gets_a_process_of_its_own_and_its_exit_code(dag_file: str) -> None:
    server = ForkServer()
    try:
        pids = set()
        for _ in range(3):
            with server.request(dag_file, "fs") as conn:
                pid = server.started()
                Channel(conn).send(NoJob())  # not needed after all: the process exits cleanly
            assert server.wait_exit() == 0
            pids.add(pid)
        assert len(pids) == 3 and server.pid not in pids and os.getpid() not in pids
        (zygote,) = child_pids(server.pid)  # the DAG file's zygote, which forks its task processes
        assert all(_parent(pid) in (zygote, None) for pid in pids)
        standby = _until(lambda: child_pids(zygote))
        assert len(standby) == 1  # the next job's process, forked ahead of need
    finally:
        server.close()
    assert server.pid not in child_pids(os.getpid())  # reaped, and its zygote and standby with it
    assert not any(Path(f"/proc/{pid}").exists() for pid in (zygote, *standby))


def _until(ready: Callable[[], T], seconds: float = 10) -> T:
    """Poll `ready()` until it returns something true, or `seconds` pass: its last value."""
    deadline = time.monotonic() + seconds
    while not (value := ready()) and time.monotonic() < deadline:
        time.sleep(0.01)
    return value


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None  # gone


def test_a_process_killed_mid_job_reports_its_signal(dag_file: str) -> None:
    server = ForkServer()
    try:
        with server.request(dag_file, "fs"):
            os.kill(server.started(), signal.SIGKILL)
            assert server.wait_exit() == -signal.SIGKILL
    finally:
        server.close()


def test_a_dag_that_cannot_load_is_a_reason_not_a_dead_server(dag_file: str, tradewind_home: Path) -> None:
    broken = tradewind_home / "dags" / "broken.py"
    broken.write_text("import nowhere_to_be_found\n")
    server = ForkServer()
    try:
        with server.request(str(broken), "broken"), pytest.raises(DagNotFound, match="nowhere_to_be_found"):
            server.started()
        with server.request(dag_file, "not_here"), pytest.raises(DagNotFound, match="no longer defined"):
            server.started()
        with server.request(dag_file, "fs") as conn:  # and the server still serves
            server.started()
            Channel(conn).send(NoJob())
        assert server.wait_exit() == 0
    finally:
        server.close()


def test_the_server_ends_when_its_worker_goes_away(dag_file: str) -> None:
    server = ForkServer()
    server.request(dag_file, "fs").close()  # the job's channel closes: the process exits (worker gone)
    server.started()
    assert server.wait_exit() == 1
    server._sock.close()  # as if the worker died: no goodbye
    _, status = os.waitpid(server.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_dead_server_is_replaced_on_the_next_request(dag_file: str) -> None:
    server = ForkServer()
    first = server.pid
    try:
        os.kill(first, signal.SIGKILL)
        os.waitpid(first, 0)
        with server.request(dag_file, "fs") as conn:
            pid = server.started()
            Channel(conn).send(NoJob())
        assert server.wait_exit() == 0
        assert server.pid != first and pid not in (first, server.pid)
    finally:
        server.close()


OTHER_DAG_FILE = """
from datetime import datetime
import {marker}
from tradewind import DAG
from tradewind.operators.empty import EmptyOperator

with DAG("other", schedule=None, start_date=datetime(2024, 1, 1)):
    EmptyOperator(task_id="t")
"""

MODULES_DAG_FILE = """
import sys
from datetime import datetime
from tradewind import DAG
from tradewind.operators.python import PythonOperator

def modules(unused=None):
    return sorted(sys.modules)

with DAG("modules", schedule=None, start_date=datetime(2024, 1, 1)):
    PythonOperator(task_id="modules", python_callable=modules, op_kwargs={"unused": "plain text, no template"})
"""


def _task_modules(server: ForkServer, fileloc: str, logs: Path) -> list[str]:
    """Run the `modules` task through `server`, answering the task protocol without a store; what it returned."""
    from tradewind.runtime import protocol as p
    from tradewind.store.records import DagRunRecord, TaskInstanceRecord

    now = datetime.now(timezone.utc)
    run = DagRunRecord(1, "modules", "r", now, now, now, "manual", "running", {}, True, now, now, None, None, None)
    log = str(logs / "modules.log")
    ti = TaskInstanceRecord(
        *(1, "modules", "r", "modules", -1, "running", 1, 0, now, None, None, "h", 1, "PythonOperator"),
        *("default_pool", 1, "default", 1, now, None, None, log, None, now),
    )
    channel = Channel(server.request(fileloc, "modules"))
    server.started()
    channel.send(p.StartTry(run, p.Claim(ti, log, now)))
    pushed: list[str] = []
    while True:
        try:
            message = channel.recv()
        except EOFError:
            break
        if isinstance(message, p.SetXCom):
            pushed = message.value
        channel.send(p.ResultStored(True) if isinstance(message, p.TaskResult) else p.Value(None))
    channel.close()
    assert server.wait_exit() == 0
    return pushed


def test_a_task_process_holds_its_own_dag_file_and_nothing_it_does_not_need(tradewind_home: Path) -> None:
    """A zygote per DAG file: another file's modules stay out; Jinja and asyncio too (a plain task uses neither)."""
    dags = tradewind_home / "dags"
    dags.mkdir(parents=True, exist_ok=True)
    marker = f"marker_{os.getpid()}_{time.monotonic_ns()}"
    (dags / f"{marker}.py").write_text("VALUE = 1\n")
    (dags / "other.py").write_text(OTHER_DAG_FILE.format(marker=marker))
    (dags / "modules.py").write_text(MODULES_DAG_FILE)
    server = ForkServer()
    try:
        with server.request(str(dags / "other.py"), "other") as conn:
            server.started()
            Channel(conn).send(NoJob())
        assert server.wait_exit() == 0
        modules = _task_modules(server, str(dags / "modules.py"), tradewind_home / "logs")
        assert len(child_pids(server.pid)) == 2  # a zygote for each file
    finally:
        server.close()
    assert "tradewind.operators.python" in modules  # it did run there
    assert marker not in modules
    assert not [m for m in modules if m.split(".")[0] in ("jinja2", "asyncio", "sqlalchemy")]


def test_a_dag_file_whose_import_ends_its_process_fails_its_task_not_the_server(
    dag_file: str, tradewind_home: Path
) -> None:
    crash = tradewind_home / "dags" / "crash.py"
    crash.write_text("import os\nos._exit(3)\n")
    server = ForkServer()
    try:
        with server.request(str(crash), "crash"), pytest.raises(DagNotFound, match="ended while importing"):
            server.started()
        with server.request(dag_file, "fs") as conn:
            server.started()
            Channel(conn).send(NoJob())
        assert server.wait_exit() == 0
    finally:
        server.close()


def test_a_changed_dag_file_gets_a_fresh_zygote(dag_file: str) -> None:
    server = ForkServer()
    try:
        for round_ in range(2):
            if round_:
                Path(dag_file).write_text(DAG_FILE.replace('"t"', '"t2"'))
                os.utime(dag_file, (time.time() + 5, time.time() + 5))
            with server.request(dag_file, "fs") as conn:
                server.started()
                Channel(conn).send(NoJob())
            assert server.wait_exit() == 0
            zygotes = child_pids(server.pid)
            if not round_:
                first = zygotes
        assert len(zygotes) == 1 and zygotes != first  # the old one ended, with what it had imported
    finally:
        server.close()


def _no_job(server: ForkServer, dag_file: str) -> int:
    """One request of `dag_file`'s DAG, answered NoJob: the pid of the process that served it."""
    with server.request(dag_file, "fs") as conn:
        pid = server.started()
        Channel(conn).send(NoJob())
    assert server.wait_exit() == 0
    return pid


@pytest.mark.timeout(60)  # (a relay through the stopped server would wait for ever)
def test_a_files_requests_go_straight_to_its_zygote(dag_file: str) -> None:
    """The server only forks zygotes: stopped, it holds up no request of a file that has one."""
    server = ForkServer()
    try:
        _no_job(server, dag_file)
        os.kill(server.pid, signal.SIGSTOP)
        try:
            _no_job(server, dag_file)
        finally:
            os.kill(server.pid, signal.SIGCONT)
    finally:
        server.close()


def test_a_zygote_that_died_between_jobs_is_replaced(dag_file: str) -> None:
    server = ForkServer()
    try:
        _no_job(server, dag_file)
        (zygote,) = child_pids(server.pid)
        os.kill(zygote, signal.SIGKILL)
        _until(lambda: zygote not in child_pids(server.pid))  # (the server reaps it)
        _no_job(server, dag_file)  # not failed as a DAG that cannot load: a new zygote imports it
        assert child_pids(server.pid) and zygote not in child_pids(server.pid)
    finally:
        server.close()


def test_a_standby_that_died_is_not_handed_a_job(dag_file: str) -> None:
    server = ForkServer()
    try:
        _no_job(server, dag_file)
        (zygote,) = child_pids(server.pid)
        (dead,) = _until(lambda: child_pids(zygote))
        os.kill(dead, signal.SIGKILL)
        time.sleep(0.1)
        assert _no_job(server, dag_file) != dead  # a fresh fork served it
    finally:
        server.close()
