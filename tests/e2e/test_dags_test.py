"""`dags test` runs whole DAG runs with the real state machine and records them."""

from __future__ import annotations

import json
import time
from pathlib import Path

HEADER = """
from datetime import datetime, timedelta
from tradewind import DAG, task, Param
from tradewind.exceptions import SkipTask, FailTask
from tradewind.operators.bash import BashOperator
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator, BranchPythonOperator, ShortCircuitOperator
START = datetime(2024, 1, 1)
"""


def run_json(cli, *args: str) -> tuple[int, dict]:
    r = cli("dags", "test", *args, "-o", "json")
    assert r.out, r.err
    return r.code, json.loads(r.out)


def states(report: dict) -> dict[str, str]:
    return {
        (ti["task_id"] if ti["map_index"] < 0 else f"{ti['task_id']}[{ti['map_index']}]"): ti["state"]
        for ti in report["task_instances"]
    }


def test_success_templating_and_xcom(cli, write_dag) -> None:
    write_dag(
        "t.py",
        HEADER
        + """
with DAG("tmpl", schedule="@daily", start_date=START, params={"who": "world"}) as dag:
    hello = BashOperator(task_id="hello", bash_command="echo start; echo {{ params.who }}-{{ ds }}-{{ ds_nodash }}")

    def check(ti, ds, data_interval_start, data_interval_end, params, run_id):
        got = ti.xcom_pull(task_ids="hello")
        assert got == f"{params['who']}-{ds}-{ds.replace('-', '')}", got
        assert data_interval_end.isoformat() == "2024-03-05T00:00:00+00:00"
        assert data_interval_start.isoformat() == "2024-03-04T00:00:00+00:00"
        assert run_id == "manual__2024-03-05T00:00:00+00:00"
        return {"ok": True}

    hello >> PythonOperator(task_id="check", python_callable=check)
""",
    )
    code, report = run_json(cli, "tmpl", "2024-03-05", "-c", '{"who": "tradewind"}')
    assert code == 0, report
    assert report["state"] == "success"
    assert states(report) == {"hello": "success", "check": "success"}
    from tradewind.store import runs, xcom

    run = runs.get_dag_run("tmpl", report["run_id"])
    assert run.state == "success" and run.conf == {"who": "tradewind"}
    assert xcom.pull("tmpl", run.run_id, ["hello"])[("hello", -1)] == "tradewind-2024-03-05-20240305"


def test_failure_exit_code_and_upstream_failed(cli, write_dag) -> None:
    write_dag(
        "f.py",
        HEADER
        + """
with DAG("fail", schedule=None, start_date=START) as dag:
    BashOperator(task_id="bad", bash_command="exit 3") >> EmptyOperator(task_id="after")
""",
    )
    code, report = run_json(cli, "fail")
    assert code == 1
    assert report["state"] == "failed"
    assert states(report) == {"bad": "failed", "after": "upstream_failed"}


def test_retries_run_again_after_the_delay(cli, write_dag, tradewind_home) -> None:
    marker = tradewind_home / "marker"
    write_dag(
        "r.py",
        HEADER
        + f"""
def flaky(ti):
    import os
    if not os.path.exists({str(marker)!r}):
        open({str(marker)!r}, "w").close()
        raise RuntimeError("first try fails")
    return ti.try_number

with DAG("retry", schedule=None, start_date=START, default_args={{"retries": 1, "retry_delay": timedelta(seconds=1)}}) as dag:
    PythonOperator(task_id="flaky", python_callable=flaky)
""",
    )
    t0 = time.monotonic()
    code, report = run_json(cli, "retry")
    assert code == 0, report
    assert time.monotonic() - t0 >= 1.0  # the real retry delay was waited
    [ti] = report["task_instances"]
    assert ti["state"] == "success" and ti["try_number"] == 2
    assert ti["log_path"].endswith("attempt=2.log")
    first_log = ti["log_path"].replace("attempt=2", "attempt=1")
    assert "first try fails" in Path(first_log).read_text()
    assert "UP_FOR_RETRY" in Path(first_log).read_text()


def test_retry_delay_flag_shortens_the_wait_and_fail_task_skips_retries(cli, write_dag) -> None:
    write_dag(
        "r.py",
        HEADER
        + """
def always():
    raise RuntimeError("nope")

def hard():
    raise FailTask("no point retrying")

with DAG("retry2", schedule=None, start_date=START, default_args={"retries": 2, "retry_delay": timedelta(hours=1)}) as dag:
    PythonOperator(task_id="always", python_callable=always)
    PythonOperator(task_id="hard", python_callable=hard)
""",
    )
    t0 = time.monotonic()
    code, report = run_json(cli, "retry2", "--retry-delay", "0")
    assert time.monotonic() - t0 < 30
    assert code == 1
    tries = {ti["task_id"]: (ti["state"], ti["try_number"]) for ti in report["task_instances"]}
    assert tries == {"always": ("failed", 3), "hard": ("failed", 1)}


def test_branching_and_join(cli, write_dag) -> None:
    write_dag(
        "b.py",
        HEADER
        + """
with DAG("branchy", schedule=None, start_date=START) as dag:
    pick = BranchPythonOperator(task_id="pick", python_callable=lambda: "left")
    left, right = EmptyOperator(task_id="left"), EmptyOperator(task_id="right")
    after_right = EmptyOperator(task_id="after_right")
    join = EmptyOperator(task_id="join", trigger_rule="none_failed_min_one_success")
    pick >> [left, right]
    right >> after_right
    [left, after_right] >> join
""",
    )
    code, report = run_json(cli, "branchy")
    assert code == 0
    assert states(report) == {
        "pick": "success",
        "left": "success",
        "right": "skipped",
        "after_right": "skipped",
        "join": "success",
    }


def test_short_circuit_skips_everything_downstream(cli, write_dag) -> None:
    write_dag(
        "s.py",
        HEADER
        + """
with DAG("sc", schedule=None, start_date=START) as dag:
    gate = ShortCircuitOperator(task_id="gate", python_callable=lambda: False)
    soft = ShortCircuitOperator(task_id="soft", python_callable=lambda: 0, ignore_downstream_trigger_rules=False)
    a, b = EmptyOperator(task_id="a"), EmptyOperator(task_id="b")
    c, d = EmptyOperator(task_id="c"), EmptyOperator(task_id="d", trigger_rule="all_done")
    gate >> a >> b
    soft >> c >> d
""",
    )
    code, report = run_json(cli, "sc")
    assert code == 0
    assert states(report) == {
        "gate": "success",
        "a": "skipped",
        "b": "skipped",
        "soft": "success",
        "c": "skipped",
        "d": "success",
    }


def test_skip_exception_and_bash_skip_code(cli, write_dag) -> None:
    write_dag(
        "k.py",
        HEADER
        + """
def skip():
    raise SkipTask("not today")

with DAG("skips", schedule=None, start_date=START) as dag:
    PythonOperator(task_id="py", python_callable=skip) >> EmptyOperator(task_id="after_py")
    BashOperator(task_id="sh", bash_command="exit 99") >> EmptyOperator(task_id="after_sh", trigger_rule="all_done")
""",
    )
    code, report = run_json(cli, "skips")
    assert code == 0
    assert states(report) == {"py": "skipped", "after_py": "skipped", "sh": "skipped", "after_sh": "success"}


def test_dynamic_mapping_over_runtime_list(cli, write_dag) -> None:
    write_dag(
        "m.py",
        HEADER
        + """
with DAG("mapped", schedule=None, start_date=START) as dag:
    @task
    def files():
        return ["a.csv", "b.csv", "c.csv"]

    @task
    def size(name, factor):
        return len(name) * factor

    @task
    def total(sizes):
        assert sizes == [10, 10, 10], sizes
        return sum(sizes)

    @task
    def empty():
        return []

    total(size.partial(factor=2).expand(name=files()))
    size.override(task_id="none").partial(factor=1).expand(name=empty())
    BashOperator.partial(task_id="echo").expand(bash_command=["echo one", "echo two"])
""",
    )
    code, report = run_json(cli, "mapped")
    assert code == 0, report
    assert states(report) == {
        "files": "success",
        "size[0]": "success",
        "size[1]": "success",
        "size[2]": "success",
        "total": "success",
        "empty": "success",
        "none": "skipped",
        "echo[0]": "success",
        "echo[1]": "success",
    }
    from tradewind.store import xcom

    assert xcom.pull("mapped", report["run_id"], ["total"])[("total", -1)] == 30


def test_taskflow_multiple_outputs_and_get_current_context(cli, write_dag) -> None:
    write_dag(
        "mo.py",
        HEADER
        + """
from tradewind.operators.python import get_current_context

with DAG("multi", schedule=None, start_date=START) as dag:
    @task(multiple_outputs=True)
    def stats():
        return {"n": 2, "mean": 1.5}

    @task
    def use(n, mean):
        ctx = get_current_context()
        assert ctx["ti"].task_id == "use"
        assert (n, mean) == (2, 1.5)

    s = stats()
    use(s["n"], s["mean"])
""",
    )
    code, report = run_json(cli, "multi")
    assert code == 0, report


def test_bad_param_is_rejected_before_the_run(cli, write_dag) -> None:
    write_dag(
        "p.py",
        HEADER
        + """
with DAG("params", schedule=None, start_date=START, params={"n": Param(1, type="integer", minimum=1)}) as dag:
    EmptyOperator(task_id="x")
""",
    )
    r = cli("dags", "test", "params", "-c", '{"n": 0}')
    assert r.code == 1 and "param 'n'" in r.err
    from tradewind.store import runs

    assert runs.list_dag_runs("params") == []


def test_execution_timeout_stops_a_sleeping_task(cli, write_dag) -> None:
    write_dag(
        "to.py",
        HEADER
        + """
with DAG("timeout", schedule=None, start_date=START) as dag:
    BashOperator(task_id="sleepy", bash_command="sleep 30", execution_timeout=timedelta(seconds=1))
""",
    )
    t0 = time.monotonic()
    code, report = run_json(cli, "timeout")
    assert time.monotonic() - t0 < 15
    assert code == 1 and states(report) == {"sleepy": "failed"}


def test_template_file_is_rendered(cli, write_dag, dags_dir) -> None:
    (dags_dir / "hello.sh").write_text("echo templated-{{ ds_nodash }}\n")
    write_dag(
        "tf.py",
        HEADER
        + """
with DAG("tfile", schedule=None, start_date=START) as dag:
    BashOperator(task_id="script", bash_command="hello.sh")
""",
    )
    code, report = run_json(cli, "tfile", "2024-05-01")
    assert code == 0, report
    from tradewind.store import xcom

    assert xcom.pull("tfile", report["run_id"], ["script"])[("script", -1)] == "templated-20240501"


def test_table_output_and_progress(cli, write_dag) -> None:
    write_dag(
        "g.py",
        HEADER
        + """
with DAG("pretty", schedule=None, start_date=START) as dag:
    EmptyOperator(task_id="only")
""",
    )
    r = cli("dags", "test", "pretty")
    assert r.code == 0
    assert "only" in r.out and "success" in r.out
    assert "[1/1]" in r.err


def test_tasks_test_runs_one_task_and_leaves_no_run(cli, write_dag) -> None:
    write_dag(
        "tt.py",
        HEADER
        + """
with DAG("tt", schedule=None, start_date=START) as dag:
    EmptyOperator(task_id="first") >> BashOperator(task_id="second", bash_command="echo hi-{{ ds }}")
""",
    )
    r = cli("tasks", "test", "tt", "second", "2024-02-02")
    assert r.code == 0, r.err
    assert "hi-2024-02-02" in r.out
    from tradewind.store import runs

    assert runs.list_dag_runs("tt") == []


def test_example_dags_all_succeed(cli, monkeypatch) -> None:
    monkeypatch.setenv("TRADEWIND__CORE__LOAD_EXAMPLES", "true")
    from tradewind.config import conf

    conf.reload()
    r = cli("dags", "list", "-o", "json")
    dag_ids = [d["dag_id"] for d in json.loads(r.out)]
    assert {"example_bash_operator", "example_taskflow_etl", "example_branching", "tutorial_weekly_pipeline"} <= set(
        dag_ids
    )
    from tradewind.parsing.dagbag import EXAMPLES_FOLDER

    bundled = [d["dag_id"] for d in json.loads(r.out) if Path(d["fileloc"]).is_relative_to(EXAMPLES_FOLDER)]
    # the seed's pipelines in examples/ need their FTP/SMTP servers: tests/e2e/test_work_automation.py etc.
    for dag_id in bundled:
        code, report = run_json(cli, dag_id, "2024-03-09")
        assert code == 0, (dag_id, report)
