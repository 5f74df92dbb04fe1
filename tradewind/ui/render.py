"""Rendering pages: the Jinja2 environment, the context every page gets, and error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tradewind import permissions

if TYPE_CHECKING:
    from markupsafe import Markup

FLASH = "tradewind_flash"
FLASH_SECONDS = 60
STATES = (
    "success",
    "running",
    "failed",
    "queued",
    "scheduled",
    "up_for_retry",
    "up_for_reschedule",
    "deferred",
    "upstream_failed",
    "skipped",
    "removed",
    "none",
)


@lru_cache(maxsize=1)
def templates() -> Any:
    from fastapi.templating import Jinja2Templates
    from jinja2 import pass_context

    from tradewind.secrets.masker import MASK, should_hide_value_for_key

    t = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
    t.env.filters["dt"] = pass_context(_dt_filter)  # in the viewer's zone, from the page's context
    t.env.filters["dt_short"] = pass_context(_dt_short_filter)
    t.env.filters["dt_axis"] = pass_context(_dt_axis_filter)
    t.env.filters["iso"] = lambda v: v.isoformat() if v is not None else ""
    t.env.filters["duration"] = format_duration
    t.env.filters["show"] = show_value
    t.env.globals["P"] = permissions
    t.env.globals["STATES"] = STATES
    t.env.globals["hide_value"] = should_hide_value_for_key  # variables named like secrets show as ***
    t.env.globals["MASK"] = MASK
    t.env.globals["run_duration"] = run_duration
    return t


def format_dt(value: datetime | None, tz: tzinfo = timezone.utc) -> str:
    """A time in the viewer's zone, the zone named: '2024-03-05 01:00:00 CET'."""
    from tradewind.ui.timezones import format_in

    return format_in(value, tz)


def _zone_of(ctx: Any) -> tzinfo:
    return ctx.get("tz") or timezone.utc


def _dt_filter(ctx: Any, value: datetime | None) -> str:
    return format_dt(value, _zone_of(ctx))


def _dt_short_filter(ctx: Any, value: datetime | None) -> str:
    from tradewind.ui.timezones import format_in

    return format_in(value, _zone_of(ctx), seconds=False)


def _dt_axis_filter(ctx: Any, value: datetime | None) -> str:
    """A short label for the grid's run axis: month-day hour:minute in the viewer's zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(_zone_of(ctx)).strftime("%m-%d %H:%M")


def viewer_zone(request: Request) -> tzinfo:
    """The zone this request's viewer reads times in (their cookie, else the configured default)."""
    from tradewind.ui.timezones import COOKIE, chosen_zone

    return chosen_zone(request.cookies.get(COOKIE))


def show_value(value: Any) -> str:
    """An XCom, rendered field or conf as text: strings as they are, the rest as indented JSON.

    Anything JSON cannot encode (a datetime, a DataFrame…) falls back to its repr, never to an error page.
    """
    import json

    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        return repr(value)


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def run_duration(run: Any) -> float | None:
    if run.start_date is None:
        return None
    end = run.end_date or datetime.now(timezone.utc)
    return (end - run.start_date).total_seconds()


def page(request: Request, name: str, caller: Any = None, status: int = 200, **context: Any) -> HTMLResponse:
    flash = _take_flash(request)
    ctx = _context(request, caller, flash=flash, **context)
    response: HTMLResponse = templates().TemplateResponse(request, name, ctx, status_code=status)
    if flash is not None:
        response.delete_cookie(FLASH, path="/")  # shown once
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def fragment(request: Request, name: str, caller: Any = None, **context: Any) -> Markup:
    """A template rendered with a page's context, as HTML to put inside another page (the grid's panel)."""
    from markupsafe import Markup

    return Markup(templates().get_template(name).render(_context(request, caller, flash=None, **context)))


def _context(request: Request, caller: Any, *, flash: str | None, **context: Any) -> dict[str, Any]:
    """What every template may use: the viewer, their permissions and time zone, the CSRF token, the flash."""
    from tradewind import __version__
    from tradewind.ui.timezones import zone_name

    tz = viewer_zone(request)
    return {
        "request": request,
        "tz": tz,
        "tz_name": zone_name(tz),
        "caller": caller,
        "user": caller.user if caller else None,
        "csrf": caller.csrf if caller else "",
        "can": (caller.can if caller else (lambda _p: False)),
        "version": __version__,
        "flash": flash,
        **context,
    }


def redirect(url: str, msg: str | None = None) -> RedirectResponse:
    """A 303 to `url`; `msg` is shown once on the next full page, from a signed cookie.

    Never from the URL: a link to `/home?msg=Call+us+at+…` would put anyone's words in the UI's own banner.
    """
    response = RedirectResponse(url, status_code=303)
    if msg:
        response.set_cookie(
            FLASH, _flash_signer().dumps(msg), max_age=FLASH_SECONDS, httponly=True, samesite="lax", path="/"
        )
    return response


def _flash_signer() -> Any:
    from itsdangerous import URLSafeTimedSerializer

    from tradewind.api.security import secret_key

    return URLSafeTimedSerializer(secret_key(), salt="tradewind-flash")


def _take_flash(request: Request) -> str | None:
    """The message `redirect` left, if this request is a full page (htmx's partial refreshes leave it be);
    "" for a cookie that is not ours or too old, so that it is cleared all the same."""
    from itsdangerous import BadSignature

    value = request.cookies.get(FLASH)
    if not value or request.headers.get("hx-request"):
        return None
    try:
        message = _flash_signer().loads(value, max_age=FLASH_SECONDS)
    except BadSignature:
        return ""
    return message if isinstance(message, str) else ""


NextPage = Annotated[str, Form(max_length=2000)]
"""A form's `next` field: the page to go back to after an action (the grid with its panel open, a browse list)."""


def back(next_page: str, default: str) -> str:
    """`next_page` if it is a local path, else `default`: never an open redirect."""
    if not next_page or not next_page.startswith("/") or next_page.startswith("//") or "\\" in next_page:
        return default
    return next_page


def act(url: str, ok: str | Callable[[Any], str], fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Response:
    """Run an action and go to `url` with the message `ok` (or `ok` of the action's result); a refusal
    (bad input, a lost race) comes back as that page's message, not an error page."""
    from tradewind.exceptions import TradewindException

    try:
        result = fn(*args, **kwargs)
    except (TradewindException, ValueError, TypeError) as exc:
        return redirect(url, f"Error: {exc}")
    return redirect(url, ok if isinstance(ok, str) else ok(result))


def error_page(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    caller = getattr(request.state, "caller", None)
    response = page(request, "error.html", caller, status=status, status_code=status, detail=detail)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
