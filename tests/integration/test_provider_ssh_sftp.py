"""The ssh and sftp providers (paramiko) against a real SSH server (asyncssh on a thread), password and key login."""

from __future__ import annotations

import base64
import io
import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tradewind import DAG

from network_servers import SshServer, start_ssh
from provider_runs import run, set_connection

USER, PASSWORD = "deploy", "ssh-secret-pw"


@pytest.fixture
def ssh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SshServer]:
    server = start_ssh(tmp_path / "remote", USER, PASSWORD, tmp_path / "keys")
    common = {"host": server.host, "port": server.port, "login": USER}
    set_connection(monkeypatch, "ssh_pw", conn_type="ssh", password=PASSWORD, extra={"look_for_keys": False}, **common)
    set_connection(
        monkeypatch,
        "ssh_key",
        conn_type="ssh",
        extra={"key_file": str(server.client_key_file), "look_for_keys": False},
        **common,
    )
    set_connection(
        monkeypatch,
        "sftp_key",
        conn_type="sftp",
        extra={"private_key": server.client_key_text, "look_for_keys": False},
        **common,
    )
    set_connection(
        monkeypatch,
        "ssh_wrong",
        conn_type="ssh",
        password="Wrong-Ssh-Pass7",
        extra={"look_for_keys": False},
        **common,
    )
    yield server
    server.stop()


def _decoded(value: str) -> str:
    return base64.b64decode(value).decode()


def test_ssh_operator_runs_templated_commands_with_password_or_key(ssh: SshServer) -> None:
    from tradewind.providers.ssh.operators.ssh import SSHOperator

    with DAG("ssh_ok", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        SSHOperator(
            task_id="with_password",
            ssh_conn_id="ssh_pw",
            command="echo day={{ ds }} team=$TEAM; echo warning >&2",
            environment={"TEAM": "{{ 'data' }}"},
        )
        SSHOperator(task_id="with_key", ssh_conn_id="ssh_key", command="printf 'key login\\n'", get_pty=True)
        SSHOperator(task_id="quiet", ssh_conn_id="ssh_key", command="echo not pushed", do_xcom_push=False)
    results = run(dag)
    assert results["with_password"].state == "success", results["with_password"].log
    assert _decoded(results["with_password"].xcom) == "day=2026-11-15 team=data\n"
    assert "day=2026-11-15 team=data" in results["with_password"].log  # stdout streamed into the log
    assert "warning" in results["with_password"].log
    assert _decoded(results["with_key"].xcom) == "key login\n"
    assert results["quiet"].state == "success" and results["quiet"].xcom is None
    seen = {c["command"]: c for c in ssh.commands}
    assert seen["echo day=2026-11-15 team=$TEAM; echo warning >&2"]["env"] == {"TEAM": "data"}
    assert seen["printf 'key login\\n'"]["term_type"]  # get_pty asked for a terminal
    assert not seen["echo not pushed"]["term_type"]


def test_ssh_exit_status_fails_or_skips_and_silence_times_out(ssh: SshServer) -> None:
    from tradewind.providers.ssh.operators.ssh import SSHOperator

    with DAG("ssh_status", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        SSHOperator(task_id="fails", ssh_conn_id="ssh_pw", command="echo broken >&2; exit 3")
        SSHOperator(task_id="skips", ssh_conn_id="ssh_pw", command="exit 99", skip_on_exit_code=99)
        SSHOperator(task_id="slow", ssh_conn_id="ssh_pw", command="sleep 5; echo late", cmd_timeout=0.5)
    results = run(dag)
    assert results["fails"].state == "failed"
    assert "SSH operator error: exit status = 3 (broken)" in results["fails"].log
    assert results["skips"].state == "skipped"
    assert results["slow"].state == "failed" and "SSH command timed out" in results["slow"].log


def test_a_wrong_ssh_password_fails_clearly_with_the_password_masked(ssh: SshServer) -> None:
    from tradewind.providers.ssh.operators.ssh import SSHOperator

    with DAG("ssh_denied", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        SSHOperator(task_id="denied", ssh_conn_id="ssh_wrong", command="echo Wrong-Ssh-Pass7")
    result = run(dag)["denied"]
    assert result.state == "failed"
    assert "AuthenticationException: Authentication failed." in result.log
    assert "Wrong-Ssh-Pass7" not in result.log


def test_sftp_operator_puts_and_gets_templated_paths_creating_folders(ssh: SshServer, tmp_path: Path) -> None:
    from tradewind.providers.sftp.operators.sftp import SFTPOperation, SFTPOperator

    (tmp_path / "model.bin").write_bytes(b"\x00weights\xff")
    with DAG("sftp_transfer", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        put = SFTPOperator(
            task_id="put",
            ssh_conn_id="sftp_key",
            local_filepath=str(tmp_path / "model.bin"),
            remote_filepath="/models/{{ ds }}/model.bin",
            operation=SFTPOperation.PUT,
            create_intermediate_dirs=True,
        )
        get = SFTPOperator(
            task_id="get",
            ssh_conn_id="ssh_pw",
            local_filepath=[f"{tmp_path}/back/{{{{ ds_nodash }}}}.bin"],
            remote_filepath=["/models/{{ ds }}/model.bin"],
            operation="get",
            create_intermediate_dirs=True,
        )
        missing = SFTPOperator(
            task_id="missing",
            ssh_conn_id="ssh_pw",
            local_filepath=str(tmp_path / "nothing.bin"),
            remote_filepath="/models/none.bin",
            operation="get",
        )
        put >> [get, missing]
    results = run(dag)
    assert results["put"].state == "success", results["put"].log
    assert (ssh.root / "models" / "2026-11-15" / "model.bin").read_bytes() == b"\x00weights\xff"
    assert results["get"].state == "success", results["get"].log
    assert (tmp_path / "back" / "20261115.bin").read_bytes() == b"\x00weights\xff"
    assert results["get"].xcom == [f"{tmp_path}/back/20261115.bin"]
    assert results["missing"].state == "failed"
    assert "Error while processing GET operation from /models/none.bin to" in results["missing"].log
    assert "No such file" in results["missing"].log
    assert not (tmp_path / "nothing.bin").exists() and not (tmp_path / "nothing.bin.part").exists()


def test_sftp_sensor_waits_for_a_path_or_a_pattern(ssh: SshServer) -> None:
    from tradewind.providers.sftp.sensors.sftp import SFTPSensor

    (ssh.root / "inbox").mkdir()
    (ssh.root / "inbox" / "old.csv").write_text("old")
    os.utime(ssh.root / "inbox" / "old.csv", (1_600_000_000, 1_600_000_000))  # 2020: older than newer_than

    def arrive() -> None:
        (ssh.root / "inbox" / "ready.flag").write_text("")
        (ssh.root / "inbox" / "new.csv").write_text("new")

    timer = threading.Timer(0.6, arrive)
    timer.start()
    since = datetime.now(timezone.utc) - timedelta(days=1)
    with DAG("sftp_sensor", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        SFTPSensor(task_id="flag", sftp_conn_id="ssh_pw", path="/inbox/ready.flag", poke_interval=0.1, timeout=20)
        SFTPSensor(
            task_id="pattern",
            sftp_conn_id="sftp_key",
            path="/inbox",
            file_pattern="*.csv",
            newer_than=since.isoformat(),
            python_callable=lambda files_found: len(files_found),
            op_kwargs={"files_found": None},
            poke_interval=0.1,
            timeout=20,
        )
        SFTPSensor(task_id="never", sftp_conn_id="ssh_pw", path="/nowhere/{{ ds }}.csv", poke_interval=0.1, timeout=0.4)
    results = run(dag)
    timer.join()
    assert results["flag"].state == "success", results["flag"].log
    assert results["pattern"].state == "success", results["pattern"].log
    assert results["pattern"].xcom == {"files_found": ["/inbox/new.csv"], "decorator_return_value": 1}
    assert results["never"].state == "failed" and "timed out" in results["never"].log


def test_sftp_hook_directory_methods(ssh: SshServer) -> None:
    from tradewind.providers.sftp.hooks.sftp import SFTPHook

    hook = SFTPHook("ssh_pw")
    try:
        hook.create_directory("/tree/a/b")
        hook.store_file("/tree/a/one.txt", io.BytesIO(b"1"))
        hook.store_file("/tree/a/b/two.txt", io.BytesIO(b"22"))
        assert hook.isdir("/tree/a") and hook.isfile("/tree/a/one.txt") and not hook.isfile("/tree/a")
        assert hook.list_directory("/tree/a") == ["b", "one.txt"]
        described = hook.describe_directory("/tree/a")
        assert described["b"]["type"] == "dir" and described["one.txt"] == {
            "size": 1,
            "type": "file",
            "modify": hook.get_mod_time("/tree/a/one.txt"),
        }
        files, dirs, unknown = hook.get_tree_map("/tree")
        assert sorted(files) == ["/tree/a/b/two.txt", "/tree/a/one.txt"]
        assert sorted(dirs) == ["/tree/a", "/tree/a/b"] and unknown == []
        assert hook.get_files_by_pattern("/tree/a", "*.txt") == ["one.txt"]
        assert hook.path_exists("/tree/a/b/two.txt") and not hook.path_exists("/tree/zzz")
        hook.delete_directory("/tree", include_files=True)
        assert not (ssh.root / "tree").exists()
    finally:
        hook.close_conn()


def test_host_key_checking_and_an_encrypted_key_from_the_connection(ssh: SshServer) -> None:
    from tradewind.models.connection import Connection
    from tradewind.providers.registry import test_connection

    def check(**extra) -> tuple[bool, str]:
        conn = Connection(
            conn_id="k",
            conn_type="ssh",
            host=ssh.host,
            port=ssh.port,
            login=USER,
            extra={"look_for_keys": False, **extra},
        )
        return test_connection(conn)

    encrypted = {"private_key": ssh.client_key_encrypted, "private_key_passphrase": "key-passphrase-1"}
    ok, message = check(**encrypted)
    assert ok, message
    ok, message = check(**encrypted, no_host_key_check=False, host_key=ssh.host_key_line)
    assert ok, message  # the pinned key is the server's
    other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    ok, message = check(**encrypted, no_host_key_check=False, host_key=other)
    assert not ok and "BadHostKeyException" in message
    ok, message = check(**encrypted, no_host_key_check="false")  # no pinned key, not in known_hosts
    assert not ok and "not found in known_hosts" in message
    ok, message = check(private_key=ssh.client_key_encrypted, private_key_passphrase="wrong")
    assert not ok and "cannot be read (is private_key_passphrase right?)" in message
