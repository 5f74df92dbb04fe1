"""Who is asking, and may they: HTTP basic or a UI session (a signed cookie naming a session the server
keeps), CSRF, login throttling.

Every route depends on `api_user(PERMISSION)` or `ui_user(PERMISSION)`; both resolve the user the
same way and ask `tradewind.permissions.allowed`, so the API and the UI enforce one rule set.
A state-changing request authenticated by the cookie must carry the session's CSRF token (form
field `csrf_token` or header `X-CSRF-Token`). HTTP basic needs none: the API's writes take JSON
bodies, which FastAPI parses only under `Content-Type: application/json`, a type no cross-site form
can send and no cross-site script can send without a CORS preflight (which we never grant).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request

from tradewind.actions import audit
from tradewind.api.session_key import ensure_secret_key
from tradewind.permissions import allowed
from tradewind.store.users import UserRecord

log = logging.getLogger(__name__)
COOKIE = "tradewind_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GENERIC_LOGIN_ERROR = "Invalid username or password."


@dataclass(frozen=True)
class Caller:
    """The authenticated user of one request, and how they proved it."""

    user: UserRecord
    via: str  # "basic" or "session"
    csrf: str | None = None
    session: str | None = None  # the session's id, to sign it out

    def can(self, permission: str) -> bool:
        return allowed(self.user.roles, permission)


# --- secret key and session cookie ------------------------------------------------------------
def secret_key() -> str:
    """The key sessions are signed with: [webserver] secret_key (created and saved on first use)."""
    return ensure_secret_key()


def _serializer() -> Any:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret_key(), salt="tradewind-session")


def session_max_age() -> int:
    from tradewind.config import conf

    return int(conf.getint("webserver", "session_lifetime_minutes", fallback=720)) * 60


def make_session(username: str) -> tuple[str, str]:
    """A new session: its signed cookie value and its CSRF token.

    The session is recorded on the server (signing out deletes it, so a copied cookie dies with it).
    The cookie also carries a fingerprint of the user's password hash and roles: a password or role
    change ends every session opened before it, in every webserver process.
    """
    from tradewind.exceptions import NotFound
    from tradewind.store.users import get_user
    from tradewind.store.web_sessions import open_session

    user = get_user(username)
    if user is None:
        raise NotFound(f"user '{username}' does not exist")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    open_session(session_id(token), user.id, session_max_age())
    audit.record("login")
    return str(_serializer().dumps({"s": token, "c": csrf, "p": _fingerprint(user)})), csrf


def session_id(token: str) -> str:
    """What the database knows a session by: a hash of its token, so the table alone opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def _fingerprint(user: UserRecord) -> str:
    material = f"{user.password_hash or ''}\0{','.join(user.roles)}"
    return hmac.new(secret_key().encode(), material.encode(), hashlib.sha256).hexdigest()[:16]


def read_session(value: str | None) -> dict[str, str] | None:
    from itsdangerous import BadSignature

    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=session_max_age())
    except BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("s"), str) else None


def set_session_cookie(response: Any, request: Request, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=session_max_age(),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


# --- throttling -------------------------------------------------------------------------------
class LoginThrottle:
    """At most `limit` failed logins per (username, client address) within `window` seconds."""

    def __init__(self, limit: int = 5, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.get(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        if not q:
            self._failures.pop(key, None)  # forgotten keys take no memory: random usernames cannot fill it
        return q

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 10_000:  # sweep the keys whose failures have all expired
                for old in list(self._failures):
                    self._recent(old, now)
            for k in keys:
                q = self._recent(k, now)
                q.append(now)
                self._failures[k] = q

    def succeed(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


@lru_cache(maxsize=1)
def throttle() -> LoginThrottle:
    from tradewind.config import conf

    return LoginThrottle(
        conf.getint("webserver", "login_max_attempts", fallback=5),
        conf.getfloat("webserver", "login_window_seconds", fallback=60.0),
    )


class TooManyAttempts(HTTPException):
    def __init__(self) -> None:
        super().__init__(429, "Too many failed login attempts; try again in a minute.", {"Retry-After": "60"})


def peer(request: Request) -> str:
    """The client's address: the TCP peer, or what a proxy listed in [webserver] forwarded_allow_ips says it is
    (uvicorn believes X-Forwarded-For from those proxies only; `tradewind webserver` trusts none by default)."""
    return request.client.host if request.client else "?"


def login(request: Request, username: str, password: str) -> UserRecord | None:
    """Check credentials with throttling; None for any wrong credential (one generic message)."""
    from tradewind.store.users import authenticate

    address = peer(request)
    key = f"{username.strip().lower()}|{address}"
    if throttle().blocked(key):
        log.warning("login for %r from %s refused: too many failed attempts", username[:64], address)
        raise TooManyAttempts()
    user = authenticate(username, password)
    if user is None:
        log.warning("failed login for %r from %s", username[:64], address)
        throttle().fail(key)
        audit.set_actor(audit.Actor(username[:256], None, _via(request), address))
        audit.record("login.failed")
        return None
    throttle().succeed(key)
    set_actor_for(request, user)
    return user


def _via(request: Request) -> str:
    return "api" if request.url.path.startswith("/api/") else "ui"


def set_actor_for(request: Request, user: UserRecord) -> None:
    """The audit log's actor for the rest of this request: the user, the client address, ui or api."""
    name = f"{user.first_name} {user.last_name}".strip() or None
    audit.set_actor(audit.Actor(user.username, name, _via(request), peer(request)))


# --- resolving the caller ---------------------------------------------------------------------
def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, sep, password = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise HTTPException(
            401, "malformed basic credentials", {"WWW-Authenticate": 'Basic realm="tradewind"'}
        ) from None
    if not sep:
        raise HTTPException(401, "malformed basic credentials", {"WWW-Authenticate": 'Basic realm="tradewind"'})
    return username, password


_verified: dict[str, tuple[float, str]] = {}
VERIFIED_SECONDS = 60.0


def _basic_user(request: Request, username: str, password: str) -> UserRecord | None:
    """`login()`, but credentials verified in the last minute skip argon2 (a script calling the API in a
    loop would otherwise pay ~50 ms and a database write per request). A password change invalidates them."""
    from tradewind.store.users import get_user

    digest = hmac.new(secret_key().encode(), f"{username}\0{password}".encode(), hashlib.sha256).hexdigest()
    hit = _verified.get(digest)
    if hit is not None and hit[0] > time.monotonic():
        user = get_user(username)
        if user is not None and user.active and user.password_hash == hit[1]:
            return user
    user = login(request, username, password)
    if user is not None:
        if len(_verified) > 1000:
            _verified.clear()
        _verified[digest] = (time.monotonic() + VERIFIED_SECONDS, user.password_hash or "")
    return user


def resolve(request: Request) -> Caller | None:
    """The caller, from basic credentials (checked) or a live session's cookie; None if anonymous."""
    from tradewind.store.web_sessions import session_user

    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    creds = _basic(request)
    caller: Caller | None = None
    if creds is not None:
        user = _basic_user(request, *creds)
        if user is None:
            raise HTTPException(401, GENERIC_LOGIN_ERROR, {"WWW-Authenticate": 'Basic realm="tradewind"'})
        caller = Caller(user, "basic")
    else:
        data = read_session(request.cookies.get(COOKIE))
        if data is not None:
            sid = session_id(data["s"])
            user = session_user(sid)
            if user is not None and user.active and hmac.compare_digest(str(data.get("p", "")), _fingerprint(user)):
                caller = Caller(user, "session", data.get("c"), sid)
    request.state.caller = caller
    return caller


async def check_csrf(request: Request, caller: Caller) -> None:
    if request.method in SAFE_METHODS or caller.via != "session":
        return
    token = request.headers.get("x-csrf-token")
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        token = value if isinstance(value, str) else None
    if not token or not caller.csrf or not hmac.compare_digest(token, caller.csrf):
        raise HTTPException(403, "missing or wrong CSRF token")


class LoginRequired(Exception):
    """A UI page was asked for without a session: the app answers with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


async def _resolve_off_loop(request: Request) -> Caller | None:
    """`resolve` in a worker thread: it queries the database and may verify an argon2 hash (~50 ms),
    which on the event loop would stall every other request meanwhile."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(resolve, request)


class ApiUser:
    """A FastAPI dependency: the caller, or 401 (anonymous) / 403 (not allowed) as JSON.

    A class, not a closure, so that the OpenAPI document can tell which operations need a login.
    """

    def __init__(self, permission: str) -> None:
        self.permission = permission

    async def __call__(self, request: Request) -> Caller:
        caller = await _resolve_off_loop(request)
        if caller is None:
            raise HTTPException(401, "not authenticated", {"WWW-Authenticate": 'Basic realm="tradewind"'})
        if not caller.can(self.permission):
            raise HTTPException(403, f"your role(s) {', '.join(caller.user.roles) or '(none)'} may not do this")
        await check_csrf(request, caller)
        set_actor_for(request, caller.user)
        return caller


def api_user(permission: str) -> ApiUser:
    """The dependency of an API route that needs `permission` (`ui_user` is the pages' one)."""
    return ApiUser(permission)


def ui_user(permission: str | None) -> Any:
    """A FastAPI dependency for pages: redirect to the login page when anonymous, 403 when not allowed.

    `None` asks only for a signed-in user (signing out must work whatever the roles)."""

    async def dependency(request: Request) -> Caller:
        caller = await _resolve_off_loop(request)
        if caller is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(quote(target, safe=""))
        if permission is not None and not caller.can(permission):
            raise HTTPException(403, "You do not have permission to do this.")
        await check_csrf(request, caller)
        set_actor_for(request, caller.user)
        return caller

    return dependency
