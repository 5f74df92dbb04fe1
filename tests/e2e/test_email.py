"""Email over a real SMTP server on loopback (aiosmtpd): task alerts, EmailOperator, servers that fail."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HEADER = """
from datetime import datetime, timedelta
from tradewind import DAG
from tradewind.models import Variable
from tradewind.operators.bash import BashOperator
from tradewind.operators.empty import EmptyOperator
from tradewind.operators.python import PythonOperator
from tradewind.operators.email import EmailOperator
START = datetime(2024, 1, 1)

def boom():
    raise RuntimeError("disk on fire")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


@dataclass
class Sink:
    port: int
    mails: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    from aiosmtpd.controller import Controller

    sink = Sink(_free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_PORT", str(sink.port))
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_MAIL_FROM", "tradewind@test.local")
    yield sink
    controller.stop()


def run(cli, dag_id: str, *args: str) -> tuple[int, dict]:
    r = cli("dags", "test", dag_id, *args, "-o", "json")
    assert r.out, r.err
    return r.code, json.loads(r.out)


def states(report: dict) -> dict[str, str]:
    return {ti["task_id"]: ti["state"] for ti in report["task_instances"]}


def test_retry_and_failure_mails_name_dag_task_run_try_error_and_log(cli, write_dag, smtp) -> None:
    write_dag(
        "m.py",
        HEADER
        + """
with DAG("mail_fail", schedule=None, start_date=START,
         default_args={"retries": 1, "retry_delay": timedelta(minutes=5), "email": "ops@example.com",
                       "email_on_failure": True}) as dag:
    PythonOperator(task_id="train", python_callable=boom) >> EmptyOperator(task_id="report")
""",
    )
    code, report = run(cli, "mail_fail", "2024-03-05", "--retry-delay", "0")
    assert code == 1
    assert states(report) == {"train": "failed", "report": "upstream_failed"}
    run_id = report["run_id"]
    assert [m.subject for m in smtp.mails] == [
        f"Tradewind alert: <TaskInstance: mail_fail.train {run_id} [up_for_retry]>",
        f"Tradewind alert: <TaskInstance: mail_fail.train {run_id} [failed]>",
    ]
    retry, failure = smtp.mails
    assert retry.rcpt_tos == ["ops@example.com"] and retry.mail_from == "tradewind@test.local"
    assert "Try 1 out of 2" in retry.html and "Try 2 out of 2" in failure.html
    log_path = next(ti["log_path"] for ti in report["task_instances"] if ti["task_id"] == "train")
    for mail in (retry, failure):
        for text in ("mail_fail", "train", run_id, "RuntimeError: disk on fire"):
            assert text in mail.html, (text, mail.html)
    assert log_path in failure.html and log_path.replace("attempt=2", "attempt=1") in retry.html
    log = Path(log_path).read_text()
    assert "Sent the failed alert to ops@example.com" in log and "Failed to send" not in log


def test_recipients_from_a_variable_and_per_task_switches(cli, write_dag, smtp, monkeypatch) -> None:
    monkeypatch.setenv("TRADEWIND_VAR_ALERT_EMAIL", "alerts@example.com")
    write_dag(
        "v.py",
        HEADER
        + """
with DAG("mail_var", schedule=None, start_date=START,
         default_args={"email": Variable.get("alert_email"), "email_on_retry": False}) as dag:
    PythonOperator(task_id="parsed_var", python_callable=boom)
    PythonOperator(task_id="templated", python_callable=boom, email="{{ var.value.alert_email }}; second@example.com")
    PythonOperator(task_id="quiet", python_callable=boom, email_on_failure=False)
    PythonOperator(task_id="retried_quietly", python_callable=boom, retries=1)
""",
    )
    code, report = run(cli, "mail_var", "--retry-delay", "0")
    assert code == 1 and set(states(report).values()) == {"failed"}
    by_task = {m.subject.split("mail_var.")[1].split(" ")[0]: m for m in smtp.mails}
    assert sorted(by_task) == ["parsed_var", "retried_quietly", "templated"]
    assert len(smtp.mails) == 3  # no mail for `quiet`, none for the retry of `retried_quietly`
    assert by_task["parsed_var"].rcpt_tos == ["alerts@example.com"]
    assert by_task["templated"].rcpt_tos == ["alerts@example.com", "second@example.com"]
    assert "[failed]" in by_task["retried_quietly"].subject


def test_a_recipient_template_that_cannot_render_is_named_as_a_template_with_the_reason(cli, write_dag, smtp) -> None:
    write_dag(
        "r.py",
        HEADER
        + """
with DAG("mail_bad_to", schedule=None, start_date=START, default_args={"email_on_failure": True}) as dag:
    PythonOperator(task_id="unknown_var", python_callable=boom, email="{{ var.value.alert_to }}")
    PythonOperator(task_id="fine", python_callable=boom, email="ops@example.com")
""",
    )
    code, report = run(cli, "mail_bad_to")
    assert code == 1 and set(states(report).values()) == {"failed"}
    assert [m.rcpt_tos for m in smtp.mails] == [["ops@example.com"]]
    logs = {ti["task_id"]: Path(ti["log_path"]).read_text() for ti in report["task_instances"]}
    assert (
        "No failed email sent: the recipient template '{{ var.value.alert_to }}' (the task's `email`) "
        "failed to render (cannot render email: variable 'alert_to' does not exist)"
    ) in logs["unknown_var"]
    assert "email to {{" not in logs["unknown_var"]


def test_email_operator_templates_attachments_cc_bcc(cli, write_dag, smtp, tradewind_home) -> None:
    attachment = tradewind_home / "report.csv"
    attachment.write_text("metric,value\naccuracy,0.93\n")
    write_dag(
        "e.py",
        HEADER
        + f"""
with DAG("mail_op", schedule=None, start_date=START, params={{"who": "team"}}) as dag:
    EmailOperator(task_id="send", to=["a@example.com", "b@example.com"], cc="c@example.com", bcc="d@example.com",
                  subject="Report for {{{{ ds }}}}", html_content="<h1>Hello {{{{ params.who }}}}</h1>",
                  files=[{str(attachment)!r}])
""",
    )
    code, report = run(cli, "mail_op", "2024-03-05")
    assert code == 0, report
    [mail] = smtp.mails
    assert mail.subject == "Report for 2024-03-05"
    assert mail.html.strip() == "<h1>Hello team</h1>"
    assert sorted(mail.rcpt_tos) == ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    assert mail.message["To"] == "a@example.com, b@example.com" and mail.message["Cc"] == "c@example.com"
    assert mail.message["Bcc"] is None
    [part] = list(mail.message.iter_attachments())
    assert part.get_filename() == "report.csv" and part.get_content() == "metric,value\naccuracy,0.93\n"


def test_smtp_down_never_changes_the_task_outcome(cli, write_dag, monkeypatch) -> None:
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRADEWIND__SMTP__SMTP_PORT", str(_free_port()))  # nothing listens there
    write_dag(
        "d.py",
        HEADER
        + """
with DAG("mail_down", schedule=None, start_date=START, default_args={"email": "ops@example.com"}) as dag:
    PythonOperator(task_id="fails", python_callable=boom)
    BashOperator(task_id="fine", bash_command="echo ok")
    EmailOperator(task_id="op", to="x@example.com", subject="s", html_content="b")
""",
    )
    code, report = run(cli, "mail_down")
    assert code == 1
    assert states(report) == {"fails": "failed", "fine": "success", "op": "failed"}
    logs = {ti["task_id"]: Path(ti["log_path"]).read_text() for ti in report["task_instances"]}
    assert "Failed to send the failed email to ops@example.com" in logs["fails"]
    assert "connection refused" in logs["fails"]
    assert "RuntimeError: disk on fire" in logs["fails"]
    assert "EmailError: cannot send email via 127.0.0.1" in logs["op"]


def test_smtp_server_that_never_answers_times_out(cli, write_dag, monkeypatch) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts TCP connections (backlog) but never sends the SMTP greeting
    try:
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_PORT", str(silent.getsockname()[1]))
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_TIMEOUT", "1")
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_RETRY_LIMIT", "2")
        write_dag(
            "t.py",
            HEADER
            + """
with DAG("mail_silent", schedule=None, start_date=START, default_args={"email": "ops@example.com"}) as dag:
    PythonOperator(task_id="fails", python_callable=boom)
""",
        )
        code, report = run(cli, "mail_silent")
    finally:
        silent.close()
    assert code == 1 and states(report) == {"fails": "failed"}
    log = Path(report["task_instances"][0]["log_path"]).read_text()
    assert "Failed to send the failed email" in log and "timed out (after 2 attempts)" in log


def test_smtp_login_and_mail_from_settings(cli, write_dag, monkeypatch, smtp) -> None:
    from tradewind.notify.email import send_email

    sent = send_email("one@example.com, two@example.com", "Subject ü", "<p>body ü</p>", from_email="me@example.com")
    assert sent == ["one@example.com", "two@example.com"]
    [mail] = smtp.mails
    assert mail.mail_from == "me@example.com" and mail.subject == "Subject ü" and "body ü" in mail.html
    from tradewind.exceptions import EmailError

    with pytest.raises(EmailError, match="no recipients"):
        send_email("", "s", "b")


@pytest.mark.timeout(120)
def test_scheduler_workers_send_the_alerts(scheduler, write_dag, smtp) -> None:
    from scheduler_process import wait_for

    write_dag(
        "s.py",
        HEADER
        + """
with DAG("mail_sched", schedule=None, start_date=START,
         default_args={"retries": 1, "retry_delay": timedelta(seconds=1), "email": ["ops@example.com"]}) as dag:
    BashOperator(task_id="flaky", bash_command="echo failing; exit 4") >> EmptyOperator(task_id="after")
""",
    )
    scheduler.start()
    from tradewind.scheduler.trigger import trigger_dag
    from tradewind.store import dags, runs, task_instances

    wait_for(lambda: dags.get_dag("mail_sched"), what="the DAG to be parsed")
    run = trigger_dag("mail_sched")
    wait_for(lambda: runs.get_dag_run("mail_sched", run.run_id).state == "failed", what="the run to fail")
    wait_for(lambda: len(smtp.mails) >= 2, timeout=10, what="two alert mails")
    assert [m.subject for m in smtp.mails] == [
        f"Tradewind alert: <TaskInstance: mail_sched.flaky {run.run_id} [up_for_retry]>",
        f"Tradewind alert: <TaskInstance: mail_sched.flaky {run.run_id} [failed]>",
    ]
    assert "BashCommandFailed: bash command failed: exit code 4" in smtp.mails[1].html
    tis = {t.task_id: t for t in task_instances.list_task_instances("mail_sched", run.run_id)}
    assert tis["flaky"].state == "failed" and tis["flaky"].try_number == 2 and tis["after"].state == "upstream_failed"
    assert tis["flaky"].log_path in smtp.mails[1].html


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_credentials_from_the_smtp_default_connection(monkeypatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from tradewind.exceptions import EmailError
    from tradewind.notify.email import send_email

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"mailer",
            b"mail-pass-9",
        )
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    sink = Sink(_free_port())
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_PORT", str(sink.port))
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_USER", "mailer")
        monkeypatch.setenv("TRADEWIND__SMTP__SMTP_PASSWORD", "wrong-password")
        with pytest.raises(EmailError, match=r"cannot send email via 127.0.0.1.*535"):
            send_email("a@example.com", "s", "b")
        monkeypatch.setenv("TRADEWIND_CONN_SMTP_DEFAULT", "smtp://mailer:mail-pass-9@")
        send_email("a@example.com", "with login", "b")
    finally:
        controller.stop()
    assert [m.subject for m in sink.mails] == ["with login"]
