"""Several `tradewind scheduler` processes on one PostgreSQL database, for real: shared work,
each task instance run exactly once (counted through a side effect, not only states), and a
scheduler killed with -9 taken over by the other. On SQLite a second scheduler is refused.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from scheduler_process import SchedulerProcess, wait_for

PG_SERVER = os.environ.get("TRADEWIND_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")

#: Short liveness settings so a dead scheduler is noticed in seconds, not the defaults' half-minute.
SEVERAL = {
    "TRADEWIND__SCHEDULER__SCHEDULER_HEALTH_CHECK_THRESHOLD": "3",
    "TRADEWIND__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "1",
    "TRADEWIND__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "10",
}

FANOUT = """
import os
from tradewind import DAG
from tradewind.operators.python import PythonOperator

def mark(run_id, task_id):
    fd = os.open({ledger!r}, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, f"{{run_id}} {{task_id}} {{os.getpgid(0)}}\\n".encode())  # the scheduler's process group
    os.close(fd)

with DAG("fan10", schedule=None, max_active_runs=20, max_active_tasks=32):
    def op(name):
        return PythonOperator(task_id=name, python_callable=mark, op_args=["{{{{ run_id }}}}", name])
    start, end = op("start"), op("end")
    for i in range(8):
        start >> op(f"m{{i}}") >> end
"""


def _admin(sql: str) -> None:
    import psycopg

    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_home(tradewind_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """TRADEWIND_HOME on a fresh PostgreSQL database of its own, migrated; dropped afterwards."""
    name = f"tw_i14_{uuid.uuid4().hex[:10]}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - one clear line when the server is missing
        pytest.fail(f"PostgreSQL is not reachable at {PG_SERVER} ({exc}); scripts/services.sh starts it")
    from tradewind.config import conf
    from tradewind.store.engine import reset_engine
    from tradewind.store.migrate import migrate, reset_cache

    monkeypatch.setenv("TRADEWIND__DATABASE__SQL_ALCHEMY_CONN", f"{PG_SERVER}/{name}")
    for key, value in SEVERAL.items():
        monkeypatch.setenv(key, value)
    reset_engine()
    reset_cache()
    conf.reload()
    migrate()
    (tradewind_home / "dags").mkdir(exist_ok=True)
    yield tradewind_home
    reset_engine()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def schedulers(pg_home: Path) -> Iterator[list[SchedulerProcess]]:
    started: list[SchedulerProcess] = []
    yield started
    for proc in started:
        pid = proc.proc.pid if proc.proc is not None else None
        proc.stop()
        if pid is not None:
            try:  # whatever of its process group is left (a scheduler killed with -9 leaves its workers)
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _start(home: Path, schedulers: list[SchedulerProcess], n: int) -> list[SchedulerProcess]:
    for i in range(n):
        schedulers.append(SchedulerProcess(home, home / f"scheduler-{i}.out").start())
    return schedulers


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _trigger(dag_id: str, count: int) -> list[str]:
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag(dag_id), timeout=60, what=f"{dag_id} to be parsed")
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [trigger_dag(dag_id, logical_date=base + timedelta(minutes=i)).run_id for i in range(count)]


def _all_done(run_ids: list[str]) -> Any:
    from tradewind.store import runs

    states = {r.run_id: r.state for r in runs.list_dag_runs("fan10")}
    return all(states.get(r) in ("success", "failed") for r in run_ids) and states


def _check_exactly_once(ledger: Path, run_ids: list[str]) -> Counter[str]:
    """Every task instance succeeded on its first try and its callable ran exactly once; tasks per scheduler."""
    from tradewind.store import task_instances

    lines = [line.split() for line in ledger.read_text().splitlines()]
    executions = Counter((run_id, task_id) for run_id, task_id, _ in lines)
    expected = {(r, t) for r in run_ids for t in ["start", "end", *(f"m{i}" for i in range(8))]}
    assert set(executions) == expected
    assert [k for k, n in executions.items() if n != 1] == []
    tis = task_instances.find_task_instances(["success"], dag_id="fan10")
    assert len(tis) == len(expected) and all(t.try_number == 1 for t in tis)
    return Counter(worker for _, _, worker in lines)


def test_two_schedulers_share_60_runs_and_run_each_task_once(pg_home: Path, schedulers: list[SchedulerProcess]):
    ledger = pg_home / "ledger.txt"
    (pg_home / "dags" / "fan10.py").write_text(FANOUT.format(ledger=str(ledger)))
    _start(pg_home, schedulers, 2)
    run_ids = _trigger("fan10", 60)
    states = wait_for(lambda: _all_done(run_ids), timeout=120, what="60 runs to finish")
    assert set(states.values()) == {"success"}
    per_scheduler = _check_exactly_once(ledger, run_ids)
    # both schedulers' executors ran tasks (each is its own process group): the work was shared
    pids = {str(s.proc.pid) for s in schedulers if s.proc is not None}
    assert set(per_scheduler) == pids, per_scheduler
    assert min(per_scheduler.values()) >= 60, per_scheduler
    outputs = "".join(s.output() for s in schedulers)
    assert "Traceback" not in outputs


def test_kill_9_of_one_scheduler_the_other_finishes_every_run(pg_home: Path, schedulers: list[SchedulerProcess]):
    ledger = pg_home / "ledger.txt"
    (pg_home / "dags" / "fan10.py").write_text(FANOUT.format(ledger=str(ledger)))
    first, second = _start(pg_home, schedulers, 2)
    run_ids = _trigger("fan10", 30)
    wait_for(lambda: ledger.exists() and len(ledger.read_text().splitlines()) >= 40, what="tasks to run")
    assert first.proc is not None
    victim = first.proc.pid
    os.kill(victim, signal.SIGKILL)  # the scheduler only: its workers finish their task and exit
    first.proc.wait()
    states = wait_for(lambda: _all_done(run_ids), timeout=90, what="the survivor to finish every run")
    assert set(states.values()) == {"success"}, Counter(states.values())
    _check_exactly_once(ledger, run_ids)
    from tradewind.store import jobs

    dead = [j for j in jobs.alive_jobs(jobs.SCHEDULER, within=timedelta(days=1)) if j.pid == victim]
    assert dead == []  # the survivor marked the killed scheduler's job failed
    assert "stopped heartbeating: adopting its queued task instances" in second.output()
    assert second.proc is not None and second.proc.poll() is None


VICTIM = """
import os, time
from datetime import timedelta
from tradewind import DAG
from tradewind.operators.python import PythonOperator

def slow(ti):
    if ti.try_number == 1:
        open({marker!r}, "w").write(str(os.getpid()))
        time.sleep(60)
    return "second try"

with DAG("victim", schedule=None):
    PythonOperator(task_id="slow", python_callable=slow, retries=1, retry_delay=timedelta(seconds=0))
"""


def test_a_try_whose_scheduler_and_worker_vanished_is_retried_by_the_other(
    pg_home: Path, schedulers: list[SchedulerProcess]
):
    marker = pg_home / "first-try.pid"
    (pg_home / "dags" / "victim.py").write_text(VICTIM.format(marker=str(marker)))
    _start(pg_home, schedulers, 2)
    (run_id,) = _trigger("victim", 1)
    from tradewind.store import jobs, task_instances, tries

    wait_for(lambda: marker.exists() and marker.read_text(), what="the first try to start")
    ti = task_instances.get_task_instance("victim", run_id, "slow")
    assert ti is not None and ti.state == "running" and ti.queued_by_job_id is not None
    owner = next(j for j in jobs.alive_jobs(jobs.SCHEDULER, within=timedelta(days=1)) if j.id == ti.queued_by_job_id)
    os.killpg(owner.pid, signal.SIGKILL)  # the scheduler, its workers and the task's process, at once
    task_pid = int(marker.read_text())
    wait_for(lambda: _gone(task_pid), what="the task's process to die")
    done = wait_for(
        lambda: (t := task_instances.get_task_instance("victim", run_id, "slow")) and t.state == "success" and t,
        timeout=60,
        what="the other scheduler to retry the try",
    )
    assert done.try_number == 2
    first = tries.list_tries("victim", run_id, "slow")[0]
    assert first.state == "up_for_retry"
    assert "orphaned" in Path(first.log_path or "").read_text()


def test_a_second_scheduler_on_sqlite_is_refused_with_one_line(tradewind_home: Path, cli_process: Any):
    from tradewind.store.migrate import migrate

    migrate()
    (tradewind_home / "dags").mkdir(exist_ok=True)
    first = SchedulerProcess(tradewind_home, tradewind_home / "first.out").start()
    try:
        from tradewind.store import jobs

        wait_for(lambda: jobs.alive_jobs(jobs.SCHEDULER, within=timedelta(seconds=30)), what="the first scheduler")
        second = cli_process("scheduler", "-n", "1")
        assert second.code == 1
        assert second.err.strip().splitlines() == [
            next(line for line in second.err.splitlines() if "already running on this SQLite database" in line)
        ]
        assert "PostgreSQL" in second.err and "Traceback" not in second.err
        first.stop(signal.SIGKILL)  # a dead scheduler does not block the next one
        assert cli_process("scheduler", "-n", "1").code == 0
    finally:
        first.stop()
