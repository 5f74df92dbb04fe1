"""The task protocol and its supervisor, for real: a fork server, task processes, a SQLite store.

Every message kind round-trips; a task process that breaks the protocol (garbage, dying
mid-message, flooding) fails its try with a clear log line and the supervisor carries on; the task
process holds no database connection and imports no store code; isolation by default, and the
documented limits of opt-in reuse.
"""

from __future__ import annotations

import logging
import textwrap
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tradewind.executors.messages import Outcome, Workload
from tradewind.runtime import protocol as p
from tradewind.store import records

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
RUN = records.DagRunRecord(
    1, "d", "r", NOW, NOW, NOW, "manual", "running", {"k": [1, 2]}, True, NOW, NOW, None, None, None
)
TI = records.TaskInstanceRecord(
    *(7, "d", "r", "t", -1, "running", 1, 0, NOW, None, None, "h", 42, "PythonOperator", "default_pool", 1),
    *("default", 1, NOW, None, None, "/tmp/log", {"x": "y"}, NOW),
)
CLAIM = p.Claim(TI, "/tmp/log", NOW)
DEFERRAL = records.Deferral("a.B", {"when": NOW}, "resume", {"n": (1, 2)}, None)
SAMPLES: dict[str, Any] = {
    "StartTry": p.StartTry(RUN, CLAIM),
    "StartCallbacks": p.StartCallbacks(RUN),
    "NoJob": p.NoJob(),
    "GetXCom": p.GetXCom("d", "r", ("a", "b"), "return_value", (0, 1)),
    "SetXCom": p.SetXCom("d", "r", "t", -1, "k", {"a": (1, NOW), 2: {3}}),
    "GetVariable": p.GetVariable("v"),
    "SetVariable": p.SetVariable("v", "text", "about it", keep_description=True),
    "DeleteVariable": p.DeleteVariable("v"),
    "GetConnection": p.GetConnection("c"),
    "GetPrevSuccessfulRun": p.GetPrevSuccessfulRun("d", NOW),
    "GetTriggeringEvents": p.GetTriggeringEvents(3),
    "GetDatasetEvents": p.GetDatasetEvents("s3://b/k"),
    "GetDatasetAliasEvents": p.GetDatasetAliasEvents("daily-export"),
    "GetFirstPoke": p.GetFirstPoke("d", "r", "t", 2, 1),
    "GetDagRun": p.GetDagRun("d", "r"),
    "FindDagRun": p.FindDagRun("d", NOW),
    "GetTaskStates": p.GetTaskStates("d", "r"),
    "GetSerializedDag": p.GetSerializedDag("d"),
    "TriggerDagRun": p.TriggerDagRun("d", {"a": 1}, "rid", NOW),
    "ClearDagRun": p.ClearDagRun("d", "r"),
    "SkipTasks": p.SkipTasks("d", "r", ("x", "y"), 2, ("y",), 3),
    "RecordDatasetEvents": p.RecordDatasetEvents(
        "d", "r", "t", -1, {"s3://b/k": {"rows": 3}}, {"s3://b/k": ["daily-export"]}
    ),
    "TaskResult": p.TaskResult(p.TryResult("deferred", NOW, None, NOW, {"cmd": "echo"}, DEFERRAL)),
    "JobDone": p.JobDone(reusable=True),
    "Value": p.Value(
        {
            "run": RUN,
            "conn": records.ConnectionRecord("c", "http", None, "h", None, "u", "pw", 80, "{}", False, False),
            "events": [records.DatasetEventRecord(1, 2, "s3://b", {"a": 1}, "d", "t", "r", -1, NOW)],
        }
    ),
    "ResultStored": p.ResultStored(True),
    "ErrorReply": p.ErrorReply("DagRunAlreadyExists", "already there"),
}


def test_the_samples_cover_every_message_kind() -> None:
    assert set(SAMPLES) == set(p.MESSAGES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_message_kind_round_trips(name: str) -> None:
    message = SAMPLES[name]
    line = p.encode(message)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert p.decode(line[:-1]) == message


@pytest.mark.parametrize(
    ("line", "match"),
    [
        (b"garbage", "unreadable"),
        (b'[1, "NoSuchMessage", {}]', "unknown message"),
        (b'[99, "NoJob", {}]', "protocol version 99"),
        (b'[1, "GetVariable", {"nope": 1}]', "malformed GetVariable"),
    ],
)
def test_what_is_not_a_message_is_a_protocol_error(line: bytes, match: str) -> None:
    with pytest.raises(p.ProtocolError, match=match):
        p.decode(line)


def test_an_error_reply_raises_the_same_tradewind_exception() -> None:
    from tradewind.exceptions import DagRunAlreadyExists, TradewindException

    with pytest.raises(DagRunAlreadyExists, match="already there"):
        p.raise_error(p.ErrorReply("DagRunAlreadyExists", "already there"))
    with pytest.raises(KeyError):
        p.raise_error(p.ErrorReply("KeyError", "x"))
    with pytest.raises(TradewindException, match="OperationalError: db gone"):
        p.raise_error(p.ErrorReply("OperationalError", "db gone"))


# --- a real supervisor ----------------------------------------------------------------------------
DAG_FILE = """
import os, sys, socket, threading, time
from datetime import datetime, timedelta
from tradewind import DAG
from tradewind.operators.python import PythonOperator
from tradewind.models.variable import Variable
from tradewind.models.connection import Connection

STATE = []

def inspect_process():
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            sock = socket.socket(fileno=os.dup(int(fd)))
            target = f"socket family {int(sock.family)}"
            sock.close()
        fds[fd] = target
    mods = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "psycopg", "sqlite3")
                  or m.startswith("tradewind.store"))
    return {"fds": fds, "mods": mods, "pid": os.getpid()}

def store_access(ti):
    ti.xcom_push("pushed", {"n": (1, 2)})
    Variable.set("greeting", "hello")
    conn = Connection.get("my_http")
    return {
        "pulled": ti.xcom_pull(task_ids="store_access", key="pushed"),
        "var": Variable.get("greeting"),
        "missing": Variable.get("nope", default_var="dflt"),
        "conn": [conn.host, conn.login, conn.port],
    }

def raw(data, then_exit=None):
    from tradewind.runtime import comms
    comms.current().channel.sock.sendall(data)
    if then_exit is not None:
        os._exit(then_exit)
    time.sleep(30)

def flood():
    from tradewind.runtime import comms
    while True:
        comms.current().channel.sock.sendall(b"x" * 65536)

def mutate():
    STATE.append(1)
    return {"seen": len(STATE), "pid": os.getpid()}

def sleepy():
    time.sleep(30)

def imports_a_helper():
    import proto_helper  # a module of the DAGs folder, new in sys.modules
    return os.getpid()

def leaves_a_thread():
    threading.Thread(target=time.sleep, args=(3,)).start()  # non-daemon, still running when the task ends
    return os.getpid()

def pid():
    return os.getpid()

with DAG("proto", schedule=None, start_date=datetime(2024, 1, 1)):
    PythonOperator(task_id="inspect", python_callable=inspect_process)
    PythonOperator(task_id="store_access", python_callable=store_access)
    PythonOperator(task_id="garbage", python_callable=raw, op_args=[b"this is not json\\n"])
    PythonOperator(task_id="mid_message", python_callable=raw, op_args=[b'[1, "GetVariable", {"ke', 3])
    PythonOperator(task_id="flood", python_callable=flood)
    PythonOperator(task_id="mutate_1", python_callable=mutate)
    PythonOperator(task_id="mutate_2", python_callable=mutate)
    PythonOperator(task_id="mutate_3", python_callable=mutate)
    PythonOperator(task_id="times_out", python_callable=sleepy, execution_timeout=timedelta(seconds=0.5))
    PythonOperator(task_id="not_reused", python_callable=mutate, executor_config={"tasks_per_process": 1})
    PythonOperator(task_id="imports_a_helper", python_callable=imports_a_helper)
    PythonOperator(task_id="leaves_a_thread", python_callable=leaves_a_thread)
    PythonOperator(task_id="pid_1", python_callable=pid)
    PythonOperator(task_id="pid_2", python_callable=pid)
    PythonOperator(task_id="pid_3", python_callable=pid)
"""


@pytest.fixture()
def dag_file(tradewind_home: Path) -> str:
    path = tradewind_home / "dags" / "proto.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    helper = f"proto_helper_{uuid.uuid4().hex[:8]}"  # earlier tests' DAG folders may still be on sys.path
    path.write_text(textwrap.dedent(DAG_FILE).replace("proto_helper", helper))
    (path.parent / f"{helper}.py").write_text("VALUE = 1\n")
    return str(path)


@pytest.fixture()
def make_run(dag_file: str) -> Any:
    from tradewind.parsing.dagbag import DagBag
    from tradewind.scheduler.runs import create_run
    from tradewind.serialization import serialize_dag
    from tradewind.states import DagRunState, DagRunType
    from tradewind.store.migrate import ensure_ready
    from tradewind.structure import DagStructure

    ensure_ready()
    dag = DagBag(dag_file, include_examples=False).dags["proto"]
    structure = DagStructure.from_serialized(serialize_dag(dag))
    counter = iter(range(1000))

    def make() -> records.DagRunRecord:
        when = datetime(2024, 1, 1, tzinfo=timezone.utc).replace(microsecond=next(counter))
        return create_run(
            structure,
            DagRunType.MANUAL,
            when,
            (when, when),
            run_id=f"run_{when.microsecond}",
            state=DagRunState.RUNNING,
            external_trigger=True,
        )

    return make


def _processes(monkeypatch: pytest.MonkeyPatch, per_process: int = 1) -> Any:
    from tradewind.executors.supervisor import TaskProcesses

    monkeypatch.setenv("TRADEWIND__EXECUTOR__TASKS_PER_PROCESS", str(per_process))
    monkeypatch.setenv("TRADEWIND_CONN_MY_HTTP", "http://user:secret@example.org:8080")
    return TaskProcesses()


def _run(processes: Any, run: records.DagRunRecord, task_id: str, dag_file: str) -> tuple[Outcome, Any]:
    from tradewind.executors.supervisor import supervise

    return supervise(Workload("proto", run.run_id, task_id, -1, dag_file, run), processes)


def _xcom(run: records.DagRunRecord, task_id: str) -> Any:
    from tradewind.store import xcom

    return xcom.pull("proto", run.run_id, [task_id])[(task_id, -1)]


def test_the_task_process_has_no_database_connection_and_no_store_code(monkeypatch, make_run, dag_file) -> None:
    processes = _processes(monkeypatch)
    try:
        run = make_run()
        outcome, record = _run(processes, run, "inspect", dag_file)
    finally:
        processes.close()
    assert outcome is Outcome.SUCCEEDED and record.state == "success"
    seen = _xcom(run, "inspect")
    assert seen["mods"] == ["tradewind.store", "tradewind.store.records"]  # the frozen value types only
    targets = list(seen["fds"].values())
    assert not [t for t in targets if "tradewind.db" in t], targets
    import socket

    sockets = [t for t in targets if t.startswith("socket")]
    assert sockets and all(t == f"socket family {int(socket.AF_UNIX)}" for t in sockets), targets


def test_xcom_variables_and_connections_go_through_the_supervisor(monkeypatch, make_run, dag_file) -> None:
    from tradewind.store.variables import get_variable

    processes = _processes(monkeypatch)
    try:
        run = make_run()
        outcome, _ = _run(processes, run, "store_access", dag_file)
    finally:
        processes.close()
    assert outcome is Outcome.SUCCEEDED
    assert _xcom(run, "store_access") == {
        "pulled": {"n": (1, 2)},
        "var": "hello",
        "missing": "dflt",
        "conn": ["example.org", "user", 8080],
    }
    assert get_variable("greeting") == "hello"


@pytest.mark.parametrize(
    ("task_id", "said"),
    [
        ("garbage", "sent what is not a message of the task protocol: unreadable message"),
        ("mid_message", "died in the middle of a message"),
        ("flood", "a message over 100000 bytes (flooding the channel)"),
    ],
)
def test_a_process_that_breaks_the_protocol_fails_its_try_and_the_supervisor_carries_on(
    monkeypatch, make_run, dag_file, caplog, task_id: str, said: str
) -> None:
    from tradewind.store import task_instances

    monkeypatch.setattr(p, "MAX_LINE", 100_000)
    processes = _processes(monkeypatch)
    try:
        run = make_run()
        with caplog.at_level(logging.ERROR, logger="tradewind.executors.supervisor"):
            outcome, _ = _run(processes, run, task_id, dag_file)
        assert outcome is Outcome.FAILED
        ti = task_instances.get_task_instance("proto", run.run_id, task_id, -1)
        assert ti.state == "failed"
        assert any(said in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]
        assert said in Path(ti.log_path).read_text()
        again, _ = _run(processes, run, "mutate_1", dag_file)  # the same supervisor and fork server
        assert again is Outcome.SUCCEEDED
    finally:
        processes.close()


def test_by_default_a_task_does_not_see_module_state_another_task_changed(monkeypatch, make_run, dag_file) -> None:
    processes = _processes(monkeypatch)
    try:
        run = make_run()
        for task_id in ("mutate_1", "mutate_2"):
            assert _run(processes, run, task_id, dag_file)[0] is Outcome.SUCCEEDED
    finally:
        processes.close()
    first, second = _xcom(run, "mutate_1"), _xcom(run, "mutate_2")
    assert first["seen"] == second["seen"] == 1 and first["pid"] != second["pid"]


def test_with_reuse_tasks_share_a_process_until_one_times_out(monkeypatch, make_run, dag_file) -> None:
    processes = _processes(monkeypatch, per_process=50)
    try:
        run = make_run()
        for task_id in ("mutate_1", "mutate_2", "times_out", "mutate_3", "not_reused", "inspect"):
            _run(processes, run, task_id, dag_file)
    finally:
        processes.close()
    first, second, third = (_xcom(run, t) for t in ("mutate_1", "mutate_2", "mutate_3"))
    assert first["pid"] == second["pid"] and second["seen"] == 2  # the documented loss of isolation
    assert third["pid"] != first["pid"] and third["seen"] == 1  # the timed-out task ended its process
    not_reused = _xcom(run, "not_reused")
    assert not_reused["pid"] == third["pid"] and not_reused["seen"] == 2  # it ran in the reused process...
    assert _xcom(run, "inspect")["pid"] != third["pid"]  # ...and, with its own limit of 1, ended it


@pytest.mark.parametrize("task_id", ["imports_a_helper", "leaves_a_thread"])
def test_with_reuse_a_task_that_changes_dag_modules_or_leaves_a_thread_ends_its_process(
    monkeypatch, make_run, dag_file, task_id: str
) -> None:
    processes = _processes(monkeypatch, per_process=50)
    try:
        run = make_run()
        for each in ("pid_1", task_id, "pid_2", "pid_3"):
            assert _run(processes, run, each, dag_file)[0] is Outcome.SUCCEEDED
    finally:
        processes.close()
    first, culprit, after, again = (_xcom(run, t) for t in ("pid_1", task_id, "pid_2", "pid_3"))
    assert first == culprit  # it ran in the reused process...
    assert after != culprit and again == after  # ...which ended after it; the next process is reused again
