"""Alert mails when a try ends failed or up_for_retry (`email_on_failure` / `email_on_retry`).

Called by the task runner right after the outcome is stored, inside the try's log capture, so a
mail that cannot be sent is written to the task's log and nothing else happens: the task keeps
its real state and the scheduler is never blocked (the SMTP timeout bounds the wait).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any

from tradewind.exceptions import TemplateError
from tradewind.states import TaskState

log = logging.getLogger("tradewind.task")

SUBJECT_PREFIX = "Tradewind alert"


def _should_send(task: Any, state: TaskState) -> bool:
    if state is TaskState.FAILED:
        return bool(getattr(task, "email_on_failure", False))
    if state is TaskState.UP_FOR_RETRY:
        return bool(getattr(task, "email_on_retry", False))
    return False


def recipients_for(task: Any, context: Mapping[str, Any]) -> list[str]:
    """The task's `email` (a string, comma/semicolon separated, or a list); a Jinja string is rendered."""
    from tradewind.notify.email import get_email_address_list

    email = getattr(task, "email", None)
    if not email:
        return []
    items = [email] if isinstance(email, str) else list(email)
    if context and any("{{" in str(item) or "{%" in str(item) for item in items):
        items = [_render(str(item), task, context) for item in items]
    return get_email_address_list(items)


def _render(text: str, task: Any, context: Mapping[str, Any]) -> str:
    if "{{" not in text and "{%" not in text:
        return text
    from tradewind.runtime.templating import render_value

    dag = getattr(task, "dag", None)
    if dag is not None:
        env = dag.get_template_env()
    else:
        from tradewind.runtime.templating import make_jinja_env

        env = make_jinja_env()
    return str(render_value(text, context, env, field="email"))


def task_instance_label(dag_id: str, task_id: str, run_id: str, map_index: int, state: TaskState) -> str:
    """Airflow's `<TaskInstance: dag.task run_id [state]>`."""
    mapped = f" map_index={map_index}" if map_index >= 0 else ""
    return f"<TaskInstance: {dag_id}.{task_id} {run_id}{mapped} [{state.value}]>"


def build_alert(
    *,
    dag_id: str,
    task_id: str,
    run_id: str,
    map_index: int,
    state: TaskState,
    try_number: int,
    max_tries: int,
    error: str | None,
    log_path: str | None,
    hostname: str | None,
    logical_date: Any = None,
) -> tuple[str, str]:
    """(subject, html body) naming DAG, task, run, try, the exception and where the log is."""
    from tradewind.secrets.masker import redact_text

    label = task_instance_label(dag_id, task_id, run_id, map_index, state)
    subject = f"{SUBJECT_PREFIX}: {label}"
    what = "failed" if state is TaskState.FAILED else "failed and will be retried"
    rows = [
        ("DAG", dag_id),
        ("Task", task_id + (f" [map_index={map_index}]" if map_index >= 0 else "")),
        ("Run", run_id),
        ("Logical date", str(logical_date) if logical_date is not None else ""),
        ("Try", f"{try_number} out of {max_tries + 1}"),
        ("State", state.value),
        ("Host", hostname or ""),
        ("Log", log_path or ""),
    ]
    error_html = html.escape(redact_text(error or "unknown error")).replace("\n", "<br>")
    body = (
        f"<p>Task <b>{html.escape(task_id)}</b> of DAG <b>{html.escape(dag_id)}</b> {what}.</p>\n"
        f"<p>Try {try_number} out of {max_tries + 1}<br>\nException:<br>{error_html}</p>\n<table>\n"
        + "".join(f"<tr><th align='left'>{k}</th><td>{html.escape(str(v))}</td></tr>\n" for k, v in rows if v)
        + "</table>\n"
    )
    return subject, body


def notify_task_outcome(
    task: Any,
    dag_run: Any,
    ti: Any,
    *,
    state: TaskState,
    error: str | None,
    log_path: str | None,
    context: Mapping[str, Any] | None = None,
) -> bool:
    """Send the failure/retry alert if the task asks for one; True if a mail went out. Never raises.

    `ti` is the claimed task instance record (try_number, max_tries, map_index, hostname).
    """
    recipients: list[str] = []
    try:
        if not _should_send(task, state):
            return False
        try:
            recipients = recipients_for(task, context or {})
        except TemplateError as exc:  # no address to name: say which template failed, and why
            log.warning(
                "No %s email sent: the recipient template %r (the task's `email`) failed to render (%s)",
                state.value,
                getattr(task, "email", None),
                exc,
            )
            return False
        if not recipients:
            return False
        from tradewind.notify.email import send_email

        subject, body = build_alert(
            dag_id=dag_run.dag_id,
            task_id=ti.task_id,
            run_id=dag_run.run_id,
            map_index=ti.map_index,
            state=state,
            try_number=ti.try_number,
            max_tries=ti.max_tries,
            error=error,
            log_path=log_path,
            hostname=ti.hostname,
            logical_date=getattr(dag_run, "logical_date", None),
        )
        send_email(recipients, subject, body)
        log.info("Sent the %s alert to %s", state.value, ", ".join(recipients))
        return True
    except Exception as exc:  # noqa: BLE001 - an alert must never change the task's outcome
        to = ", ".join(recipients) or getattr(task, "email", None)
        log.warning("Failed to send the %s email to %s: %s", state.value, to, exc)
        return False
