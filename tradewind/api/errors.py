"""Every error as JSON `{"title", "status", "detail"}` (Airflow's problem shape) with the right 4xx,
and a cap on request bodies.

UI pages (paths outside /api) get the same status with a small HTML page instead.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradewind.exceptions import (
    DagRunAlreadyExists,
    DatabaseError,
    NotFound,
    ParamValidationError,
    StateConflict,
    TradewindException,
    UsageError,
    UserAlreadyExists,
)

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024


def _status_of(exc: TradewindException) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, (DagRunAlreadyExists, UserAlreadyExists, StateConflict)):
        return 409
    if isinstance(exc, (UsageError, ParamValidationError)):
        return 400
    if isinstance(exc, DatabaseError):  # unreachable or locked: try again later, not a bug of ours
        return 503
    return 400 if isinstance(exc, (ValueError,)) else 500


def _validation_reason(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "request body is not valid JSON"
    parts = []
    for e in errors[:5]:
        where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return 400, "; ".join(parts) or "invalid request"


def check_same_as_url(field: str, in_body: str, in_url: str) -> None:
    """A PATCH body names its object too; naming another one is a 400, never a rename."""
    if in_body != in_url:
        raise UsageError(f"the {field} in the body does not match the URL")


PROBLEM_TYPES = {
    400: "BadRequest",
    401: "Unauthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    409: "AlreadyExists",
    500: "Unknown",
}
DOCS = "https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/"


def problem(status: int, detail: str, instance: str | None = None) -> dict[str, Any]:
    """The JSON body of an error, Airflow's: type (its docs' section), title, status, detail, instance."""
    from http import HTTPStatus

    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": DOCS + PROBLEM_TYPES.get(status, title.replace(" ", ""))}
    body.update({"title": title, "status": status, "detail": detail})
    if instance is not None:
        body["instance"] = instance
    return body


def error_response(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse(problem(status, detail, request.url.path), status, headers=headers)
    from tradewind.ui.render import error_page

    return error_page(request, status, detail, headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        status, reason = _validation_reason(exc)
        return error_response(request, status, reason)

    @app.exception_handler(TradewindException)
    async def _tradewind(request: Request, exc: TradewindException) -> Response:
        return error_response(request, _status_of(exc), str(exc))

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> Response:
        return error_response(request, 400, f"a value is out of range: {exc}")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal error (see the webserver log)")


class BodyLimit:
    """Pure ASGI middleware: 413 for a declared or streamed body over `limit` bytes.

    The body (at most `limit` bytes) is read here and replayed to the app, so an oversized chunked
    upload is refused before any route or parser sees it.
    """

    def __init__(self, app: Any, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._reject(send, 413 if declared.isdigit() else 400, scope.get("path"))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._reject(send, 413, scope.get("path"))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Any, status: int, path: str | None) -> None:
        import json

        detail = f"request body too large ({self.limit} bytes at most)" if status == 413 else "bad Content-Length"
        body = json.dumps(problem(status, detail, path)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
