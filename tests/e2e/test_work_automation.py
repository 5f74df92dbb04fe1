"""The seed's weekly ML pipeline (examples/work_automation) through the real scheduler.

Real servers on loopback: pyftpdlib serves the weekly drops, aiosmtpd receives the failure
mails. `tradewind dags backfill` runs in a child process, exactly as a user runs it.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

from seedlib.drops import make_drops  # noqa: E402
from seedlib.paths import run_dir  # noqa: E402
from servers import FtpHandle, SmtpHandle, start_ftp, start_smtp  # noqa: E402

DAG_ID = "work_automation"
DAG_FILE = EXAMPLES / "work_automation" / "work_automation.py"
WEEKS = [date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)]
USER, PASSWORD = "drops-user", "right-password"
ALERT_TO = "alerts@example.com"


@dataclass
class Pipeline:
    home: Path
    ftp: FtpHandle
    smtp: SmtpHandle

    def add_connection(self, cli, password: str = PASSWORD) -> None:
        result = cli(
            "connections",
            "add",
            "ftp_default",
            "--conn-type",
            "ftp",
            "--conn-host",
            self.ftp.host,
            "--conn-port",
            str(self.ftp.port),
            "--conn-login",
            USER,
            "--conn-password",
            password,
            "--conn-extra",
            '{"path": "drops"}',
        )
        assert result.code == 0, result.err

    def backfill_cmd(self, start: date, end: date) -> list[str]:
        return [
            sys.executable,
            "-m",
            "tradewind",
            "dags",
            "backfill",
            DAG_ID,
            "-s",
            start.isoformat(),
            "-e",
            end.isoformat(),
            "-S",
            str(DAG_FILE),
        ]


def _run_id(week: date) -> str:
    return f"backfill__{datetime.combine(week, datetime.min.time(), tzinfo=timezone.utc).isoformat()}"


@pytest.fixture
def pipeline(tradewind_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> Iterator[Pipeline]:
    ftp_root = tmp_path / "ftp"
    make_drops(ftp_root / "drops", weeks=len(WEEKS), end=WEEKS[-1])
    ftp = start_ftp(ftp_root, user=USER, password=PASSWORD)
    smtp = start_smtp(tmp_path / "mail")
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_HOST", smtp.host)
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_TIMEOUT", "5")
    try:
        assert cli("db", "migrate").code == 0
        assert cli("variables", "set", "alert_email", ALERT_TO).code == 0
        yield Pipeline(tradewind_home, ftp, smtp)
    finally:
        smtp.stop()
        ftp.stop()


def test_three_weekly_runs_each_download_their_own_drop_and_the_trend_grows(pipeline: Pipeline, cli) -> None:
    pipeline.add_connection(cli)
    proc = subprocess.run(
        pipeline.backfill_cmd(WEEKS[0], WEEKS[-1]), capture_output=True, text=True, timeout=150, env=dict(os.environ)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr

    raw = pipeline.home / "data" / DAG_ID / "raw"
    assert sorted(p.name for p in raw.glob("*.csv")) == [f"{w.isoformat()}.csv" for w in WEEKS]
    for week in WEEKS:
        log = (
            pipeline.home
            / "logs"
            / f"dag_id={DAG_ID}"
            / f"run_id={_run_id(week)}"
            / "task_id=download_data"
            / "attempt=1.log"
        ).read_text()
        downloaded = [w for w in WEEKS if f"Downloaded {w.isoformat()}.csv" in log]
        assert downloaded == [week], log  # only this run's drop, not the earlier or later ones
        assert PASSWORD not in log

    last = run_dir(DAG_ID, _run_id(WEEKS[-1]))
    history = json.loads((last / "metrics_history.json").read_text())
    assert [h["logical_date"][:10] for h in history] == [w.isoformat() for w in WEEKS]
    train_rows = [h["train_rows"] for h in history]
    assert train_rows == sorted(train_rows) and len(set(train_rows)) == 3  # each week trains on more data
    assert all(0.5 < h["accuracy"] <= 1.0 for h in history)
    report = (last / "report.html").read_text()
    for week in WEEKS:
        assert week.isoformat() in report
    for png in ("confusion_matrix.png", "feature_importance.png", "metric_trend.png"):
        assert (last / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="{png}"' in report
    assert (last / "model.joblib").stat().st_size > 0
    assert not list(pipeline.smtp.maildir.glob("*.eml"))  # nothing failed, nobody was alerted


def test_the_notebook_task_keeps_the_executed_notebook_with_the_injected_parameters(pipeline: Pipeline, cli) -> None:
    pipeline.add_connection(cli)
    proc = subprocess.run(
        pipeline.backfill_cmd(WEEKS[0], WEEKS[0]), capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = run_dir(DAG_ID, _run_id(WEEKS[0]))
    nb = json.loads((folder / "train_model.ipynb").read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(injected) == 1
    source = "".join(injected[0]["source"])
    assert f'run_id = "{_run_id(WEEKS[0])}"' in source
    assert 'logical_date = "2026-11-08T00:00:00+00:00"' in source
    assert f'train_csv = "{folder}/train.csv"' in source
    outputs = "".join(
        "".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
    )
    metrics = json.loads((folder / "metrics.json").read_text())
    assert f"accuracy={metrics['accuracy']}" in outputs  # the notebook really ran and printed its result
    assert metrics["run_id"] == _run_id(WEEKS[0])


def test_a_wrong_ftp_password_is_retried_once_after_the_scaled_delay_then_fails_and_alerts(
    pipeline: Pipeline, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.store import task_instances

    scale = 0.01  # 5 minutes → 3 seconds
    monkeypatch.setenv("TRADEWIND__CORE__RETRY_DELAY_SCALE", str(scale))
    pipeline.add_connection(cli, password="wrong-password")
    run_id = _run_id(WEEKS[0])
    proc = subprocess.Popen(
        pipeline.backfill_cmd(WEEKS[0], WEEKS[0]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ),
    )
    try:
        waiting = None
        deadline = time.monotonic() + 60
        while waiting is None and proc.poll() is None and time.monotonic() < deadline:
            ti = task_instances.get_task_instance(DAG_ID, run_id, "download_data")
            if ti is not None and ti.state == "up_for_retry":
                waiting = ti
            else:
                time.sleep(0.05)
        out, _ = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert waiting is not None, f"download_data never went up_for_retry:\n{out}"
    assert waiting.try_number == 1
    # next try = end of the failed try + retry_delay (5 min) × retry_delay_scale
    expected = timedelta(minutes=5) * scale
    gap = waiting.next_retry_at - waiting.end_date
    assert expected - timedelta(seconds=1) < gap <= expected

    assert proc.returncode == 1, out
    final = {t.task_id: t for t in task_instances.list_task_instances(DAG_ID, run_id)}
    assert final["download_data"].state == "failed"
    assert final["download_data"].try_number == 2
    assert final["download_data"].start_date >= waiting.next_retry_at  # the second try waited for its time
    for downstream in ("preprocess_data", "train_model", "generate_report"):
        assert final[downstream].state == "upstream_failed"

    log2 = Path(final["download_data"].log_path).read_text()
    assert "Access denied" in log2 and "wrong-password" not in log2

    mails = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(pipeline.smtp.maildir.glob("*.eml"))
    ]
    assert len(mails) == 2  # email on every failed try: the retry, then the final failure
    bodies = []
    for mail in mails:
        assert ALERT_TO in mail["To"]
        assert f"{DAG_ID}.download_data" in mail["Subject"]
        bodies.append(mail.get_body(("html", "plain")).get_content())
    assert "up_for_retry" in mails[0]["Subject"] and "Try 1 out of 2" in bodies[0]
    assert "failed" in mails[1]["Subject"] and "Try 2 out of 2" in bodies[1]
    for body in bodies:
        assert "download_data" in body and DAG_ID in body


@pytest.mark.parametrize(
    ("dag_id", "dag_file", "logical", "drops"),
    [
        ("work_automation_one_file", "work_automation_one_file.py", date(2026, 11, 15), ["2026-11-15.csv"]),
        ("monthly_retrain", "monthly_retrain.py", date(2026, 11, 1), [f"{w.isoformat()}.csv" for w in WEEKS]),
    ],
)
def test_the_one_file_and_monthly_variants_run_the_same_steps(
    pipeline: Pipeline, cli, dag_id: str, dag_file: str, logical: date, drops: list[str]
) -> None:
    pipeline.add_connection(cli)
    cmd = [
        sys.executable,
        "-m",
        "tradewind",
        "dags",
        "backfill",
        dag_id,
        "-s",
        logical.isoformat(),
        "-S",
        str(EXAMPLES / dag_file),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in (pipeline.home / "data" / dag_id / "raw").glob("*.csv")) == drops
    folder = run_dir(dag_id, _run_id(logical))
    history = json.loads((folder / "metrics_history.json").read_text())
    assert [h["logical_date"][:10] for h in history] == [logical.isoformat()]
    preprocess = json.loads((folder / "preprocess.json").read_text())
    assert preprocess["drops"] == drops and preprocess["duplicates_removed"] > 0
    assert (folder / "report.html").is_file()


FTP_DAG_ID = "work_automation_ftp"
FTP_DAG_FILE = EXAMPLES / "work_automation" / "work_automation_ftp.py"


def _ftp_variant_backfill(start: date, end: date) -> list[str]:
    cmd = [sys.executable, "-m", "tradewind", "dags", "backfill", FTP_DAG_ID]
    return [*cmd, "-s", start.isoformat(), "-e", end.isoformat(), "-S", str(FTP_DAG_FILE)]


def test_the_ftp_provider_variant_waits_for_each_weeks_drop_and_fetches_it(pipeline: Pipeline, cli) -> None:
    pipeline.add_connection(cli)
    proc = subprocess.run(
        _ftp_variant_backfill(WEEKS[0], WEEKS[-1]), capture_output=True, text=True, timeout=150, env=dict(os.environ)
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    raw = pipeline.home / "data" / FTP_DAG_ID / "raw"
    assert sorted(p.name for p in raw.glob("*.csv")) == [f"{w.isoformat()}.csv" for w in WEEKS]
    for week in WEEKS:
        assert (raw / f"{week.isoformat()}.csv").read_bytes() == (
            pipeline.ftp.root / "drops" / f"{week}.csv"
        ).read_bytes()
        logs = pipeline.home / "logs" / f"dag_id={FTP_DAG_ID}" / f"run_id={_run_id(week)}"
        sensor_log = (logs / "task_id=wait_for_drop" / "attempt=1.log").read_text()
        assert f"Poking for drops/{week.isoformat()}.csv" in sensor_log
        download_log = (logs / "task_id=download_data" / "attempt=1.log").read_text()
        assert f"Starting to transfer from drops/{week.isoformat()}.csv" in download_log
        assert PASSWORD not in sensor_log + download_log
    history = json.loads((run_dir(FTP_DAG_ID, _run_id(WEEKS[-1])) / "metrics_history.json").read_text())
    assert [h["logical_date"][:10] for h in history] == [w.isoformat() for w in WEEKS]


def test_the_ftp_provider_variant_holds_no_slot_while_the_drop_is_late(pipeline: Pipeline, cli) -> None:
    """No drop yet: the sensor pokes, gives its slot back (up_for_reschedule in 10 minutes), nothing downstream runs."""
    from tradewind.store import task_instances

    pipeline.add_connection(cli)
    late_week = WEEKS[-1] + timedelta(days=7)  # make_drops made none for it
    run_id = _run_id(late_week)
    proc = subprocess.Popen(
        _ftp_variant_backfill(late_week, late_week),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(os.environ),
    )
    try:
        waiting = None
        deadline = time.monotonic() + 60
        while waiting is None and proc.poll() is None and time.monotonic() < deadline:
            ti = task_instances.get_task_instance(FTP_DAG_ID, run_id, "wait_for_drop")
            if ti is not None and ti.state == "up_for_reschedule":
                waiting = ti
            else:
                time.sleep(0.1)
        assert waiting is not None, "wait_for_drop never went up_for_reschedule"
        assert waiting.try_number == 1
        assert waiting.reschedule_at > datetime.now(timezone.utc) + timedelta(minutes=9)  # poke_interval: 10 minutes
        download = task_instances.get_task_instance(FTP_DAG_ID, run_id, "download_data")
        assert download is None or download.state in (None, "none", "scheduled")
        log = Path(waiting.log_path).read_text()
        assert f"Poking for drops/{late_week.isoformat()}.csv" in log and "550" in log
    finally:
        proc.terminate()
        proc.wait(timeout=30)
