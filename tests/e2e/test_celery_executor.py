"""CeleryExecutor for real: schedulers and two `tradewind celery worker`s on PostgreSQL, with Redis or RabbitMQ.

Every task appends one line to a ledger file (O_APPEND, one write), so "ran exactly once" is
counted from what the tasks did, not only from the states they left. Each test uses a Celery
queue of its own (`[celery] default_queue`), so other users of the shared brokers see nothing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler_process import FAST, wait_for

pytestmark = pytest.mark.postgres

PG_SERVER = os.environ.get("TRADEWIND_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = "redis://127.0.0.1:6379"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672//"
ROOT = Path(__file__).resolve().parents[2]

LEDGER_DAG = """
import os
from datetime import datetime, timedelta
from tradewind import DAG
from tradewind.operators.python import PythonOperator

LEDGER = {ledger!r}

def work(ti, run_id, sleep=0.0):
    fd = os.open(LEDGER, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, f"start {{run_id}} {{ti.task_id}} {{ti.try_number}} {{os.getpid()}}\\n".encode())
    if sleep:
        import time
        time.sleep(sleep)
    os.write(fd, f"done {{run_id}} {{ti.task_id}} {{ti.try_number}} {{os.getpid()}}\\n".encode())
    os.close(fd)

with DAG({dag_id!r}, schedule="@daily", start_date=datetime(2024, 1, 1), end_date=datetime(2024, 1, 1) + timedelta(days={runs} - 1),
         catchup=True, max_active_runs=16, default_args={{"retries": 1, "retry_delay": timedelta(0)}}) as dag:
    first = PythonOperator(task_id="t0", python_callable=work, op_kwargs={{"sleep": {sleep}}})
    last = PythonOperator(task_id="t9", python_callable=work)
    for i in range(1, 9):
        first >> PythonOperator(task_id=f"t{{i}}", python_callable=work) >> last
"""


def _admin(sql: str) -> None:
    import psycopg

    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"tw_i14celery_{uuid.uuid4().hex[:10]}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 — one clear line instead of a driver traceback
        pytest.fail(f"PostgreSQL is not reachable at {PG_SERVER} ({exc}); start it (scripts/test.sh does)")
    yield f"{PG_SERVER}/{name}"
    from tradewind.store.engine import reset_engine

    reset_engine()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Cluster:
    """Schedulers and Celery workers as child processes (each in a session of its own, so kill -9 takes its tree)."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.env = env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        out = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "tradewind", *args],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.procs[name] = proc
        return proc

    def worker(self, name: str, concurrency: int = 2) -> subprocess.Popen[bytes]:
        return self.start(name, "celery", "worker", "-c", str(concurrency), "-H", f"{name}@%h")

    def log(self, name: str) -> str:
        return (self.home / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def cluster(tradewind_home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Configure this test's home for the CeleryExecutor on PostgreSQL; `make(broker)` returns the Cluster."""
    made: list[Cluster] = []

    def make(broker_url: str, **extra: str) -> Cluster:
        settings = {
            **FAST,
            "TRADEWIND__DATABASE__SQL_ALCHEMY_CONN": pg_url,
            "TRADEWIND__CORE__EXECUTOR": "CeleryExecutor",
            "TRADEWIND__CORE__PARALLELISM": "8",
            "TRADEWIND__CELERY__BROKER_URL": broker_url,
            "TRADEWIND__CELERY__DEFAULT_QUEUE": f"tw_test_{uuid.uuid4().hex[:10]}",
            "TRADEWIND__CELERY__SYNC_INTERVAL": "0.5",
            **extra,
        }
        for key, value in settings.items():
            monkeypatch.setenv(key, value)
        from tradewind.store.migrate import migrate

        migrate()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        made.append(Cluster(tradewind_home, env))
        return made[0]

    yield make
    for c in made:
        c.stop()
        _delete_queue(c.env["TRADEWIND__CELERY__BROKER_URL"], c.env["TRADEWIND__CELERY__DEFAULT_QUEUE"])


def _delete_queue(broker_url: str, queue: str) -> None:
    """Leave the shared broker as it was: this test's Celery queue goes (a restarted test broker is gone anyway)."""
    from kombu import Connection

    try:
        with Connection(broker_url, connect_timeout=2) as conn:
            conn.default_channel.queue_delete(queue)
    except Exception:  # noqa: BLE001 — the test's own redis-server may be stopped already
        pass


def write_dag(home: Path, dag_id: str, *, runs: int, sleep: float = 0.0) -> Path:
    ledger = home / "ledger.txt"
    (home / "dags").mkdir(exist_ok=True)
    (home / "dags" / f"{dag_id}.py").write_text(
        LEDGER_DAG.format(ledger=str(ledger), dag_id=dag_id, runs=runs, sleep=sleep), encoding="utf-8"
    )
    return ledger


def ledger_lines(ledger: Path, kind: str) -> Counter[tuple[str, str]]:
    if not ledger.exists():
        return Counter()
    rows = [line.split() for line in ledger.read_text().splitlines()]
    return Counter((r[1], r[2]) for r in rows if r[0] == kind)


def runs_done(dag_id: str, count: int) -> Any:
    from tradewind.store import runs

    def check() -> Any:
        done = [r for r in runs.list_dag_runs(dag_id) if r.state in ("success", "failed")]
        return done if len(done) >= count else None

    return check


def assert_exactly_once(dag_id: str, ledger: Path, runs_expected: int) -> None:
    from tradewind.store import runs, task_instances

    all_runs = runs.list_dag_runs(dag_id)
    assert len(all_runs) == runs_expected
    assert {r.state for r in all_runs} == {"success"}
    tis = [t for r in all_runs for t in task_instances.list_task_instances(dag_id, r.run_id)]
    assert len(tis) == runs_expected * 10
    assert {t.state for t in tis} == {"success"}
    done = ledger_lines(ledger, "done")
    started = ledger_lines(ledger, "start")
    assert set(done) == {(t.run_id, t.task_id) for t in tis}
    assert max(done.values()) == 1, [k for k, n in done.items() if n > 1]
    assert max(started.values()) == 1, [k for k, n in started.items() if n > 1]


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def run_on_two_schedulers_and_two_workers(c: Cluster, home: Path, dag_id: str, runs: int, timeout: float) -> Path:
    """The issue's cluster: 2 schedulers and 2 Celery workers run `runs` runs of the 10-task ledger DAG.

    Checks that every task instance succeeded and its callable ran exactly once (the ledger), and
    that both schedulers queued work (each task instance records the scheduler job that queued it).
    """
    from tradewind.store import task_instances

    ledger = write_dag(home, dag_id, runs=runs)
    c.worker("w1")
    c.worker("w2")
    c.start("scheduler-1", "scheduler")
    c.start("scheduler-2", "scheduler")
    wait_for(runs_done(dag_id, runs), timeout=timeout, what=f"{runs} runs to finish")
    assert_exactly_once(dag_id, ledger, runs)
    queued_by = Counter(t.queued_by_job_id for t in task_instances.find_task_instances(["success"], dag_id=dag_id))
    assert len(queued_by) == 2 and None not in queued_by, queued_by  # both schedulers shared the work
    pids = {line.split()[4] for line in ledger.read_text().splitlines()}
    assert len(pids) >= 2  # the work was spread (each task has a process of its own anyway)
    for name in c.procs:
        assert "Traceback" not in c.log(name), c.log(name)
    return ledger


@pytest.mark.timeout(900)
def test_redis_two_schedulers_two_workers_200_runs_every_task_once(
    cluster: Any, tradewind_home: Path, cli_process: Any
) -> None:
    c = cluster(f"{REDIS}/5")
    redis_flush(f"{REDIS}/5")
    run_on_two_schedulers_and_two_workers(c, tradewind_home, "ledger200", 200, timeout=780)
    # both workers are live jobs in the database; `jobs check` sees them
    check = cli_process("jobs", "check", "--job-type", "CeleryWorkerJob", "--allow-multiple", "--limit", "5")
    assert check.code == 0 and "Found 2 alive jobs." in check.out, check
    from tradewind.api.routes.monitor import health_status

    assert health_status()["celery_worker"] == {"status": "healthy", "alive_workers": 2}


@pytest.mark.timeout(600)
def test_rabbitmq_two_schedulers_two_workers_50_runs_every_task_once(cluster: Any, tradewind_home: Path) -> None:
    c = cluster(RABBITMQ)
    run_on_two_schedulers_and_two_workers(c, tradewind_home, "ledger_amqp", 50, timeout=480)


def _worker_of(pid: int, cluster: Any) -> str:
    """Which worker's session the process `pid` (a pool process) belongs to."""
    sid = os.getsid(pid)
    for name, proc in cluster.procs.items():
        if proc.pid == sid:
            return name
    raise AssertionError(f"process {pid} belongs to no worker")


def test_kill_9_of_a_worker_mid_task_retries_it_on_the_other(cluster: Any, tradewind_home: Path) -> None:
    from tradewind.store import task_instances

    c = cluster(f"{REDIS}/6")
    redis_flush(f"{REDIS}/6")
    ledger = write_dag(tradewind_home, "victim", runs=1, sleep=4.0)
    c.worker("w1", concurrency=1)
    c.worker("w2", concurrency=1)
    wait_for(lambda: "ready" in c.log("w1") and "ready" in c.log("w2"), timeout=60, what="both workers")
    c.start("scheduler", "scheduler")
    wait_for(lambda: ledger_lines(ledger, "start"), timeout=60, what="t0 to start")
    ((run_id, _),) = ledger_lines(ledger, "start")
    ti = task_instances.get_task_instance("victim", run_id, "t0", -1)
    assert ti is not None and ti.state == "running" and ti.pid
    victim = _worker_of(ti.pid, c)
    os.killpg(c.procs[victim].pid, signal.SIGKILL)  # the worker, its pool, fork server and the task: a dead machine
    c.procs[victim].wait()
    wait_for(runs_done("victim", 1), timeout=90, what="the run to finish on the surviving worker")
    t0 = task_instances.get_task_instance("victim", run_id, "t0", -1)
    assert t0 is not None and t0.state == "success" and t0.try_number == 2
    survivor = "w2" if victim == "w1" else "w1"
    assert _worker_of(t0.pid, c) == survivor
    starts = [line.split() for line in ledger.read_text().splitlines() if line.startswith("start") and " t0 " in line]
    assert [s[3] for s in starts] == ["1", "2"]  # try 1 died with its worker, try 2 ran once
    assert ledger_lines(ledger, "done")[(run_id, "t0")] == 1
    done = ledger_lines(ledger, "done")
    assert len(done) == 10 and max(done.values()) == 1  # every task of the run finished once
    assert "orphaned" in c.log("scheduler")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_redis(port: int, data: Path) -> subprocess.Popen[bytes]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    wait_for(lambda: _pings(redis.Redis(port=port)), timeout=10, what="redis-server to answer")
    return proc


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


def test_broker_restart_mid_run_loses_no_task(cluster: Any, tradewind_home: Path, tmp_path: Path) -> None:
    port = _free_port()
    data = tmp_path / "redis-data"
    data.mkdir()
    server = _start_redis(port, data)
    c = None
    try:
        c = cluster(f"redis://127.0.0.1:{port}/0", TRADEWIND__CELERY__TASK_QUEUED_TIMEOUT="5")
        ledger = write_dag(tradewind_home, "restart", runs=4, sleep=1.0)
        c.worker("w1")
        c.worker("w2")
        c.start("scheduler", "scheduler")
        wait_for(lambda: len(ledger_lines(ledger, "start")) >= 3, timeout=60, what="tasks to be running")
        server.send_signal(signal.SIGTERM)  # the broker goes away with tasks in flight and queued
        server.wait(10)
        time.sleep(2)
        server = _start_redis(port, data)
        wait_for(runs_done("restart", 4), timeout=90, what="the runs to finish after the restart")
        assert_exactly_once("restart", ledger, 4)
    finally:
        if c is not None:
            c.stop()  # the workers first: a worker without its broker waits for it on shutdown
        server.terminate()
        server.wait(10)


def test_jobs_check_bad_input_and_no_worker(cli: Any) -> None:
    assert cli("db", "migrate").code == 0
    none = cli("jobs", "check", "--job-type", "CeleryWorkerJob")
    assert none.code == 1 and none.out.strip() == "No alive jobs found."
    bad = cli("jobs", "check", "--limit", "0")
    assert bad.code != 0 and "--limit" in bad.err and "Traceback" not in bad.err
    both = cli("jobs", "check", "--local", "--hostname", "x")
    assert both.code != 0 and "--local" in both.err


def test_a_message_delivered_twice_runs_the_try_once(cluster: Any, tradewind_home: Path) -> None:
    """The broker may deliver a workload twice (redelivery after a lost ack): the database claim decides."""
    from tradewind.executors.celery.app import TASK_NAME, celery_app, to_message
    from tradewind.executors.messages import Workload
    from tradewind.parsing.dagbag import DagBag
    from tradewind.scheduler.runs import create_run
    from tradewind.serialization import serialize_dag
    from tradewind.states import DagRunState, DagRunType
    from tradewind.store import task_instances
    from tradewind.structure import DagStructure

    c = cluster(f"{REDIS}/6")
    redis_flush(f"{REDIS}/6")
    ledger = write_dag(tradewind_home, "twice", runs=1)
    c.worker("w1", concurrency=2)
    wait_for(lambda: "ready" in c.log("w1"), timeout=60, what="the worker")
    dag = DagBag(str(tradewind_home / "dags")).dags["twice"]
    structure = DagStructure.from_serialized(serialize_dag(dag))
    from datetime import datetime, timezone

    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    run = create_run(structure, DagRunType.MANUAL, when, (when, when), run_id="twice", state=DagRunState.RUNNING)
    key = ("twice", run.run_id, "t1", -1)
    assert task_instances.queue_ready([(key, "none")]) == [True]
    app = celery_app()
    message = to_message(Workload(*key, fileloc=dag.fileloc), reply_to="tw_test_nobody_listens", token="same")
    queue = os.environ["TRADEWIND__CELERY__DEFAULT_QUEUE"]
    for _ in range(2):
        app.send_task(TASK_NAME, args=[message], queue=queue)
    wait_for(lambda: c.log("w1").count("succeeded in") >= 2, timeout=60, what="both deliveries to be handled")
    ti = task_instances.get_task_instance(*key)
    assert ti is not None and ti.state == "success" and ti.try_number == 1
    assert ledger_lines(ledger, "done") == Counter({(run.run_id, "t1"): 1})
    assert "'succeeded'" in c.log("w1") and "'not_ours'" in c.log("w1")
    # and one delivered after the try finished runs nothing either
    app.send_task(TASK_NAME, args=[message], queue=queue)
    wait_for(lambda: c.log("w1").count("'not_ours'") >= 2, timeout=60, what="the late delivery")
    assert ledger_lines(ledger, "done") == Counter({(run.run_id, "t1"): 1})
    import redis

    redis.Redis.from_url(f"{REDIS}/6").delete("tw_test_nobody_listens")


LISTENER = """
import sys, time
from tradewind.executors.celery.events import EventListener, event_queue_name
listener = EventListener(sys.argv[1], event_queue_name(), alive_ttl=1.0)
assert listener.start(timeout=10)
print(listener.queue, flush=True)
time.sleep(120)
"""


def test_a_killed_schedulers_event_queue_on_redis_is_deleted_by_a_live_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redis keeps a queue whose consumer was killed; the `.alive` keys let live schedulers delete it."""
    import redis

    from tradewind.executors.celery.app import celery_app
    from tradewind.executors.celery.events import ALIVE_SUFFIX, EventListener, event_queue_name, publish_event

    url = f"{REDIS}/13"
    redis_flush(url)
    client = redis.Redis.from_url(url)
    dead = subprocess.Popen(
        [sys.executable, "-c", LISTENER, url], stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert dead.stdout is not None
    dead_queue = dead.stdout.readline().decode().strip()
    assert client.exists(dead_queue + ALIVE_SUFFIX)
    dead.kill()  # kill -9: the consumer never says goodbye
    dead.wait()
    monkeypatch.setenv("TRADEWIND__CELERY__BROKER_URL", url)
    app = celery_app()
    assert publish_event(app, dead_queue, {"key": ["d", "r", "t", -1]})  # a worker finishing one of its tasks
    assert client.llen(dead_queue) == 1
    # a queue whose listener is alive elsewhere (its key refreshed) holds a hint not yet read: it stays
    client.rpush("tradewind.events.elsewhere.1.x", b"{}")
    client.set("tradewind.events.elsewhere.1.x" + ALIVE_SUFFIX, 1, ex=60)
    live = EventListener(url, event_queue_name(), alive_ttl=1.0, sweep_interval=0.5)
    assert live.start(timeout=10)
    try:
        wait_for(lambda: not client.exists(dead_queue), timeout=10, what="the dead listener's queue to be deleted")
        assert client.llen("tradewind.events.elsewhere.1.x") == 1
        assert client.exists(live.queue + ALIVE_SUFFIX)
        assert not client.exists(dead_queue + ALIVE_SUFFIX)  # it expired: that is how the sweep knew
        assert publish_event(app, live.queue, {"key": ["d", "r", "t", -1]})
        wait_for(lambda: live.drain(), timeout=10, what="the live listener to hear its hint")
    finally:
        live.stop()
    assert not client.exists(live.queue + ALIVE_SUFFIX)  # a clean stop leaves nothing behind
    redis_flush(url)
