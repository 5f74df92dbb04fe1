"""Airflow DAG files using the http, ftp, sftp and ssh providers, unchanged, run by `tradewind dags test`;
`tradewind connections test`; a missing client library named as the extra to install; `import tradewind` stays light.

Real servers on loopback (http.server, pyftpdlib, asyncssh); the CLI runs in child processes, as a user runs it.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from network_servers import FtpServer, HttpHandle, SshServer, json_reply, start_ftp, start_http, start_ssh

HTTP_DAG = """
import json
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.http.operators.http import SimpleHttpOperator
from airflow.providers.http.sensors.http import HttpSensor


def check(ti):
    rows = ti.xcom_pull(task_ids="fetch")
    assert rows == [{"day": "2026-11-15", "n": 1}, {"day": "2026-11-15", "n": 2}], rows


with DAG("provider_http", start_date=datetime(2026, 1, 1), schedule="@daily", catchup=False) as dag:
    ready = HttpSensor(task_id="ready", http_conn_id="api", endpoint="health", poke_interval=1, timeout=30)
    fetch = SimpleHttpOperator(
        task_id="fetch",
        http_conn_id="api",
        method="GET",
        endpoint="rows/{{ ds }}",
        response_check=lambda response: response.status_code == 200,
        response_filter=lambda response: response.json()["rows"],
    )
    ready >> fetch >> PythonOperator(task_id="check", python_callable=check)
"""

FTP_DAG = """
from datetime import datetime

from airflow import DAG
from airflow.decorators import task
from airflow.providers.ftp.hooks.ftp import FTPHook
from airflow.providers.ftp.operators.ftp import FTPFileTransmitOperator, FTPOperation
from airflow.providers.ftp.sensors.ftp import FTPSensor

with DAG("provider_ftp", start_date=datetime(2026, 1, 1), schedule="@weekly", catchup=False) as dag:
    wait = FTPSensor(task_id="wait", ftp_conn_id="drops_ftp", path="drops/{{ ds }}.csv", poke_interval=1, timeout=30)
    get = FTPFileTransmitOperator(
        task_id="get",
        ftp_conn_id="drops_ftp",
        operation=FTPOperation.GET,
        remote_filepath="drops/{{ ds }}.csv",
        local_filepath="{{ var.value.local_dir }}/{{ ds }}.csv",
        create_intermediate_dirs=True,
    )

    @task
    def archive(ds=None):
        hook = FTPHook(ftp_conn_id="drops_ftp")
        hook.create_directory("archive")
        hook.rename(f"drops/{ds}.csv", f"archive/{ds}.csv")
        names = hook.list_directory("archive")
        hook.close_conn()
        return names

    wait >> get >> archive()
"""

SSH_DAG = """
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.sftp.operators.sftp import SFTPOperator
from airflow.providers.sftp.sensors.sftp import SFTPSensor
from airflow.providers.ssh.hooks.ssh import SSHHook
from airflow.providers.ssh.operators.ssh import SSHOperator


def uptime():
    hook = SSHHook(ssh_conn_id="box")
    with hook.get_conn() as client:
        _, stdout, _ = client.exec_command("echo from-hook")
        return stdout.read().decode().strip()


with DAG("provider_ssh", start_date=datetime(2026, 1, 1), schedule=None) as dag:
    make = SSHOperator(
        task_id="make",
        ssh_conn_id="box",
        command="mkdir -p out && echo {{ params.word }}-{{ ds }} > out/{{ ds }}.txt && cat out/{{ ds }}.txt",
        params={"word": "hello"},
    )
    wait = SFTPSensor(task_id="wait", sftp_conn_id="box", path="/out", file_pattern="*.txt", poke_interval=1, timeout=30)
    get = SFTPOperator(
        task_id="get",
        ssh_conn_id="box",
        operation="get",
        remote_filepath="/out/{{ ds }}.txt",
        local_filepath="{{ var.value.local_dir }}/{{ ds }}.txt",
        create_intermediate_dirs=True,
    )
    make >> wait >> get >> PythonOperator(task_id="hook", python_callable=uptime)
"""


@dataclass
class Servers:
    http: HttpHandle
    ftp: FtpServer
    ssh: SshServer


@pytest.fixture
def servers(tmp_path: Path, cli) -> Iterator[Servers]:
    http = start_http(
        {
            "/health": lambda r: json_reply({"ok": True}),
            "/secret": lambda r: (401, {}, b"who are you"),
            "/rows/2026-11-15": lambda r: json_reply(
                {"rows": [{"day": "2026-11-15", "n": 1}, {"day": "2026-11-15", "n": 2}]}
            ),
        }
    )
    ftp = start_ftp(tmp_path / "ftp", "drops", "ftp-pass-123")
    (ftp.root / "drops").mkdir()
    (ftp.root / "drops" / "2026-11-15.csv").write_text("x,y\n1,2\n")
    ssh = start_ssh(tmp_path / "remote", "deploy", "ssh-pass-123", tmp_path / "keys")
    assert cli("db", "migrate").code == 0
    adds = [
        ["api", "--conn-type", "http", "--conn-host", http.host, "--conn-port", str(http.port)],
        ["drops_ftp", "--conn-uri", f"ftp://drops:ftp-pass-123@{ftp.host}:{ftp.port}"],
        [
            "box",
            "--conn-type",
            "ssh",
            "--conn-host",
            ssh.host,
            "--conn-port",
            str(ssh.port),
            "--conn-login",
            "deploy",
            "--conn-extra",
            json.dumps({"key_file": str(ssh.client_key_file), "look_for_keys": False}),
        ],
        [
            "box_pw",
            "--conn-type",
            "sftp",
            "--conn-host",
            ssh.host,
            "--conn-port",
            str(ssh.port),
            "--conn-login",
            "deploy",
            "--conn-password",
            "ssh-pass-123",
            "--conn-extra",
            '{"look_for_keys": false}',
        ],
    ]
    for args in adds:
        result = cli("connections", "add", *args)
        assert result.code == 0, result.err
    assert cli("variables", "set", "local_dir", str(tmp_path / "local")).code == 0
    yield Servers(http, ftp, ssh)
    ssh.stop()
    ftp.stop()
    http.stop()


def test_airflow_dag_files_using_each_provider_run_with_dags_test(
    servers: Servers, write_dag, cli_process, tmp_path: Path
) -> None:
    write_dag("provider_http.py", HTTP_DAG)
    write_dag("provider_ftp.py", FTP_DAG)
    write_dag("provider_ssh.py", SSH_DAG)
    errors = cli_process("dags", "list-import-errors", "-o", "json")
    assert errors.code == 0 and json.loads(errors.out or "[]") == [], errors.out + errors.err

    for dag_id in ("provider_http", "provider_ftp", "provider_ssh"):
        result = cli_process("dags", "test", dag_id, "2026-11-15")
        assert result.code == 0, f"{dag_id}:\n{result.out}\n{result.err}"

    assert [r.path for r in servers.http.requests] == ["/health", "/rows/2026-11-15"]
    assert (tmp_path / "local" / "2026-11-15.csv").read_text() == "x,y\n1,2\n"
    assert (servers.ftp.root / "archive" / "2026-11-15.csv").exists()
    assert not (servers.ftp.root / "drops" / "2026-11-15.csv").exists()
    assert (tmp_path / "local" / "2026-11-15.txt").read_text() == "hello-2026-11-15\n"

    from tradewind.store import runs, xcom

    ssh_run = runs.latest_run("provider_ssh")
    ftp_run = runs.latest_run("provider_ftp")
    assert ssh_run is not None and ftp_run is not None
    assert xcom.pull("provider_ftp", ftp_run.run_id, ["archive"]) == {("archive", -1): ["2026-11-15.csv"]}
    values = xcom.pull("provider_ssh", ssh_run.run_id, ["make", "hook"])
    assert base64.b64decode(values[("make", -1)]).decode() == "hello-2026-11-15\n"  # Airflow's base64 XCom
    assert values[("hook", -1)] == "from-hook"


def test_connections_test_reports_ok_or_one_line_failure_without_the_secret(servers: Servers, cli) -> None:
    for conn_id, kind in (("api", "http"), ("drops_ftp", "ftp"), ("box", "ssh"), ("box_pw", "sftp")):
        result = cli("connections", "test", conn_id)
        assert result.code == 0, result.err
        assert result.out.startswith(f"Connection success: {conn_id} ({kind}): "), result.out
    assert (
        "HTTP 404 Not Found from http://127.0.0.1:" in cli("connections", "test", "api").out
    )  # reachable, nothing at /

    ftp, ssh = servers.ftp, servers.ssh
    bad = [
        ("bad_ftp", f"ftp://drops:Wrong-Ftp-1@{ftp.host}:{ftp.port}", "530 Authentication failed", "Wrong-Ftp-1"),
        (
            "bad_ssh",
            f"ssh://deploy:Wrong-Ssh-1@{ssh.host}:{ssh.port}?look_for_keys=false",
            "AuthenticationException: Authentication failed.",
            "Wrong-Ssh-1",
        ),
        (
            "bad_http",
            f"http://http%3A%2F%2F{servers.http.host}%3A{servers.http.port}%2Fsecret",
            "HTTP 401 Unauthorized",
            None,
        ),
        ("down_http", "http://127.0.0.1:9", "cannot connect", None),
        ("plain", "generic://h", "Tradewind cannot test connections of type 'generic'", None),
    ]
    for conn_id, uri, reason, secret in bad:
        assert cli("connections", "add", conn_id, "--conn-uri", uri).code == 0
        result = cli("connections", "test", conn_id)
        assert result.code == 1, (conn_id, result.out, result.err)
        assert result.out == ""
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Connection failed: {conn_id} "), result.err
        assert reason in lines[0], lines[0]
        if secret:
            assert secret not in result.err

    missing = cli("connections", "test", "nope")
    assert missing.code == 1 and missing.err.strip() == "tradewind: error: The conn_id `nope` isn't defined"


def test_a_dag_file_whose_provider_library_is_missing_gets_an_import_error_naming_the_extra(
    write_dag, tmp_path: Path
) -> None:
    write_dag("needs_ssh.py", SSH_DAG)
    blocker = tmp_path / "no_paramiko"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['paramiko'] = None  # as if not installed\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "tradewind", "dags", "list-import-errors", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr  # there are import errors (Airflow's exit code)
    errors = json.loads(proc.stdout)
    assert len(errors) == 1 and errors[0]["filepath"].endswith("needs_ssh.py")
    assert "needs the Python package 'paramiko', which is not installed" in errors[0]["error"]
    assert 'pip install "tradewind[ssh]"' in errors[0]["error"]


def test_providers_commands_list_the_providers_and_their_connection_types(cli) -> None:
    listed = cli("providers", "list", "-o", "json")
    assert listed.code == 0
    extras = {p["package_name"]: p["extra"] for p in json.loads(listed.out)}
    assert extras["tradewind.providers.ssh"] == 'pip install "tradewind[ssh]"'
    assert extras["tradewind.providers.ftp"] == "(none needed)"
    hooks = {h["connection_type"]: h for h in json.loads(cli("providers", "hooks", "-o", "json").out)}
    assert {"http", "ftp", "ftps", "sftp", "ssh"} <= set(hooks)
    assert hooks["ssh"]["testable"] is True and "extra__key_file (Private key file)" in hooks["ssh"]["fields"]
    assert "schema (Scheme)" in hooks["http"]["fields"]


def test_import_tradewind_and_the_cli_load_no_provider() -> None:
    code = (
        "import sys, tradewind, tradewind.cli.main\n"
        "print([m for m in sys.modules if m.startswith(('tradewind.providers', 'requests', 'paramiko', 'ftplib'))])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
