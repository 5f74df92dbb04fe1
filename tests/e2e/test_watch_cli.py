"""The CLI to act on and watch runs: dags trigger/list-runs/state/delete, tasks states/clear/run/log/explain, pools."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from scheduler_process import wait_for

pytestmark = pytest.mark.timeout(120)

CHAIN = """
    from tradewind import DAG
    from tradewind.operators.bash import BashOperator
    with DAG("watch", schedule=None, params={"who": "nobody"}):
        a = BashOperator(task_id="a", bash_command="echo hello {{ params.who }}")
        b = BashOperator(task_id="b", bash_command="echo b")
        c = BashOperator(task_id="c", bash_command="echo c")
        a >> b >> c
"""


def _tis(dag_id: str, run_id: str) -> dict[str, object]:
    from tradewind.store import task_instances

    return {t.task_id: t for t in task_instances.list_task_instances(dag_id, run_id)}


def _run_state(dag_id: str, run_id: str) -> str | None:
    from tradewind.store import runs

    run = runs.get_dag_run(dag_id, run_id)
    return run.state if run is not None else None


def test_trigger_then_watch_the_run_through_the_scheduler(scheduler, write_dag, cli):
    write_dag("watch.py", CHAIN)
    scheduler.start()
    result = cli("dags", "trigger", "watch", "-r", "r1", "-c", '{"who": "world"}', "-o", "json")
    assert result.code == 0, result.err
    created = json.loads(result.out)[0]
    assert created["run_id"] == "r1" and created["state"] == "queued" and created["conf"] == {"who": "world"}
    wait_for(lambda: _run_state("watch", "r1") == "success", what="the triggered run", timeout=60)

    assert cli("dags", "state", "watch", "r1").out.strip() == "success"
    listed = json.loads(cli("dags", "list-runs", "-d", "watch", "-o", "json").out)
    assert [(r["run_id"], r["state"], r["run_type"]) for r in listed] == [("r1", "success", "manual")]
    states = json.loads(cli("tasks", "states-for-dag-run", "watch", "r1", "-o", "json").out)
    assert {s["task_id"]: (s["state"], s["try_number"]) for s in states} == {
        "a": ("success", 1),
        "b": ("success", 1),
        "c": ("success", 1),
    }
    assert cli("tasks", "state", "watch", "a", "r1").out.strip() == "success"
    log = cli("tasks", "log", "watch", "a", "r1")
    assert log.code == 0 and "hello world" in log.out
    explained = json.loads(cli("tasks", "explain", "watch", "c", "r1", "-o", "json").out)
    assert [r["code"] for r in explained["reasons"]] == ["finished"]


def test_clear_sends_a_task_and_its_downstream_back_to_the_scheduler(scheduler, write_dag, cli):
    write_dag("watch.py", CHAIN)
    scheduler.start()
    assert cli("dags", "trigger", "watch", "-r", "r1").code == 0
    wait_for(lambda: _run_state("watch", "r1") == "success", what="the first run", timeout=60)

    result = cli("tasks", "clear", "watch", "-t", "^b$", "--downstream", "-y")
    assert result.code == 0, result.err
    assert "Cleared 2 task instance(s) in 1 run(s)" in result.out
    wait_for(
        lambda: _run_state("watch", "r1") == "success" and _tis("watch", "r1")["c"].try_number == 2,
        what="b and c to run again",
        timeout=60,
    )
    tis = _tis("watch", "r1")
    assert (tis["a"].try_number, tis["b"].try_number, tis["c"].try_number) == (1, 2, 2)
    assert cli("tasks", "log", "watch", "b", "r1", "--try", "1").code == 0


def test_clear_selection_without_a_scheduler(write_dag, cli):
    write_dag("watch.py", CHAIN)
    assert cli("dags", "trigger", "watch", "-r", "r1", "-e", "2024-01-01").code == 0
    assert cli("dags", "trigger", "watch", "-r", "r2", "-e", "2024-01-02").code == 0
    for run_id in ("r1", "r2"):
        for task_id in ("a", "b"):
            assert cli("tasks", "run", "watch", task_id, run_id).code == 0
    # -u takes b's upstream a along; -s leaves the first run alone
    result = cli("tasks", "clear", "watch", "-t", "^b$", "-u", "-s", "2024-01-02", "-y")
    assert result.code == 0, result.err
    assert {t: ti.state for t, ti in _tis("watch", "r1").items()} == {"a": "success", "b": "success", "c": "none"}
    assert {t: ti.state for t, ti in _tis("watch", "r2").items()} == {"a": "none", "b": "none", "c": "none"}
    assert _run_state("watch", "r2") == "queued"
    only_failed = cli("tasks", "clear", "watch", "--only-failed", "-y")
    assert only_failed.code == 0 and "No task instances to clear" in only_failed.out
    refused = cli("tasks", "clear", "watch")  # not a terminal and no -y
    assert refused.code == 1 and "pass -y" in refused.err
    bad = cli("tasks", "clear", "watch", "-t", "(", "-y")
    assert bad.code == 1 and "invalid --task-regex" in bad.err and "Traceback" not in bad.err


def test_tasks_run_claims_one_instance_and_reports_by_exit_code(write_dag, cli):
    write_dag(
        "mixed.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("mixed", schedule=None):
            BashOperator(task_id="ok", bash_command="echo fine") >> BashOperator(task_id="bad", bash_command="exit 3")
    """,
    )
    assert cli("dags", "trigger", "mixed", "-r", "r1").code == 0
    held = cli("tasks", "run", "mixed", "bad", "r1")
    assert held.code == 1 and "waiting for 'ok' to finish" in held.err
    ok = cli("tasks", "run", "mixed", "ok", "r1")
    assert ok.code == 0 and "success" in ok.out
    assert _tis("mixed", "r1")["ok"].state == "success"
    bad = cli("tasks", "run", "mixed", "bad", "r1")
    assert bad.code == 1 and "failed" in bad.out
    again = cli("tasks", "run", "mixed", "ok", "r1")
    assert again.code == 1 and "is success" in again.err
    missing = cli("tasks", "run", "mixed", "nope", "r1")
    assert missing.code == 1 and "not found" in missing.err


def test_tasks_run_heartbeats_its_try_and_stops_when_marked_from_outside(write_dag, cli, tradewind_home):
    write_dag(
        "slow.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("slow", schedule=None):
            BashOperator(task_id="s", bash_command="sleep 60")
    """,
    )
    assert cli("dags", "trigger", "slow", "-r", "r1").code == 0
    env = {**os.environ, "TRADEWIND__SCHEDULER__TASK_HEARTBEAT_INTERVAL": "0.2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradewind", "tasks", "run", "slow", "s", "r1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = wait_for(lambda: (t := _tis("slow", "r1")["s"]).state == "running" and t, what="the try to start")
        # the try's row is touched while it runs (what tells a scheduler elsewhere it is alive)
        wait_for(lambda: _tis("slow", "r1")["s"].updated_at > first.updated_at, timeout=10, what="a heartbeat")
        assert cli("tasks", "clear", "slow", "-t", "^s$", "-y").code == 0  # changed from outside
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in err
    cleared = _tis("slow", "r1")["s"]
    assert cleared.state == "none"  # the stopped try's late result was dropped
    log = cli("tasks", "log", "slow", "s", "r1", "--try", "1")
    assert "changed from outside: terminating" in log.out


def test_log_follow_tails_until_the_task_finishes(write_dag, cli, dags_dir):
    write_dag(
        "slow.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("slow", schedule=None):
            BashOperator(task_id="s", bash_command="echo first; sleep 1.5; echo second")
    """,
    )
    assert cli("dags", "trigger", "slow", "-r", "r1").code == 0
    not_yet = cli("tasks", "log", "slow", "s", "r1")
    assert not_yet.code == 1 and "has not run yet" in not_yet.err
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradewind", "tasks", "run", "slow", "s", "r1"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        followed = cli("tasks", "log", "slow", "s", "r1", "--follow")
    finally:
        assert proc.wait(60) == 0
    assert followed.code == 0
    assert followed.out.index("first") < followed.out.index("second") < followed.out.index("Marking task as SUCCESS")


def test_trigger_errors_are_one_line(write_dag, cli):
    write_dag("watch.py", CHAIN)
    for args, expected in (
        (("dags", "trigger", "watch", "-c", "{nope"), "invalid conf JSON"),
        (("dags", "trigger", "watch", "-c", "[1]"), "conf must be a JSON object"),
        (("dags", "trigger", "watch", "-e", "yesterday"), "invalid logical date"),
        (("dags", "trigger", "ghost"), "ghost"),
    ):
        result = cli(*args)
        assert result.code == 1 and expected in result.err and "Traceback" not in result.err, (args, result)
    assert cli("dags", "trigger", "watch", "-r", "same").code == 0
    clash = cli("dags", "trigger", "watch", "-r", "same")
    assert clash.code == 1 and "already exists" in clash.err


def test_list_runs_filters_and_state_by_logical_date(write_dag, cli):
    write_dag("watch.py", CHAIN)
    for day in ("01", "02", "03"):
        assert cli("dags", "trigger", "watch", "-e", f"2024-01-{day}").code == 0
    runs = json.loads(cli("dags", "list-runs", "watch", "-s", "2024-01-02", "-o", "json").out)
    assert [r["logical_date"][:10] for r in runs] == ["2024-01-03", "2024-01-02"]
    assert json.loads(cli("dags", "list-runs", "watch", "--state", "success", "-o", "json").out) == []
    assert cli("dags", "state", "watch", "2024-01-01").out.strip() == "queued"
    assert cli("dags", "list-runs").code == 1
    assert cli("dags", "list-runs", "watch", "--state", "sleeping").code == 1
    unknown = cli("dags", "state", "watch", "2023-01-01")
    assert unknown.code == 1 and "has no run" in unknown.err


def test_explain_a_waiting_task_in_plain_sentences(write_dag, cli):
    write_dag("watch.py", CHAIN)  # new DAGs start paused; no scheduler runs
    assert cli("dags", "trigger", "watch", "-r", "r1").code == 0
    text = cli("tasks", "explain", "watch", "b", "r1")
    assert text.code == 0
    assert "is paused" in text.out and "waiting for 'a' to finish (upstream: a is none)" in text.out
    assert "No scheduler is running" in text.out
    assert cli("dags", "unpause", "watch").code == 0
    codes = [r["code"] for r in json.loads(cli("tasks", "explain", "watch", "a", "r1", "-o", "json").out)["reasons"]]
    assert codes == ["run_queued", "no_scheduler"]
    assert cli("tasks", "explain", "watch", "zzz", "r1").code == 1


def test_dags_delete_removes_records_but_not_the_file(write_dag, cli):
    path = write_dag("watch.py", CHAIN)
    assert cli("dags", "trigger", "watch", "-r", "r1").code == 0
    assert cli("tasks", "run", "watch", "a", "r1").code == 0
    refused = cli("dags", "delete", "watch")
    assert refused.code == 1 and "pass -y" in refused.err
    result = cli("dags", "delete", "watch", "-y")
    assert result.code == 0 and "Removed" in result.out
    from tradewind.store import dags, runs

    assert dags.get_dag("watch") is None and runs.list_dag_runs("watch") == [] and _tis("watch", "r1") == {}
    assert path.exists()
    assert cli("dags", "delete", "watch", "-y").code == 1


def test_pools_set_get_list_delete_import_export(cli, tmp_path):
    assert cli("pools", "set", "etl", "3", "nightly loads").code == 0
    got = json.loads(cli("pools", "get", "etl", "-o", "json").out)
    assert got == [
        {"pool": "etl", "slots": 3, "description": "nightly loads", "include_deferred": False, "used_slots": 0}
    ]
    assert cli("pools", "set", "etl", "5").code == 0
    listed = {p["pool"]: p["slots"] for p in json.loads(cli("pools", "list", "-o", "json").out)}
    assert listed == {"default_pool": 128, "etl": 5}
    exported = tmp_path / "pools.json"
    assert cli("pools", "export", str(exported)).code == 0
    data = json.loads(exported.read_text())
    assert data["etl"] == {"slots": 5, "description": None, "include_deferred": False}
    refused = cli("pools", "delete", "default_pool")
    assert refused.code == 1 and "default_pool cannot be deleted" in refused.err
    assert cli("pools", "delete", "etl").code == 0
    assert cli("pools", "get", "etl").code == 1
    assert cli("pools", "delete", "etl").code == 1
    assert cli("pools", "import", str(exported)).code == 0
    assert json.loads(cli("pools", "get", "etl", "-o", "json").out)[0]["slots"] == 5
    bad = tmp_path / "bad.json"
    bad.write_text('{"ok": {"slots": 1}, "broken": {"slots": "many"}}')
    result = cli("pools", "import", str(bad))
    assert result.code == 1 and "broken" in result.err
    assert cli("pools", "get", "ok").code == 1  # nothing imported from a bad file
    assert cli("pools", "set", "neg", "-5").code == 1
    assert json.loads(cli("pools", "export", "-").out)["etl"]["slots"] == 5


def test_user_mistakes_on_runs_and_pools_are_one_line(write_dag, cli, tmp_path):
    write_dag("watch.py", CHAIN)
    assert cli("dags", "trigger", "watch").code == 0  # parses the folder: the DAG is known
    unknown = cli("dags", "list-runs", "ghost")
    assert unknown.code == 1 and "ghost" in unknown.err and "Traceback" not in unknown.err
    assert cli("dags", "list-runs", "watch").code == 0
    unwritable = cli("pools", "export", str(tmp_path / "no" / "such" / "dir" / "pools.json"))
    assert unwritable.code == 1 and "cannot write" in unwritable.err and "Traceback" not in unwritable.err
    for name, content, expected in (
        ("empty.json", '{"ok": {"slots": 1}, "": {"slots": 2}}', "must not be empty"),
        ("desc.json", '{"ok": {"slots": 1}, "odd": {"slots": 2, "description": 5}}', "odd"),
    ):
        path = tmp_path / name
        path.write_text(content)
        result = cli("pools", "import", str(path))
        assert result.code == 1 and expected in result.err and "Traceback" not in result.err, result
        assert cli("pools", "get", "ok").code == 1  # a bad file imports nothing
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xe4\xff\x00")
    for unreadable in (tmp_path, binary):
        result = cli("pools", "import", str(unreadable))
        assert result.code == 1 and str(unreadable) in result.err and "Traceback" not in result.err, result


def test_scheduler_refuses_zero_loops_and_an_unwritable_pid_file(cli, tmp_path) -> None:
    r = cli("scheduler", "-n", "0")
    assert r.code != 0 and "--num-runs" in r.err and "Traceback" not in r.err
    r = cli("scheduler", "-n", "1", "--pid", str(tmp_path / "no" / "such" / "dir" / "s.pid"))
    assert r.code != 0 and "cannot write the pid file" in r.err and "Traceback" not in r.err
