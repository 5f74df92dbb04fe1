"""EmailOperator: send an HTML email through the `[smtp]` server (Airflow's operator and arguments)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradewind.sdk.baseoperator import BaseOperator


class EmailOperator(BaseOperator):
    """Sends `html_content` to `to` (a string, comma/semicolon separated, or a list); fails if the mail cannot be sent."""

    template_fields = ("to", "from_email", "subject", "html_content", "files", "cc", "bcc")
    template_fields_renderers = {"html_content": "html"}
    template_ext = (".html",)
    ui_color = "#e6faf9"

    def __init__(
        self,
        *,
        to: str | Iterable[str],
        subject: str,
        html_content: str,
        files: list[str] | None = None,
        cc: str | Iterable[str] | None = None,
        bcc: str | Iterable[str] | None = None,
        from_email: str | None = None,
        mime_charset: str = "utf-8",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.to = to
        self.subject = subject
        self.html_content = html_content
        self.files = files or []
        self.cc = cc
        self.bcc = bcc
        self.from_email = from_email
        self.mime_charset = mime_charset

    def execute(self, context: dict[str, Any]) -> None:
        from tradewind.notify.email import send_email

        send_email(
            self.to,
            self.subject,
            self.html_content,
            files=self.files,
            cc=self.cc,
            bcc=self.bcc,
            from_email=self.from_email,
            mime_charset=self.mime_charset,
        )
