"""Admin pages: variables and connections (Op, Admin), pools (all read, Op edits), users (Admin).

Connection passwords are never sent back to the browser; leaving the field empty keeps the stored one.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tradewind.actions import connections, pools, variables
from tradewind.api.security import Caller, ui_user
from tradewind.permissions import (
    EDIT_CONNECTIONS,
    EDIT_POOLS,
    EDIT_VARIABLES,
    MANAGE_USERS,
    READ_CONNECTIONS,
    READ_POOLS,
    READ_VARIABLES,
    ROLES,
)
from tradewind.ui.render import act, page, redirect

router = APIRouter(prefix="/admin")
Text = Annotated[str, Form(max_length=65536)]
Short = Annotated[str, Form(max_length=512)]


# --- variables ----------------------------------------------------------------------------------
@router.get("/variables")
def variables_page(request: Request, caller: Annotated[Caller, Depends(ui_user(READ_VARIABLES))]) -> Response:
    from tradewind.store.variables import list_variables

    return page(request, "admin_variables.html", caller, variables=list_variables(), section="variables")


@router.post("/variables")
def variable_save(
    _: Annotated[Caller, Depends(ui_user(EDIT_VARIABLES))], key: Short, val: Text = "", description: Text = ""
) -> Response:
    return act("/admin/variables", f"Variable {key} saved", variables.save_variable, key, val, description or None)


@router.post("/variables/delete")
def variable_delete(_: Annotated[Caller, Depends(ui_user(EDIT_VARIABLES))], key: Short) -> Response:
    return act("/admin/variables", f"Variable {key} deleted", variables.delete_variable, key)


# --- pools --------------------------------------------------------------------------------------
@router.get("/pools")
def pools_page(request: Request, caller: Annotated[Caller, Depends(ui_user(READ_POOLS))]) -> Response:
    from tradewind.store.pools import list_pools
    from tradewind.store.ui_queries import pool_occupancy

    return page(request, "admin_pools.html", caller, pools=list_pools(), used=pool_occupancy(), section="pools")


@router.post("/pools")
def pool_save(
    _: Annotated[Caller, Depends(ui_user(EDIT_POOLS))], name: Short, slots: Short, description: Text = ""
) -> Response:
    return act("/admin/pools", f"Pool {name} saved", pools.save_pool, name, slots, description or None)


@router.post("/pools/delete")
def pool_delete(_: Annotated[Caller, Depends(ui_user(EDIT_POOLS))], name: Short) -> Response:
    return act("/admin/pools", f"Pool {name} deleted", pools.delete_pool, name)


# --- connections --------------------------------------------------------------------------------
#: types every install has, shown with all the standard fields (providers add theirs from the registry)
GENERIC_TYPES = (("generic", "Generic"), ("smtp", "SMTP (email)"), ("fs", "File (path)"))
OTHER_TYPE = "__other__"


def connection_type_choices() -> list[dict[str, Any]]:
    """The form's type dropdown: every provider's types (fields, labels, placeholders), then the generic ones."""
    from dataclasses import asdict

    from tradewind.providers.registry import connection_types

    choices = [
        {
            "conn_type": c.conn_type,
            "label": c.label,
            "fields": [asdict(f) for f in c.fields],
            "testable": bool(c.tester),
        }
        for c in sorted(connection_types().values(), key=lambda c: c.label.lower())
    ]
    return choices + [{"conn_type": t, "label": label, "fields": None, "testable": False} for t, label in GENERIC_TYPES]


async def extra_fields(request: Request) -> dict[str, str]:
    """The form's `extra__<key>` inputs (a type's own fields), non-empty ones, as `{key: value}`."""
    form = await request.form()
    return {
        name.removeprefix("extra__"): value.strip()
        for name, value in form.items()
        if name.startswith("extra__") and isinstance(value, str) and value.strip()
    }


def _form_connection(conn_type: str, conn_type_other: str, extras: dict[str, str], **fields: str) -> dict[str, Any]:
    """The connection the form describes: the chosen (or typed) type, the fields, `extra__*` inputs merged into extra."""
    chosen = (conn_type_other if conn_type == OTHER_TYPE else conn_type).strip()
    extra = fields.get("extra", "").strip()
    if extras:
        try:
            merged = json.loads(extra) if extra else {}
        except json.JSONDecodeError:
            merged = None  # save_connection reports the bad JSON
        if isinstance(merged, dict):
            merged.update({k: _typed(v) for k, v in extras.items()})
            extra = json.dumps(merged)
    return {
        "conn_type": chosen,
        "host": fields.get("host") or None,
        "login": fields.get("login") or None,
        "password": fields.get("password") or None,
        "schema": fields.get("schema") or None,
        "port": fields.get("port", "").strip() or None,
        "extra": extra or None,
        "description": fields.get("description") or None,
    }


def _typed(value: str) -> Any:
    """`true`/`false` from a text input as JSON booleans (flags such as `passive`), anything else as typed."""
    return {"true": True, "false": False}.get(value.lower(), value)


@router.get("/connections")
def connections_page(request: Request, caller: Annotated[Caller, Depends(ui_user(READ_CONNECTIONS))]) -> Response:
    from tradewind.store.connections import list_connections

    return page(
        request,
        "admin_connections.html",
        caller,
        connections=list_connections(),
        conn_types=connection_type_choices(),
        other_type=OTHER_TYPE,
        section="connections",
    )


@router.post("/connections")
def connection_save(
    _: Annotated[Caller, Depends(ui_user(EDIT_CONNECTIONS))],
    extras: Annotated[dict[str, str], Depends(extra_fields)],
    conn_id: Short,
    conn_type: Short,
    conn_type_other: Short = "",
    host: Short = "",
    login: Short = "",
    password: Short = "",
    schema_: Annotated[str, Form(alias="schema", max_length=512)] = "",
    port: Short = "",
    extra: Text = "",
    description: Text = "",
) -> Response:
    fields = _form_connection(
        conn_type,
        conn_type_other,
        extras,
        host=host,
        login=login,
        password=password,
        schema=schema_,
        port=port,
        extra=extra,
        description=description,
    )
    return act("/admin/connections", f"Connection {conn_id} saved", connections.save_connection, conn_id, fields)


@router.post("/connections/test")
def connection_test(
    _: Annotated[Caller, Depends(ui_user(EDIT_CONNECTIONS))],
    extras: Annotated[dict[str, str], Depends(extra_fields)],
    conn_type: Short,
    conn_id: Short = "",
    conn_type_other: Short = "",
    host: Short = "",
    login: Short = "",
    password: Short = "",
    schema_: Annotated[str, Form(alias="schema", max_length=512)] = "",
    port: Short = "",
    extra: Text = "",
) -> Response:
    """The form's connection, tested as filled in (an empty password: the stored one of that conn id). JSON."""
    from fastapi.responses import JSONResponse

    from tradewind.exceptions import TradewindException

    if not connections.web_testing_enabled():
        message = "Testing connections is disabled in the Tradewind configuration ([core] test_connection)"
        return JSONResponse({"ok": False, "message": message}, status_code=403)
    fields = _form_connection(
        conn_type,
        conn_type_other,
        extras,
        host=host,
        login=login,
        password=password,
        schema=schema_,
        port=port,
        extra=extra,
    )
    try:
        ok, message = connections.test_connection_fields(conn_id.strip() or None, fields)
    except TradewindException as exc:
        return JSONResponse({"ok": False, "message": str(exc)}, status_code=400)
    return JSONResponse({"ok": ok, "message": message})


@router.post("/connections/delete")
def connection_delete(_: Annotated[Caller, Depends(ui_user(EDIT_CONNECTIONS))], conn_id: Short) -> Response:
    return act("/admin/connections", f"Connection {conn_id} deleted", connections.delete_connection, conn_id)


# --- users --------------------------------------------------------------------------------------
@router.get("/users")
def users_page(request: Request, caller: Annotated[Caller, Depends(ui_user(MANAGE_USERS))]) -> Response:
    from tradewind.store.users import list_users

    return page(request, "admin_users.html", caller, users=list_users(), roles=ROLES, section="users")


@router.post("/users")
def user_create(
    _: Annotated[Caller, Depends(ui_user(MANAGE_USERS))],
    username: Short,
    first_name: Short,
    last_name: Short,
    email: Short,
    role: Short,
    password: Short,
) -> Response:
    from tradewind.actions.users import create_user

    return act(
        "/admin/users",
        f"User {username} created",
        create_user,
        username,
        first_name,
        last_name,
        email,
        [role],
        password,
    )


@router.post("/users/roles")
def user_roles(
    request: Request,
    _: Annotated[Caller, Depends(ui_user(MANAGE_USERS))],
    username: Short,
    roles: Annotated[list[str], Form()],
) -> Response:
    from tradewind.actions.users import set_roles

    return act("/admin/users", f"Roles of {username} saved", set_roles, username, roles)


@router.post("/users/password")
def user_password(_: Annotated[Caller, Depends(ui_user(MANAGE_USERS))], username: Short, password: Short) -> Response:
    from tradewind.actions.users import reset_password as set_password

    return act("/admin/users", f"Password of {username} changed", set_password, username, password)


@router.post("/users/delete")
def user_delete(caller: Annotated[Caller, Depends(ui_user(MANAGE_USERS))], username: Short) -> Response:
    from tradewind.actions.users import delete_user

    if username == caller.user.username:
        return redirect("/admin/users", "Error: you cannot delete yourself")
    return act("/admin/users", f"User {username} deleted", delete_user, username)
