"""End to end: a real scheduler process runs DAGs written to a temporary DAGs folder."""

from __future__ import annotations

import json
import os
import signal
import time
from itertools import pairwise
from pathlib import Path

import pytest

from processes import child_pids
from scheduler_process import finished, runs_of, wait_for

pytestmark = pytest.mark.timeout(120)


def tis_of(dag_id: str, run_id: str) -> dict[str, object]:
    from tradewind.store import task_instances

    return {
        t.task_id if t.map_index < 0 else f"{t.task_id}[{t.map_index}]": t
        for t in task_instances.list_task_instances(dag_id, run_id)
    }


def test_daily_catchup_creates_and_runs_every_interval(scheduler, write_dag):
    write_dag(
        "daily.py",
        """
        from datetime import datetime
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("daily", schedule="@daily", start_date=datetime(2024, 1, 1), end_date=datetime(2024, 1, 4),
                 catchup=True, max_active_runs=2):
            BashOperator(task_id="a", bash_command="echo {{ ds }}") >> BashOperator(task_id="b", bash_command="true")
    """,
    )
    scheduler.start()
    done = wait_for(finished("daily", 4), what="four daily runs")
    assert [r.logical_date.date().isoformat() for r in done] == ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
    assert all(r.state == "success" and r.run_type == "scheduled" for r in done)
    assert [(r.data_interval_start.day, r.data_interval_end.day) for r in done] == [(1, 2), (2, 3), (3, 4), (4, 5)]
    time.sleep(1.0)
    assert len(runs_of("daily")) == 4  # end_date reached: nothing more


def test_manual_trigger_with_conf_and_paused_dag_waits(scheduler, write_dag, cli):
    write_dag(
        "manual.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("manual", schedule=None, params={"who": "nobody"}, is_paused_upon_creation=True):
            BashOperator(task_id="hello", bash_command="echo hello {{ params.who }}")
    """,
    )
    scheduler.start()
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("manual"), what="the DAG to be parsed")
    from tradewind.scheduler.trigger import trigger_dag

    run = trigger_dag("manual", conf={"who": "tradewind"})
    time.sleep(1.5)
    assert runs_of("manual")[0].state == "queued"  # paused: the run waits, as in Airflow
    dags.set_paused("manual", False)
    done = wait_for(finished("manual"), what="the triggered run")
    assert done[0].state == "success" and done[0].conf == {"who": "tradewind"}
    from tradewind.store import xcom

    assert xcom.pull("manual", run.run_id, ["hello"]) == {("hello", -1): "hello tradewind"}


def test_retry_is_observable_then_second_try_runs(scheduler, write_dag, tradewind_home):
    marker = tradewind_home / "first-try-done"
    write_dag(
        "retry.py",
        f"""
        from datetime import timedelta
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("retry", schedule=None):
            BashOperator(task_id="flaky", retries=1, retry_delay=timedelta(seconds=2),
                         bash_command="if [ -e {marker} ]; then echo ok; else touch {marker}; exit 1; fi")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("retry"), what="the DAG to be parsed")
    run = trigger_dag("retry")
    ti = wait_for(
        lambda: (t := tis_of("retry", run.run_id)["flaky"]).state == "up_for_retry" and t, what="up_for_retry"
    )
    assert ti.next_retry_at is not None and ti.try_number == 1
    done = wait_for(finished("retry"), what="the run")
    ti = tis_of("retry", run.run_id)["flaky"]
    assert done[0].state == "success" and ti.state == "success" and ti.try_number == 2
    assert ti.start_date >= ti.next_retry_at if ti.next_retry_at else True


def test_trigger_rules_and_branching_in_parallel(scheduler, write_dag):
    write_dag(
        "branchy.py",
        """
        from tradewind import DAG, task
        from tradewind.operators.bash import BashOperator
        from tradewind.operators.empty import EmptyOperator
        with DAG("branchy", schedule=None):
            @task.branch
            def pick():
                return "left"
            left = BashOperator(task_id="left", bash_command="sleep 0.2")
            right = BashOperator(task_id="right", bash_command="true")
            fails = BashOperator(task_id="fails", bash_command="exit 3")
            join = EmptyOperator(task_id="join", trigger_rule="none_failed_min_one_success")
            cleanup = EmptyOperator(task_id="cleanup", trigger_rule="all_done")
            on_fail = EmptyOperator(task_id="on_fail", trigger_rule="one_failed")
            skipped_after_fail = EmptyOperator(task_id="after_fail")
            pick() >> [left, right] >> join
            fails >> [on_fail, skipped_after_fail]
            [join, fails] >> cleanup
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("branchy"), what="the DAG to be parsed")
    run = trigger_dag("branchy")
    done = wait_for(finished("branchy"), what="the run")
    states = {k: t.state for k, t in tis_of("branchy", run.run_id).items()}
    assert states == {
        "pick": "success",
        "left": "success",
        "right": "skipped",
        "join": "success",
        "fails": "failed",
        "on_fail": "success",
        "after_fail": "upstream_failed",
        "cleanup": "success",
    }
    assert done[0].state == "failed"  # a leaf is upstream_failed


def test_pool_limits_concurrency(scheduler, write_dag):
    from tradewind.store import pools

    pools.set_pool("single", 1, "one at a time")
    write_dag(
        "pooled.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("pooled", schedule=None):
            for i in range(3):
                BashOperator(task_id=f"t{i}", pool="single", bash_command="sleep 0.3")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("pooled"), what="the DAG to be parsed")
    run = trigger_dag("pooled")
    wait_for(finished("pooled"), what="the run")
    spans = sorted((t.start_date, t.end_date) for t in tis_of("pooled", run.run_id).values())
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans)), spans


def test_execution_timeout_kills_a_sleeping_task(scheduler, write_dag):
    write_dag(
        "slow.py",
        """
        from datetime import timedelta
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("slow", schedule=None):
            BashOperator(task_id="sleeper", bash_command="sleep 30", execution_timeout=timedelta(seconds=1))
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("slow"), what="the DAG to be parsed")
    started = time.monotonic()
    run = trigger_dag("slow")
    done = wait_for(finished("slow"), what="the run", timeout=20)
    assert done[0].state == "failed" and time.monotonic() - started < 15
    ti = tis_of("slow", run.run_id)["sleeper"]
    assert ti.state == "failed"
    assert "timeout" in Path(ti.log_path).read_text().lower()


def test_a_task_marked_failed_from_outside_is_stopped(scheduler, write_dag, tradewind_home):
    pidfile = tradewind_home / "sleeper.pid"
    write_dag(
        "marked.py",
        f"""
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("marked", schedule=None):
            BashOperator(task_id="sleeper", bash_command="echo $$ > {pidfile}; exec sleep 60")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.scheduler.wakeup import notify
    from tradewind.store import dags, task_instances
    from tradewind.store.task_instances import StateChange

    wait_for(lambda: dags.get_dag("marked"), what="the DAG to be parsed")
    run = trigger_dag("marked")
    wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), what="the task to start")
    pid = int(pidfile.read_text())
    assert task_instances.set_states(
        [StateChange("marked", run.run_id, "sleeper", -1, frozenset({"running"}), "failed")]
    )
    notify()
    wait_for(lambda: not Path(f"/proc/{pid}").exists(), what="the task's process to be stopped", timeout=15)
    ti = tis_of("marked", run.run_id)["sleeper"]
    assert ti.state == "failed"  # the stopped try's own result does not overwrite the state set from outside
    assert "changed from outside" in Path(ti.log_path).read_text()


def test_dagrun_timeout_and_a_failed_expansion_move_along_legal_transitions(scheduler, write_dag, tradewind_home):
    pidfile = tradewind_home / "slow.pid"
    write_dag(
        "timeouts.py",
        f"""
        from datetime import timedelta
        from tradewind import DAG, task
        from tradewind.operators.bash import BashOperator
        from tradewind.operators.empty import EmptyOperator
        with DAG("slow", schedule=None, dagrun_timeout=timedelta(seconds=6)):  # room for a loaded CI machine
            (BashOperator(task_id="quick", bash_command="true")
             >> BashOperator(task_id="sleeper", bash_command="echo $$ > {pidfile}; exec sleep 60")
             >> EmptyOperator(task_id="after"))
        with DAG("badmap", schedule=None):
            @task
            def make():
                return 42  # not a list: cannot be mapped over
            @task
            def use(x):
                return x
            use.expand(x=make()) >> EmptyOperator(task_id="end")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("slow") and dags.get_dag("badmap"), what="the DAGs to be parsed")
    slow, badmap = trigger_dag("slow"), trigger_dag("badmap")
    wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), what="the sleeper to start")
    pid = int(pidfile.read_text())
    assert wait_for(finished("slow"), what="the timed-out run")[0].state == "failed"
    # as Airflow: what had not finished is skipped, the running try included (its process is stopped)
    assert {k: t.state for k, t in tis_of("slow", slow.run_id).items()} == {
        "quick": "success",
        "sleeper": "skipped",
        "after": "skipped",
    }
    wait_for(lambda: not Path(f"/proc/{pid}").exists(), what="the sleeper's process to be stopped", timeout=15)
    assert tis_of("slow", slow.run_id)["sleeper"].state == "skipped"  # its late result is dropped
    assert wait_for(finished("badmap"), what="the run with the unmappable input")[0].state == "failed"
    assert {k: t.state for k, t in tis_of("badmap", badmap.run_id).items()} == {
        "make": "success",
        "use": "failed",
        "end": "upstream_failed",
    }


def test_a_killed_fork_server_is_replaced_and_tasks_still_run(scheduler, write_dag):
    write_dag(
        "forks.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("forks", schedule=None):
            BashOperator(task_id="a", bash_command="true") >> BashOperator(task_id="b", bash_command="true")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("forks"), what="the DAG to be parsed")
    trigger_dag("forks")
    wait_for(finished("forks"), what="the first run")
    workers = child_pids(scheduler.proc.pid)
    servers = [s for w in workers for s in child_pids(w)]
    assert servers  # each worker has its fork server
    for pid in servers:
        os.kill(pid, signal.SIGKILL)
    trigger_dag("forks")
    done = wait_for(finished("forks", 2), what="a run after the fork servers died")
    assert [r.state for r in done] == ["success", "success"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_by_signal_is_quiet_but_a_crashed_worker_is_reported(scheduler, write_dag, sig):
    write_dag(
        "wide.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("wide", schedule=None):
            for i in range(3):
                BashOperator(task_id=f"t{i}", bash_command="sleep 0.5")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("wide"), what="the DAG to be parsed")
    trigger_dag("wide")
    wait_for(finished("wide"), what="the run")
    workers = [w for w in child_pids(scheduler.proc.pid) if child_pids(w)]  # a worker has its fork server
    assert len(workers) >= 3
    os.kill(workers[0], signal.SIGKILL)
    wait_for(lambda: f"worker {workers[0]} exited unexpectedly" in scheduler.output(), what="the crash report")

    assert scheduler.stop(sig) == 0
    assert scheduler.output().count("exited unexpectedly") == 1  # the crash; the stopped workers are not


def test_clear_runs_tasks_again(scheduler, write_dag):
    write_dag(
        "clearme.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("clearme", schedule=None):
            BashOperator(task_id="a", bash_command="true") >> BashOperator(task_id="b", bash_command="true")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.scheduler.wakeup import notify
    from tradewind.store import dags, runs, task_instances

    wait_for(lambda: dags.get_dag("clearme"), what="the DAG to be parsed")
    run = trigger_dag("clearme")
    wait_for(finished("clearme"), what="the first run")
    task_instances.clear_task_instances("clearme", run.run_id, ["b"])
    runs.set_dag_run_state("clearme", run.run_id, "queued")
    notify()
    wait_for(
        lambda: (
            tis_of("clearme", run.run_id)["b"].try_number == 2
            and runs.get_dag_run("clearme", run.run_id).state == "success"
        ),
        what="b to run again",
    )
    assert tis_of("clearme", run.run_id)["a"].try_number == 1


def test_edited_and_broken_dag_files(scheduler, write_dag):
    path = write_dag(
        "editable.py",
        """
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("editable", schedule=None):
            BashOperator(task_id="one", bash_command="true")
    """,
    )
    write_dag("broken.py", "from tradewind import DAG\nthis is not python\n")
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, import_errors

    wait_for(lambda: dags.get_dag("editable"), what="the DAG to be parsed")
    errors = wait_for(import_errors.list_import_errors, what="the import error")
    assert errors[0].filename.endswith("broken.py") and errors[0].lineno == 2
    time.sleep(1.1)  # a new mtime
    path.write_text(
        path.read_text().replace(
            'task_id="one", bash_command="true")',
            'task_id="one", bash_command="true") >> BashOperator(task_id="two", bash_command="echo two")',
        )
    )
    wait_for(lambda: "two" in json.dumps(dags.get_serialized("editable")), what="the edit to be parsed")
    run = trigger_dag("editable")
    wait_for(finished("editable"), what="the run")
    assert {k: t.state for k, t in tis_of("editable", run.run_id).items()} == {"one": "success", "two": "success"}


def test_a_dag_file_broken_while_its_run_runs_fails_the_next_task_with_the_reason(scheduler, write_dag, tradewind_home):
    gate = tradewind_home / "gate"
    path = write_dag(
        "breaks.py",
        f"""
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("breaks", schedule=None):
            BashOperator(task_id="first", bash_command="while [ ! -e {gate} ]; do sleep 0.05; done") >> BashOperator(
                task_id="second", bash_command="true")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("breaks"), what="the DAG to be parsed")
    run = trigger_dag("breaks")
    wait_for(lambda: tis_of("breaks", run.run_id)["first"].state == "running", what="the first task to run")
    path.write_text(path.read_text() + "\nthis is not python\n")
    gate.touch()
    done = wait_for(finished("breaks"), what="the run")
    assert done[0].state == "failed"
    second = tis_of("breaks", run.run_id)["second"]
    assert second.state == "failed" and second.try_number == 1
    assert "cannot load the DAG" in Path(second.log_path).read_text()


def test_kill_9_then_restart_completes_the_run(scheduler, write_dag, tradewind_home):
    spans = tradewind_home / "spans"
    spans.mkdir()
    write_dag(
        "long.py",
        f"""
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("long", schedule=None, max_active_tasks=1):
            prev = None
            for i in range(4):
                t = BashOperator(task_id=f"s{{i}}", retries=2,
                                 bash_command=f"echo start >> {spans}/s{{i}}; sleep 1; echo end >> {spans}/s{{i}}")
                if prev: prev >> t
                prev = t
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("long"), what="the DAG to be parsed")
    run = trigger_dag("long")
    wait_for(lambda: tis_of("long", run.run_id)["s1"].state == "running", what="s1 to run")
    scheduler.stop(signal.SIGKILL)
    scheduler.start()
    done = wait_for(finished("long"), timeout=60, what="the run after the restart")
    tis = tis_of("long", run.run_id)
    assert done[0].state == "success", {k: t.state for k, t in tis.items()}
    assert all(t.state == "success" for t in tis.values())
    # no task ran twice at the same time: every start line of a task is followed by its end first
    for i in range(4):
        kinds = (spans / f"s{i}").read_text().split()
        assert "start start" not in " ".join(kinds), kinds


def test_a_task_that_kills_its_own_process_is_retried_then_failed(scheduler, write_dag):
    write_dag(
        "crash.py",
        """
        import os, signal
        from datetime import timedelta
        from tradewind import DAG
        from tradewind.operators.python import PythonOperator
        from tradewind.operators.bash import BashOperator

        def crash():
            os.kill(os.getpid(), signal.SIGKILL)

        with DAG("crash", schedule=None):
            PythonOperator(task_id="boom", python_callable=crash, retries=1, retry_delay=timedelta(seconds=0.5))
            BashOperator(task_id="bystander", bash_command="echo fine")
    """,
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, tries

    wait_for(lambda: dags.get_dag("crash"), what="the DAG to be parsed")
    run = trigger_dag("crash")
    done = wait_for(finished("crash"), what="the run")
    tis = tis_of("crash", run.run_id)
    assert done[0].state == "failed"
    assert tis["boom"].state == "failed" and tis["boom"].try_number == 2
    assert tis["bystander"].state == "success"
    assert [t.state for t in tries.list_tries("crash", run.run_id, "boom")] == ["up_for_retry", "failed"]
    assert "exited with code -9" in Path(tis["boom"].log_path).read_text()
    assert scheduler.proc.poll() is None  # the scheduler is unharmed


def test_dag_level_callbacks_fire_once_per_finished_run(scheduler, write_dag, tradewind_home, cli):
    out = tradewind_home / "callbacks.txt"
    source = f"""
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator

        def note(context):
            with open({str(out)!r}, "a") as fh:
                fh.write(f"{{context['dag_run'].run_id}} {{context['reason']}}\\n")

        with DAG("cb", schedule=None, on_success_callback=note, on_failure_callback=note):
            BashOperator(task_id="t", bash_command="exit {{{{ params.get('code', 0) }}}}")
    """
    write_dag("cb.py", source)
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("cb"), what="the DAG to be parsed")
    ok = trigger_dag("cb", run_id="ok")
    bad = trigger_dag("cb", run_id="bad", conf={"code": 1})
    wait_for(finished("cb", 2), what="both runs")
    lines = wait_for(
        lambda: out.exists() and len(out.read_text().splitlines()) == 2 and out.read_text().splitlines(),
        what="two callback lines",
    )
    assert sorted(lines) == ["bad task_failure", "ok success"]
    assert ok and bad
    r = cli("dags", "test", "cb", "2024-01-01")
    assert r.code == 0 and out.read_text().count("success") == 2  # dags test fires it too


def test_depends_on_past_runs_each_interval_after_the_previous_one(scheduler, write_dag):
    write_dag(
        "dop.py",
        """
        from datetime import datetime
        from tradewind import DAG
        from tradewind.operators.bash import BashOperator
        with DAG("dop", schedule="@daily", start_date=datetime(2024, 1, 1), end_date=datetime(2024, 1, 3),
                 catchup=True, max_active_runs=3):
            BashOperator(task_id="a", bash_command="sleep 0.5", depends_on_past=True)
    """,
    )
    scheduler.start()
    done = wait_for(finished("dop", 3), timeout=60, what="three runs")
    assert all(r.state == "success" for r in done)
    from tradewind.store import task_instances

    tis = [task_instances.get_task_instance("dop", r.run_id, "a") for r in done]
    for earlier, later in pairwise(tis):
        assert later.start_date >= earlier.end_date  # each waited for the previous interval's task
    # handed over on the previous task's event, not by a periodic full plan
    assert (done[-1].end_date - done[0].start_date).total_seconds() < 15


def test_a_task_runs_the_dag_file_as_it_is_when_the_task_starts(scheduler, write_dag, tradewind_home):
    """Workers fork task processes ahead of need; one forked before the file changed must not run old code."""
    out = tradewind_home / "b.txt"
    template = """
        from pathlib import Path
        from tradewind import DAG
        from tradewind.operators.python import PythonOperator

        VERSION = "{version}"

        def edit():
            path = Path(__file__)
            path.write_text(path.read_text().replace('VERSION = "old"', 'VERSION = "new"'))

        def note():
            Path({out!r}).write_text(VERSION)

        with DAG("edited_midrun", schedule=None):
            PythonOperator(task_id="a", python_callable=edit) >> PythonOperator(task_id="b", python_callable=note)
    """
    write_dag("edited_midrun.py", template.format(version="old", out=str(out)))
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags

    wait_for(lambda: dags.get_dag("edited_midrun"), what="the DAG to be parsed")
    trigger_dag("edited_midrun")
    done = wait_for(finished("edited_midrun"), what="the run")
    assert done[0].state == "success"
    assert out.read_text() == "new"
