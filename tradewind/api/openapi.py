"""The OpenAPI document: FastAPI's, completed with what it cannot see by itself.

- how to authenticate: HTTP basic, or the UI's session cookie (plus its CSRF header for changes);
- the errors each operation really returns, all with one body (`Problem`): 400 for input that
  fails validation (never FastAPI's 422), 401/403/429 wherever a login is needed, 413 for bodies,
  and what a route declares itself with `responses=errors(404, 409)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from tradewind.api.errors import MAX_BODY
from tradewind.api.security import COOKIE, SAFE_METHODS, ApiUser

if TYPE_CHECKING:
    from fastapi.routing import APIRoute

BASIC, SESSION, CSRF = "Basic", "SessionCookie", "CsrfToken"
SCHEMES = {
    BASIC: {"type": "http", "scheme": "basic", "description": "A user's name and password."},
    SESSION: {
        "type": "apiKey",
        "in": "cookie",
        "name": COOKIE,
        "description": "The web UI's session cookie (sign in at /login).",
    },
    CSRF: {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRF-Token",
        "description": "The session's CSRF token (a UI page's `data-csrf`): every change made with the "
        "session cookie must carry it; HTTP basic needs none.",
    },
}
REASONS = {
    400: "Bad request: not JSON, a wrong type, a missing or unknown field, or a value out of range.",
    401: "Not authenticated, or wrong credentials (the same message for a wrong username or password).",
    403: "The caller's roles may not do this.",
    404: "Something the URL names does not exist.",
    409: "It exists already.",
    413: f"The request body is over {MAX_BODY} bytes.",
    429: "Too many failed logins for this username from this address: try again after `Retry-After` seconds.",
}


class Problem(BaseModel):
    """The body of every error (Airflow's `Error`, RFC 7807): `type` links Airflow's description of the
    error kind, `instance` is the path that answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the errors its own code raises (the rest are worked out from the route)."""
    return {code: {"model": Problem, "description": REASONS[code]} for code in codes}


def install(app: FastAPI, routers: Sequence[APIRouter], prefix: str) -> None:
    """Serve the completed document at the app's openapi_url (built once, on the first request).

    `routers` are the API's, included in `app` under `prefix`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            complete(FastAPI.openapi(app), routers, prefix)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def complete(doc: dict[str, Any], routers: Sequence[APIRouter], prefix: str) -> None:
    from fastapi.routing import APIRoute

    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema()
    doc["components"]["securitySchemes"] = SCHEMES
    for route in (r for router in routers for r in router.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        login = _needs_login(route)
        for method in route.methods or ():
            op = doc["paths"][prefix + route.path_format][method.lower()]
            responses = op["responses"]
            responses.pop("422", None)
            codes = {int(c) for c in responses if c.isdigit() and int(c) >= 400}
            if _may_be_invalid(op):
                codes.add(400)
            if "requestBody" in op:
                codes.add(413)
            csrf = login and method not in SAFE_METHODS
            if login:
                codes |= {401, 403, 429}
                op["security"] = [{BASIC: []}, {SESSION: [], CSRF: []} if csrf else {SESSION: []}]
            for code in sorted(codes):
                responses[str(code)] = _response(code, csrf=csrf)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _response(code: int, *, csrf: bool) -> dict[str, Any]:
    description = REASONS[code]
    if code == 403 and csrf:
        description = "The caller's roles may not do this, or the session cookie came without its X-CSRF-Token."
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if code == 429:
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
    return response


def _needs_login(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, ApiUser):
            return True
        stack.extend(dependency.dependencies)
    return False


_FREE_KEYS = {"title", "description", "default"}


def _may_be_invalid(op: dict[str, Any]) -> bool:
    """Whether some request to this operation fails validation: it has a body, a required query or header
    parameter, or a parameter that is not free text (a number, a bounded or enumerated value)."""
    if "requestBody" in op:
        return True
    return any(
        (p.get("required") and p["in"] != "path") or not _free_text(p.get("schema", {}))
        for p in op.get("parameters", [])
    )


def _free_text(schema: dict[str, Any]) -> bool:
    options = [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]
    return all(
        (o.get("type") == "string" and set(o) <= {"type"} | _FREE_KEYS)
        or (o.get("type") == "array" and set(o) <= {"type", "items"} | _FREE_KEYS and _free_text(o.get("items", {})))
        for o in options
    )
