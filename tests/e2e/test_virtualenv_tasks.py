"""Virtualenv and external-python tasks run for real: venvs built with pip from the package index, cached by
requirements, the callable's source run by another interpreter, arguments and results pickled across."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

HEADER = """
import sys
from datetime import datetime
from airflow import DAG
from airflow.decorators import dag, task
from airflow.operators.python import ExternalPythonOperator, PythonVirtualenvOperator
START = datetime(2024, 1, 1)
"""


@pytest.fixture(scope="module")
def plain_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv without pip nor system site packages: the `python` for ExternalPythonOperator (fast to make)."""
    path = tmp_path_factory.mktemp("ext") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return path


def run(cli, *args: str) -> tuple[int, dict]:
    r = cli("dags", "test", *args, "-o", "json")
    assert r.out, r.err
    return r.code, json.loads(r.out)


def states(report: dict) -> dict[str, str]:
    return {ti["task_id"]: ti["state"] for ti in report["task_instances"]}


def log_of(report: dict, task_id: str) -> str:
    (ti,) = [ti for ti in report["task_instances"] if ti["task_id"] == task_id]
    return Path(ti["log_path"]).read_text()


def pulled(dag_id: str, report: dict, task_id: str):
    from tradewind.store import xcom

    return xcom.pull(dag_id, report["run_id"], [task_id])[(task_id, -1)]


def base_site_packages() -> str:
    return sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"]


def test_virtualenv_task_installs_requirements_returns_via_xcom_and_is_reused(cli, write_dag, tradewind_home) -> None:
    write_dag(
        "six_dag.py",
        HEADER
        + """
@dag(schedule=None, start_date=START)
def six_dag():
    @task.virtualenv(requirements=["six==1.16.0"], system_site_packages=False)
    def make(n, tag=None, ds=None):
        import sys

        import six

        return {"six": six.__version__, "n": n, "tag": tag, "ds": ds, "path": sys.path, "prefix": sys.prefix}

    @task
    def use(made):
        return f"{made['six']}:{made['n'] * 2}:{made['tag']}"

    use(make(21, tag="{{ ds_nodash }}"))

six_dag()
""",
    )
    code, report = run(cli, "six_dag", "2024-03-05")
    assert code == 0, log_of(report, "make")
    made = pulled("six_dag", report, "make")
    assert made["six"] == "1.16.0" and made["ds"] == "2024-03-05"
    assert pulled("six_dag", report, "use") == "1.16.0:42:20240305"
    (venv,) = (tradewind_home / "venvs").glob("venv-*[!k]")  # not the .lock file
    assert made["prefix"] == str(venv)
    assert base_site_packages() not in made["path"]  # system_site_packages=False
    first_log = log_of(report, "make")
    assert "Successfully installed six-1.16.0" in first_log  # pip's own output is in the task log
    marker = venv / "install_complete_marker.json"
    built = marker.stat().st_mtime_ns, (venv / "bin" / "python").stat().st_mtime_ns

    code, report = run(cli, "six_dag", "2024-03-06", "--use-executor")  # in a worker's forked task process
    assert code == 0, log_of(report, "make")
    assert pulled("six_dag", report, "use") == "1.16.0:42:20240306"
    second_log = log_of(report, "make")
    assert "Re-using cached Python virtual environment" in second_log
    assert "pip install" not in second_log
    assert (marker.stat().st_mtime_ns, (venv / "bin" / "python").stat().st_mtime_ns) == built


def test_a_requirement_pip_cannot_install_fails_the_task_with_pips_error(cli, write_dag, tradewind_home) -> None:
    write_dag(
        "bad_req.py",
        HEADER
        + """
with DAG("bad_req", schedule=None, start_date=START):
    def never():
        return 1

    PythonVirtualenvOperator(task_id="bad", python_callable=never, requirements=["no-such-package-xyz==0.0.1"])
""",
    )
    code, report = run(cli, "bad_req")
    assert code == 1 and states(report) == {"bad": "failed"}
    log = log_of(report, "bad")
    assert "No matching distribution found for no-such-package-xyz==0.0.1" in log
    assert "VirtualenvError: could not install the requirements" in log
    assert not [p for p in (tradewind_home / "venvs").iterdir() if p.is_dir()]  # a failed build is not cached


def test_system_site_packages_and_requirements_file(cli, write_dag, dags_dir, tmp_path) -> None:
    (dags_dir / "reqs.txt").write_text("# pinned for the test\nsix==1.16.0\n")
    cache = tmp_path / "cache"
    write_dag(
        "site.py",
        HEADER
        + f"""
with DAG("site", schedule=None, start_date=START):
    def paths():
        import sys

        import six

        return [six.__version__, *sys.path]

    PythonVirtualenvOperator(
        task_id="paths", python_callable=paths, requirements="reqs.txt", venv_cache_path={str(cache)!r}
    )
""",
    )
    code, report = run(cli, "site")
    assert code == 0, log_of(report, "paths")
    got = pulled("site", report, "paths")
    assert got[0] == "1.16.0"  # installed from the requirements file
    assert base_site_packages() in got[1:]
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 1  # venv_cache_path is used


def test_external_python_arguments_templates_context_and_string_args(cli, write_dag, plain_venv) -> None:
    write_dag(
        "ext.py",
        HEADER
        + f"""
with DAG("ext", schedule=None, start_date=START, params={{"who": "world"}}):
    def report(a, b, *, c, ds=None, params=None, templates_dict=None, ti=None, logical_date="unset", **_):
        import sys

        return {{
            "args": [a, b, c],
            "ds": ds,
            "params": params,
            "templates_dict": templates_dict,
            "ti": ti,
            "logical_date": logical_date,
            "string_args": virtualenv_string_args,
            "prefix": sys.prefix,
        }}

    ExternalPythonOperator(
        task_id="report",
        python={str(plain_venv / "bin" / "python")!r},
        python_callable=report,
        op_args=[1, "{{{{ ds }}}}"],
        op_kwargs={{"c": {{"nested": "{{{{ params.who }}}}"}}}},
        templates_dict={{"run": "{{{{ run_id }}}}"}},
        string_args=["x", "y"],
    )
""",
    )
    code, report = run(cli, "ext", "2024-03-05")
    assert code == 0, log_of(report, "report")
    got = pulled("ext", report, "report")
    assert got["args"] == [1, "2024-03-05", {"nested": "world"}]
    assert got["ds"] == "2024-03-05" and got["params"] == {"who": "world"}
    assert got["templates_dict"] == {"run": report["run_id"]}
    assert got["string_args"] == ["x", "y"]
    assert got["prefix"] == str(plain_venv)
    assert got["ti"] is None  # not serializable: never passed, as Airflow
    assert got["logical_date"] == "unset"  # a pendulum date, and the target has no pendulum


def test_external_python_failure_skip_code_and_branch(cli, write_dag, plain_venv) -> None:
    python = str(plain_venv / "bin" / "python")
    write_dag(
        "ext_flow.py",
        HEADER
        + f"""
from airflow.operators.empty import EmptyOperator

with DAG("ext_flow", schedule=None, start_date=START):
    @task.external_python(python={python!r}, skip_on_exit_code=42)
    def skipper():
        import sys

        sys.exit(42)

    @task.external_python(python={python!r})
    def broken():
        raise ValueError("boom in the venv")

    @task.branch_external_python(python={python!r})
    def pick() -> DAG:  # an annotation naming what only the DAG file imports
        return "right"

    skipper()
    broken()
    pick() >> [EmptyOperator(task_id="left"), EmptyOperator(task_id="right")]
""",
    )
    code, report = run(cli, "ext_flow")
    assert code == 1
    assert states(report) == {
        "skipper": "skipped",
        "broken": "failed",
        "pick": "success",
        "left": "skipped",
        "right": "success",
    }
    log = log_of(report, "broken")
    assert "ValueError: boom in the venv" in log  # the child's traceback, streamed
    assert "Process returned non-zero exit status 1.\nboom in the venv" in log


def test_callable_source_drops_decorators_and_indentation() -> None:
    from tradewind.operators.python_virtualenv import callable_source
    from tradewind.sdk.decorators import task

    @task.virtualenv(
        requirements=["six"],
        system_site_packages=False,
    )
    def inner(x):
        return x + 1

    source = callable_source(inner.function)
    assert source.startswith("def inner(x):\n") and "@task" not in source
    namespace: dict = {}
    exec(source, namespace)
    assert namespace["inner"](1) == 2


def test_definition_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.exceptions import DagDefinitionError
    from tradewind.operators.python_virtualenv import ExternalPythonOperator, PythonVirtualenvOperator

    def fn():
        return 1

    with pytest.raises(DagDefinitionError, match="not a lambda"):
        PythonVirtualenvOperator(task_id="l", python_callable=lambda: 1)
    with pytest.raises(DagDefinitionError, match="serializer='json' is not one of"):
        PythonVirtualenvOperator(task_id="s", python_callable=fn, serializer="json")
    monkeypatch.setitem(sys.modules, "dill", None)  # as if dill were not installed
    with pytest.raises(DagDefinitionError, match="needs the dill package"):
        ExternalPythonOperator(task_id="d", python="/usr/bin/python3", python_callable=fn, serializer="dill")


def test_airflow_import_paths_give_the_operators() -> None:
    from airflow.decorators import task
    from airflow.operators.python import BranchExternalPythonOperator, ExternalPythonOperator
    from airflow.providers.standard.operators.python import BranchPythonVirtualenvOperator, PythonVirtualenvOperator

    from tradewind.operators import python_virtualenv as ours

    assert PythonVirtualenvOperator is ours.PythonVirtualenvOperator
    assert ExternalPythonOperator is ours.ExternalPythonOperator
    assert BranchPythonVirtualenvOperator is ours.BranchPythonVirtualenvOperator
    assert BranchExternalPythonOperator is ours.BranchExternalPythonOperator
    assert callable(task.virtualenv) and callable(task.branch_virtualenv)


def test_cloudpickle_serializer_and_pendulum_dates_when_the_venv_has_pendulum(cli, write_dag, tmp_path) -> None:
    from importlib.metadata import version

    cache = tmp_path / "cache"
    write_dag(
        "dates.py",
        HEADER
        + f"""
@dag(schedule=None, start_date=START)
def dates():
    @task.virtualenv(
        requirements=["pendulum=={version("pendulum")}"],
        serializer="cloudpickle",
        system_site_packages=False,
        venv_cache_path={str(cache)!r},
    )
    def when(logical_date=None, data_interval_end=None):
        import cloudpickle  # installed because it is the serializer

        return {{"day": logical_date.to_date_string(), "end": data_interval_end.isoformat(), "cp": bool(cloudpickle)}}

    when()

dates()
""",
    )
    code, report = run(cli, "dates", "2024-03-05")
    assert code == 0, log_of(report, "when")
    assert pulled("dates", report, "when") == {"day": "2024-03-05", "end": "2024-03-05T00:00:00+00:00", "cp": True}
    (requirements,) = cache.glob("venv-*/requirements.txt")
    assert requirements.read_text().split() == ["cloudpickle", f"pendulum=={version('pendulum')}"]


@pytest.fixture(scope="module")
def uv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `uv` in it, pip-installed from the package index into a venv of the test's own."""
    venv = tmp_path_factory.mktemp("uv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "uv"], check=True, capture_output=True)
    return venv / "bin"


def test_uv_builds_the_venv_when_it_is_on_the_path(cli, write_dag, uv_bin, monkeypatch) -> None:
    import os

    monkeypatch.setenv("PATH", f"{uv_bin}{os.pathsep}{os.environ['PATH']}")
    write_dag(
        "uv_dag.py",
        HEADER
        + """
with DAG("uv_dag", schedule=None, start_date=START):
    @task.virtualenv(requirements=["six==1.16.0"], system_site_packages=False)
    def good():
        import six

        return six.__version__

    @task.virtualenv(requirements=["no-such-package-xyz==0.0.1"])
    def bad():
        return 1

    good()
    bad()
""",
    )
    code, report = run(cli, "uv_dag")
    assert code == 1 and states(report) == {"good": "success", "bad": "failed"}
    assert pulled("uv_dag", report, "good") == "1.16.0"
    assert f"{uv_bin / 'uv'} pip install" in log_of(report, "good")
    bad_log = log_of(report, "bad")
    assert "No solution found" in bad_log and "no-such-package-xyz" in bad_log


def test_execution_timeout_stops_the_child_process(cli, write_dag, plain_venv, tmp_path) -> None:
    import os
    import time

    pid_file = tmp_path / "child.pid"
    write_dag(
        "slow.py",
        HEADER
        + f"""
from datetime import timedelta

with DAG("slow", schedule=None, start_date=START):
    @task.external_python(python={str(plain_venv / "bin" / "python")!r}, execution_timeout=timedelta(seconds=2))
    def sleeper():
        import os
        import time

        with open({str(pid_file)!r}, "w") as file:
            file.write(str(os.getpid()))
        time.sleep(60)

    sleeper()
""",
    )
    t0 = time.monotonic()
    code, report = run(cli, "slow")
    assert time.monotonic() - t0 < 30
    assert code == 1 and states(report) == {"sleeper": "failed"}
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
