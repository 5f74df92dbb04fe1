"""Send an email through the `[smtp]` server (Airflow's `send_email` and its option names).

Stdlib `smtplib` only. Every network step has `[smtp] smtp_timeout`; a server that drops the
connection while we connect is retried up to `smtp_retry_limit` times (Airflow's rule). Any
failure is raised as one `EmailError`, so callers decide whether it matters (EmailOperator
fails; task alerts only log it).
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.exceptions import EmailError

if TYPE_CHECKING:
    from email.message import EmailMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    ssl: bool
    user: str
    password: str
    mail_from: str
    timeout: float
    retry_limit: int

    @classmethod
    def from_config(cls, conn_id: str | None = "smtp_default") -> SmtpSettings:
        """`[smtp]`; login and password come from connection `conn_id` when it exists (Airflow 2's rule)."""
        from tradewind.config import conf

        user = str(conf.get("smtp", "smtp_user", fallback="") or "")
        password = str(conf.get("smtp", "smtp_password", fallback="") or "")
        credentials = _connection_credentials(conn_id) if conn_id else None
        if credentials is not None:
            user, password = credentials
        return cls(
            host=str(conf.get("smtp", "smtp_host")),
            port=conf.getint("smtp", "smtp_port"),
            starttls=conf.getboolean("smtp", "smtp_starttls"),
            ssl=conf.getboolean("smtp", "smtp_ssl"),
            user=user,
            password=password,
            mail_from=str(conf.get("smtp", "smtp_mail_from")),
            timeout=conf.getfloat("smtp", "smtp_timeout"),
            retry_limit=max(1, conf.getint("smtp", "smtp_retry_limit")),
        )


def _connection_credentials(conn_id: str) -> tuple[str, str] | None:
    """(login, password) of the connection, or None when it is not defined (or cannot be read)."""
    from tradewind.exceptions import NotFound
    from tradewind.models.connection import Connection

    try:
        conn = Connection.get_connection_from_secrets(conn_id)
    except NotFound:
        return None
    except Exception as exc:  # noqa: BLE001 - an unreadable connection must not stop the mail
        log.warning("cannot read connection %s for SMTP credentials (%s); using [smtp]", conn_id, exc)
        return None
    return conn.login or "", conn.password or ""


def get_email_address_list(addresses: str | Iterable[str] | None) -> list[str]:
    """`"a@x, b@y; c@z"` or a list of such strings → one address per item (Airflow's splitting)."""
    if not addresses:
        return []
    items = [addresses] if isinstance(addresses, str) else list(addresses)
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in re.split(r"[,;]", str(item)) if part.strip())
    return out


def build_message(
    to: list[str],
    subject: str,
    html_content: str,
    *,
    mail_from: str,
    files: Iterable[str | os.PathLike[str]] | None = None,
    cc: list[str] | None = None,
    mime_charset: str = "utf-8",
) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = mail_from
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="tradewind")
    msg.set_content(html_content, subtype="html", charset=mime_charset)
    for name in files or ():
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise EmailError(f"cannot attach {path}: {exc.strerror}") from None
        ctype, encoding = mimetypes.guess_type(path.name)
        if ctype is None or encoding is not None:
            ctype = "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def send_email(
    to: str | Iterable[str],
    subject: str,
    html_content: str,
    files: Iterable[str | os.PathLike[str]] | None = None,
    cc: str | Iterable[str] | None = None,
    bcc: str | Iterable[str] | None = None,
    *,
    from_email: str | None = None,
    mime_charset: str = "utf-8",
    conn_id: str | None = "smtp_default",
    settings: SmtpSettings | None = None,
) -> list[str]:
    """Send one HTML email; returns the recipients it was sent to. Raises EmailError on failure."""
    settings = settings or SmtpSettings.from_config(conn_id)
    to_list, cc_list, bcc_list = get_email_address_list(to), get_email_address_list(cc), get_email_address_list(bcc)
    recipients = to_list + cc_list + bcc_list
    if not recipients:
        raise EmailError("cannot send email: no recipients")
    mail_from = from_email or settings.mail_from
    msg = build_message(
        to_list, subject, html_content, mail_from=mail_from, files=files, cc=cc_list, mime_charset=mime_charset
    )
    _deliver(settings, mail_from, recipients, msg)
    log.info("Sent an email with subject %r to %s", subject, ", ".join(recipients))
    return recipients


def _deliver(settings: SmtpSettings, mail_from: str, recipients: list[str], msg: EmailMessage) -> None:
    import smtplib
    import ssl

    where = f"{settings.host}:{settings.port}"
    for attempt in range(1, settings.retry_limit + 1):
        server: smtplib.SMTP
        try:
            if settings.ssl:
                server = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
                )
            else:
                server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        except smtplib.SMTPServerDisconnected as exc:  # includes a greeting that timed out
            if attempt == settings.retry_limit:
                raise EmailError(
                    f"cannot send email via {where}: {_reason(exc)} (after {settings.retry_limit} attempts)"
                ) from None
            log.warning(
                "SMTP server %s: %s (attempt %s of %s); retrying", where, _reason(exc), attempt, settings.retry_limit
            )
            continue
        except (OSError, smtplib.SMTPException) as exc:
            raise EmailError(f"cannot send email via {where}: {_reason(exc)}") from None
        try:
            with server:
                if settings.starttls:
                    server.starttls(context=ssl.create_default_context())
                if settings.user and settings.password:
                    server.login(settings.user, settings.password)
                server.send_message(msg, from_addr=mail_from, to_addrs=recipients)
        except (OSError, smtplib.SMTPException) as exc:
            raise EmailError(f"cannot send email via {where}: {_reason(exc)}") from None
        return


def _reason(exc: BaseException) -> str:
    import socket

    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the SMTP server running?)"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__
