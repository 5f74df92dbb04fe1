"""The fork server of a worker slot, through its real protocol: processes forked, exit codes, no leftovers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tradewind.exceptions import DagNotFound
from tradewind.executors.forkserver import ForkServer
from tradewind.runtime.protocol import Channel, NoJob

from processes import child_pids

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
        deadline = time.monotonic() + 10
        while not (standby := child_pids(server.pid)) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(standby) == 1  # the next job's process, forked ahead of need
    finally:
        server.close()
    assert server.pid not in child_pids(os.getpid())  # reaped, and its standby with it
    assert not any(Path(f"/proc/{pid}").exists() for pid in standby)


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
