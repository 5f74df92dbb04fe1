"""Login and logout. Bad credentials of any kind get one generic message; failures are throttled."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tradewind.api.security import (
    COOKIE,
    GENERIC_LOGIN_ERROR,
    Caller,
    TooManyAttempts,
    login,
    make_session,
    resolve,
    set_session_cookie,
    ui_user,
)
from tradewind.ui.render import back, page, redirect

router = APIRouter()
LOGIN_CSRF = "tradewind_login_csrf"


def safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect to another site."""
    return back(target or "", "/home")


def _login_form(request: Request, next_url: str, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, status=status, next=next_url, error=error, login_csrf=token)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the query name
    if resolve(request) is not None:
        return redirect(safe_next(next))
    return _login_form(request, safe_next(next))


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=256)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/home",
) -> Response:  # noqa: A002
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_form(request, safe_next(next), "Your session expired; please sign in again.", 400)
    try:
        user = login(request, username, password)
    except TooManyAttempts:
        return _login_form(request, safe_next(next), "Too many failed attempts; try again in a minute.", 429)
    if user is None:
        return _login_form(request, safe_next(next), GENERIC_LOGIN_ERROR, 401)
    value, _csrf = make_session(user.username)
    response = redirect(safe_next(next))
    set_session_cookie(response, request, value)
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


@router.post("/logout")
def logout(caller: Annotated[Caller, Depends(ui_user(None))]) -> Response:
    """End this session on the server too: the cookie, if someone copied it, opens nothing any more."""
    from tradewind.actions.audit import record
    from tradewind.store.web_sessions import end_session

    if caller.session is not None:
        end_session(caller.session)
        record("logout")
    return _signed_out(redirect("/login"))


@router.post("/logout/everywhere")
def logout_everywhere(caller: Annotated[Caller, Depends(ui_user(None))]) -> Response:
    """End every session of this user, on every browser (a lost laptop, a shared computer)."""
    from tradewind.actions.users import end_sessions

    ended = end_sessions(caller.user.username)
    return _signed_out(redirect("/login", f"Signed out everywhere ({ended} session{'s' if ended != 1 else ''})"))


def _signed_out(response: Response) -> Response:
    response.delete_cookie(COOKIE, path="/")
    return response
