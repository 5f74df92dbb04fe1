"""A DAG file runs as a script: `python my_dag.py` ending in `dag.test()`, in each import style.

Each script runs with the venv's own interpreter and nothing set but TRADEWIND_HOME (an empty
folder: `dag.test()` creates the database), exactly as a user runs it. The Airflow-import styles
need `tradewind_airflow_shim.pth`, which `pip install [-e] .` (scripts/setup.sh) puts in site-packages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SHIM = Path(__file__).resolve().parents[2] / "tradewind" / "compat" / "airflow" / "tradewind_airflow_shim.pth"


def run_script(path: Path, source: str, **env: str) -> subprocess.CompletedProcess[str]:
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=path.parent,
        env={**os.environ, **env},
    )


def stored_run(dag_id: str):
    from tradewind.store import runs

    found = runs.list_dag_runs(dag_id)
    assert len(found) == 1, found
    return found[0]


def stored_states(dag_id: str, run_id: str) -> dict[str, str]:
    from tradewind.store import task_instances

    return {ti.task_id: ti.state for ti in task_instances.list_task_instances(dag_id, run_id)}


def test_tradewind_imports(tmp_path: Path, tradewind_home: Path) -> None:
    proc = run_script(
        tmp_path / "tw_dag.py",
        """
        from datetime import datetime
        from tradewind import DAG, task
        from tradewind.operators.bash import BashOperator

        with DAG("tw_script", start_date=datetime(2024, 1, 1), schedule="@daily") as dag:
            @task
            def shout():
                print("python-task-output")
                return 3

            BashOperator(task_id="hello", bash_command="echo hello-from-bash") >> shout()

        if __name__ == "__main__":
            run = dag.test(logical_date=datetime(2024, 3, 5))
            print("STATE", run.state, run.get_task_instance("shout").state)
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "hello-from-bash" in proc.stdout and "python-task-output" in proc.stdout
    assert "STATE success success" in proc.stdout
    assert "finished success" in proc.stdout  # the final table's line, as `dags test` prints it
    assert "[2/2]" in proc.stderr  # the live progress
    run = stored_run("tw_script")
    assert run.state == "success" and run.logical_date.isoformat() == "2024-03-05T00:00:00+00:00"
    assert stored_states("tw_script", run.run_id) == {"hello": "success", "shout": "success"}


def test_airflow2_imports(tmp_path: Path, tradewind_home: Path) -> None:
    proc = run_script(
        tmp_path / "af2_dag.py",
        """
        from datetime import datetime

        from airflow import DAG
        from airflow.operators.bash import BashOperator
        from airflow.operators.python import PythonOperator

        with DAG("af2_script", start_date=datetime(2024, 1, 1), schedule=None, catchup=False) as dag:
            greet = BashOperator(task_id="greet", bash_command="echo airflow2-bash-ran")
            greet >> PythonOperator(task_id="report", python_callable=lambda: print("airflow2-python-ran"))

        if __name__ == "__main__":
            dag.test(execution_date=datetime(2024, 2, 1))
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "airflow2-bash-ran" in proc.stdout and "airflow2-python-ran" in proc.stdout
    run = stored_run("af2_script")
    assert run.state == "success"
    assert stored_states("af2_script", run.run_id) == {"greet": "success", "report": "success"}


def test_airflow3_sdk_imports(tmp_path: Path, tradewind_home: Path) -> None:
    proc = run_script(
        tmp_path / "af3_dag.py",
        """
        from airflow.sdk import dag, task

        @dag
        def af3_script():
            @task
            def extract():
                return 21

            @task
            def double(x):
                print("doubled", x * 2)

            double(extract())

        if __name__ == "__main__":
            af3_script().test()
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "doubled 42" in proc.stdout
    run = stored_run("af3_script")
    assert run.state == "success"
    assert stored_states("af3_script", run.run_id) == {"extract": "success", "double": "success"}


def test_connection_and_variable_files(tmp_path: Path, tradewind_home: Path) -> None:
    (tmp_path / "connections.json").write_text(
        json.dumps(
            {
                "warehouse": {"conn_type": "postgres", "host": "db.example", "login": "me", "password": "s3cret"},
                "api": "https://user:pw@api.example:8443/v1?timeout=5",
            }
        )
    )
    (tmp_path / "variables.yaml").write_text("env: from-file\nsettings:\n  retries: 4\n")
    proc = run_script(
        tmp_path / "secrets_dag.py",
        """
        from datetime import datetime
        from airflow import DAG
        from airflow.decorators import task
        from airflow.hooks.base import BaseHook
        from airflow.models import Variable

        with DAG("secrets_script", start_date=datetime(2024, 1, 1), schedule=None) as dag:
            @task
            def read():
                wh = BaseHook.get_connection("warehouse")
                api = BaseHook.get_connection("api")
                settings = Variable.get("settings", deserialize_json=True)
                print("READ", wh.host, wh.login, api.conn_type, api.port, api.extra_dejson, Variable.get("env"), settings)
                print("PASSWORD", wh.password)

            read()

        if __name__ == "__main__":
            run = dag.test(conn_file_path="connections.json", variable_file_path="variables.yaml")
            assert run.state == "success", run.state
        """,
        TRADEWIND_VAR_ENV="from-environment",  # the file comes first, as Airflow's inserted backend
    )
    assert proc.returncode == 0, proc.stderr
    assert "READ db.example me https 8443 {'timeout': '5'} from-file {'retries': 4}" in proc.stdout
    assert "PASSWORD ***" in proc.stdout and "s3cret" not in proc.stdout  # masked as any connection's


def test_failed_task_gives_a_failed_run(tmp_path: Path, tradewind_home: Path) -> None:
    proc = run_script(
        tmp_path / "failing.py",
        """
        import sys
        from datetime import datetime
        from airflow import DAG
        from airflow.operators.bash import BashOperator

        with DAG("failing_script", start_date=datetime(2024, 1, 1), schedule=None) as dag:
            BashOperator(task_id="boom", bash_command="echo about-to-fail; exit 3") >> BashOperator(
                task_id="after", bash_command="echo never"
            )

        if __name__ == "__main__":
            run = dag.test()
            print("STATES", run.state, run.get_task_instance("boom").state, run.get_task_instance("after").state)
            sys.exit(7 if run.state == "failed" else 0)
        """,
    )
    assert proc.returncode == 7, proc.stdout + proc.stderr
    assert "about-to-fail" in proc.stdout and "STATES failed failed upstream_failed" in proc.stdout
    assert stored_run("failing_script").state == "failed"


def test_use_executor_and_mark_success_pattern(tmp_path: Path, tradewind_home: Path) -> None:
    proc = run_script(
        tmp_path / "exec_dag.py",
        """
        import os
        from datetime import datetime
        from pathlib import Path
        from airflow import DAG
        from airflow.decorators import task

        with DAG("exec_script", start_date=datetime(2024, 1, 1), schedule=None) as dag:
            @task
            def where():
                Path("task.pid").write_text(str(os.getpid()))

            @task
            def wait_for_partner():
                raise RuntimeError("a sensor that would wait: marked success instead")

            where() >> wait_for_partner()

        if __name__ == "__main__":
            run = dag.test(use_executor=True, mark_success_pattern="wait_for_.*")
            Path("script.pid").write_text(str(os.getpid()))
            assert run.state == "success", run.state
        """,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "task.pid").read_text() != (tmp_path / "script.pid").read_text()  # ran in the executor
    run = stored_run("exec_script")
    assert stored_states("exec_script", run.run_id) == {"where": "success", "wait_for_partner": "success"}


def test_in_process_run_reaches_the_callers_objects(tradewind_home: Path) -> None:
    """What a debugger relies on: the tasks run in the calling process, on its objects."""
    from tradewind import DAG, task

    seen: list[int] = []
    with DAG("in_process", schedule=None) as dag:

        @task
        def record() -> None:
            seen.append(os.getpid())

        @task
        def skipped_by_pattern() -> None:
            seen.append(-1)

        record() >> skipped_by_pattern()

    run = dag.test(run_conf={"x": 1}, mark_success_pattern="skipped_.*")
    assert run.state == "success" and run.conf == {"x": 1}
    assert seen == [os.getpid()]
    assert [ti.task_id for ti in run.get_task_instances(state="success")] == ["record", "skipped_by_pattern"]


def test_breakpoint_in_a_task_opens_pdb_on_the_terminal(tmp_path: Path, tradewind_home: Path) -> None:
    path = tmp_path / "bp_dag.py"
    path.write_text(
        "from tradewind import DAG, task\n"
        "with DAG('bp_script', schedule=None) as dag:\n"
        "    @task\n"
        "    def inspect_me():\n"
        "        value = 41 + 1\n"
        "        breakpoint()\n"
        "        return value\n"
        "    inspect_me()\n"
        "if __name__ == '__main__':\n"
        "    print('STATE', dag.test().state)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONBREAKPOINT"}
    proc = subprocess.run(
        [sys.executable, str(path)], input="p value * 10\nc\n", capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert "(Pdb) 420" in proc.stdout and "STATE success" in proc.stdout


def test_bad_pattern_and_missing_file_are_one_line_errors(tmp_path: Path, tradewind_home: Path) -> None:
    from tradewind import DAG
    from tradewind.exceptions import UsageError
    from tradewind.operators.empty import EmptyOperator

    with DAG("bad_input", schedule=None) as dag:
        EmptyOperator(task_id="t")
    with pytest.raises(UsageError, match="not a regular expression"):
        dag.test(mark_success_pattern="(")
    with pytest.raises(UsageError, match="cannot read"):
        dag.test(conn_file_path=str(tmp_path / "missing.json"))


# --- the .pth hook ----------------------------------------------------------------------------
def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "TRADEWIND_NO_AIRFLOW_SHIM"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={**clean, **env}
    )


def test_shim_is_installed_in_this_environment() -> None:
    """`pip install -e .` (scripts/setup.sh) put the .pth in site-packages: the build backend adds it."""
    import site

    installed = [Path(p) / SHIM.name for p in site.getsitepackages() if (Path(p) / SHIM.name).exists()]
    assert installed, f"{SHIM.name} is not in site-packages: reinstall Tradewind (scripts/setup.sh)"
    assert installed[0].read_text() == SHIM.read_text()


def test_import_airflow_gives_tradewinds_layer_and_the_off_switch_works() -> None:
    proc = python("import sys; assert 'tradewind' not in sys.modules; import airflow; print(airflow.__spec__.origin)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "tradewind.compat.airflow"
    off = python("import airflow", TRADEWIND_NO_AIRFLOW_SHIM="1")
    assert off.returncode == 1 and "No module named 'airflow'" in off.stderr


def test_a_real_airflow_is_never_shadowed(tmp_path: Path) -> None:
    real = tmp_path / "airflow"
    real.mkdir()
    (real / "__init__.py").write_text("REAL = True\n")
    proc = python("import airflow; print(airflow.REAL)", PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"


def test_dags_test_cli_marks_success_by_pattern(tradewind_home: Path, cli) -> None:
    dags = tradewind_home / "dags"
    dags.mkdir()
    (dags / "d.py").write_text(
        "from tradewind import DAG\nfrom tradewind.operators.bash import BashOperator\n"
        "with DAG('cli_mark', schedule=None) as dag:\n"
        "    BashOperator(task_id='wait_for_x', bash_command='exit 1') >> BashOperator(task_id='go', bash_command='true')\n"
    )
    result = cli("dags", "test", "cli_mark", "--mark-success-pattern", "wait_for_.*", "-o", "json")
    assert result.code == 0, result.out + result.err
    assert {ti["task_id"]: ti["state"] for ti in json.loads(result.out)["task_instances"]} == {
        "wait_for_x": "success",
        "go": "success",
    }
