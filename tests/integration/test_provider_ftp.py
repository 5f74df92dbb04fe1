"""The ftp provider against real pyftpdlib servers, plain FTP and FTPS (TLS with a certificate made here)."""

from __future__ import annotations

import ftplib
import io
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tradewind import DAG

from network_servers import FtpServer, self_signed_cert, start_ftp
from provider_runs import run, set_connection

USER, PASSWORD = "drops", "ftp-secret-pw"


@pytest.fixture
def ftp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FtpServer]:
    server = start_ftp(tmp_path / "ftp-root", USER, PASSWORD)
    (server.root / "drops").mkdir()
    (server.root / "drops" / "2026-11-15.csv").write_text("a,b\n1,2\n")
    set_connection(
        monkeypatch, "ftp_test", conn_type="ftp", host=server.host, port=server.port, login=USER, password=PASSWORD
    )
    yield server
    server.stop()


@pytest.fixture
def ftps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FtpServer]:
    server = start_ftp(tmp_path / "ftps-root", USER, PASSWORD, tls_cert=self_signed_cert(tmp_path))
    (server.root / "secure.txt").write_text("over tls\n")
    set_connection(
        monkeypatch,
        "ftps_test",
        conn_type="ftps",
        host=server.host,
        port=server.port,
        login=USER,
        password=PASSWORD,
        extra={"verify": False},
    )
    yield server
    server.stop()


def test_hook_methods_on_a_real_server(ftp: FtpServer) -> None:
    from tradewind.providers.ftp.hooks.ftp import FTPHook

    with FTPHook("ftp_test") as hook:
        assert hook.list_directory("drops") == ["2026-11-15.csv"]
        facts = hook.describe_directory("drops")
        assert facts["2026-11-15.csv"]["type"] == "file" and facts["2026-11-15.csv"]["size"] == "8"
        assert hook.get_size("drops/2026-11-15.csv") == 8
        modified = hook.get_mod_time("drops/2026-11-15.csv")
        assert abs(modified - datetime.utcnow()) < timedelta(minutes=1)
        hook.create_directory("out")
        hook.store_file("out/up.txt", io.BytesIO(b"uploaded"))
        hook.rename("out/up.txt", "out/renamed.txt")
        chunks: list[bytes] = []
        hook.retrieve_file("out/renamed.txt", None, callback=chunks.append)
        assert b"".join(chunks) == b"uploaded"
        buffer = io.BytesIO()
        hook.retrieve_file("drops/2026-11-15.csv", buffer)
        assert buffer.getvalue() == b"a,b\n1,2\n"
        hook.delete_file("out/renamed.txt")
        hook.delete_directory("out")
    assert not (ftp.root / "out").exists()


def test_transmit_operator_gets_and_puts_templated_paths_creating_folders(ftp: FtpServer, tmp_path: Path) -> None:
    from tradewind.providers.ftp.operators.ftp import FTPFileTransmitOperator, FTPOperation

    local = tmp_path / "local"
    (tmp_path / "report.txt").write_text("weekly report")
    with DAG("ftp_transfer", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        get = FTPFileTransmitOperator(
            task_id="get",
            ftp_conn_id="ftp_test",
            operation=FTPOperation.GET,
            remote_filepath="drops/{{ ds }}.csv",
            local_filepath=f"{local}/{{{{ ds_nodash }}}}/drop.csv",
            create_intermediate_dirs=True,
        )
        put = FTPFileTransmitOperator(
            task_id="put",
            ftp_conn_id="ftp_test",
            operation="put",
            local_filepath=[str(tmp_path / "report.txt"), f"{local}/20261115/drop.csv"],
            remote_filepath=["reports/{{ ds }}/report.txt", "reports/{{ ds }}/copy.csv"],
            create_intermediate_dirs=True,
        )
        get >> put
    results = run(dag)
    assert results["get"].state == "success", results["get"].log
    assert (local / "20261115" / "drop.csv").read_text() == "a,b\n1,2\n"
    assert results["get"].xcom == f"{local}/20261115/drop.csv"
    assert results["put"].state == "success", results["put"].log
    assert (ftp.root / "reports" / "2026-11-15" / "report.txt").read_text() == "weekly report"
    assert (ftp.root / "reports" / "2026-11-15" / "copy.csv").read_text() == "a,b\n1,2\n"


def test_a_missing_file_and_a_wrong_password_fail_with_the_server_reply_and_no_secret(
    ftp: FtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.providers.ftp.operators.ftp import FTPFileTransmitOperator

    set_connection(
        monkeypatch, "ftp_bad", conn_type="ftp", host=ftp.host, port=ftp.port, login=USER, password="Not-The-Pass9"
    )
    with DAG("ftp_failures", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        FTPFileTransmitOperator(
            task_id="missing",
            ftp_conn_id="ftp_test",
            operation="get",
            remote_filepath="drops/1999-01-03.csv",
            local_filepath=str(tmp_path / "x.csv"),
        )
        FTPFileTransmitOperator(
            task_id="denied",
            ftp_conn_id="ftp_bad",
            operation="get",
            remote_filepath="drops/2026-11-15.csv",
            local_filepath=str(tmp_path / "y.csv"),
        )
    results = run(dag)
    assert results["missing"].state == "failed" and "550" in results["missing"].log
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.csv.part").exists()
    assert results["denied"].state == "failed"
    assert "530 Authentication failed" in results["denied"].log
    assert "Not-The-Pass9" not in results["denied"].log


def test_sensor_waits_for_the_drop_then_succeeds_and_times_out_when_it_never_comes(ftp: FtpServer) -> None:
    from tradewind.providers.ftp.sensors.ftp import FTPSensor

    def drop_later() -> None:
        (ftp.root / "drops" / "late.csv").write_text("late\n")

    timer = threading.Timer(0.6, drop_later)
    timer.start()
    with DAG("ftp_sensor", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        FTPSensor(task_id="late", ftp_conn_id="ftp_test", path="drops/late.csv", poke_interval=0.1, timeout=20)
        FTPSensor(
            task_id="never", ftp_conn_id="ftp_test", path="drops/{{ ds }}-never.csv", poke_interval=0.1, timeout=0.4
        )
    results = run(dag)
    timer.join()
    assert results["late"].state == "success", results["late"].log
    assert "Poking for drops/late.csv" in results["late"].log
    assert results["never"].state == "failed" and "timed out" in results["never"].log
    assert "drops/2026-11-15-never.csv" in results["never"].log  # the path is templated


def test_sensor_transient_errors_fail_unless_told_otherwise() -> None:
    from tradewind.providers.ftp.sensors.ftp import FTPSensor

    strict = FTPSensor(task_id="strict", path="x")
    lenient = FTPSensor(task_id="lenient", path="x", fail_on_transient_errors=False)
    busy = ftplib.error_temp("451 Requested action aborted: local error")
    with pytest.raises(ftplib.error_temp):
        strict._not_yet(busy)
    assert lenient._not_yet(busy) is False
    assert strict._not_yet(ftplib.error_perm("550 No such file")) is False
    with pytest.raises(ftplib.error_perm):
        lenient._not_yet(ftplib.error_perm("553 Not allowed"))


def test_ftps_transfers_over_tls_and_refuses_an_unverified_certificate(
    ftps: FtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.models.connection import Connection
    from tradewind.providers.ftp.hooks.ftp import FTPHook, FTPSHook
    from tradewind.providers.ftp.operators.ftp import FTPSFileTransmitOperator
    from tradewind.providers.ftp.sensors.ftp import FTPSSensor

    with DAG("ftps_transfer", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        wait = FTPSSensor(task_id="wait", ftp_conn_id="ftps_test", path="secure.txt", poke_interval=0.1, timeout=5)
        get = FTPSFileTransmitOperator(
            task_id="get",
            ftp_conn_id="ftps_test",
            operation="get",
            remote_filepath="secure.txt",
            local_filepath=str(tmp_path / "secure.txt"),
        )
        wait >> get
    results = run(dag)
    assert results["get"].state == "success", results["get"].log
    assert (tmp_path / "secure.txt").read_text() == "over tls\n"

    verified = Connection(conn_id="v", conn_type="ftps", host=ftps.host, port=ftps.port, login=USER, password=PASSWORD)
    ok, message = FTPSHook(connection=verified).test_connection()
    assert not ok and "CERTIFICATE_VERIFY_FAILED" in message
    ok, message = FTPHook(connection=verified).test_connection()  # plain FTP to a TLS-only server
    assert not ok and "550 SSL/TLS required" in message


def test_a_bad_operation_is_a_dag_error_and_unpaired_path_lists_fail_the_task(ftp: FtpServer, tmp_path: Path) -> None:
    from tradewind.exceptions import DagDefinitionError
    from tradewind.providers.ftp.operators.ftp import FTPFileTransmitOperator
    from tradewind.providers.sftp.operators.sftp import SFTPOperator

    with pytest.raises(
        DagDefinitionError, match="Unsupported operation value 'copy' in task t, expected 'get' or 'put'"
    ):
        FTPFileTransmitOperator(task_id="t", operation="copy", local_filepath="a", remote_filepath="b")
    with pytest.raises(DagDefinitionError, match="Unsupported operation value 'move'"):
        SFTPOperator(task_id="t", ssh_conn_id="x", operation="move", local_filepath="a", remote_filepath="b")
    with DAG("ftp_unpaired", schedule=None, start_date=datetime(2026, 1, 1)) as dag:
        FTPFileTransmitOperator(
            task_id="unpaired",
            ftp_conn_id="ftp_test",
            operation="GET",
            local_filepath=[str(tmp_path / "a"), str(tmp_path / "b")],
            remote_filepath=["drops/2026-11-15.csv"],
        )
    result = run(dag)["unpaired"]
    assert result.state == "failed" and "2 paths in local_filepath != 1 paths in remote_filepath" in result.log
