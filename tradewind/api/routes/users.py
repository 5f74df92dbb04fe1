"""/users: Admin only. Passwords are write-only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from tradewind.api import serialize
from tradewind.api.errors import check_same_as_url
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, page
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, UsageError
from tradewind.permissions import MANAGE_USERS

router = APIRouter(tags=["User"])
Admin = Annotated[Caller, Depends(api_user(MANAGE_USERS))]
Name = Field(min_length=1, max_length=256)


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str


class UserBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    username: str = Name
    first_name: str = Name
    last_name: str = Name
    email: str = Field(min_length=1, max_length=512)
    roles: list[Role] = Field(default_factory=list, max_length=10)
    password: str | None = Field(default=None, min_length=1, max_length=1024)
    active: bool | None = None


class NewUserBody(UserBody):
    """A new user needs a password (a PATCH may leave it out to keep the current one)."""

    password: str = Field(min_length=1, max_length=1024)


@router.get("/users", operation_id="get_users")
def list_users(_: Admin, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    from tradewind.store.users import list_users as all_users

    users = all_users()
    return page("users", users, limit, offset, serialize.user)


@router.get("/users/{username}", operation_id="get_user", responses=errors(404))
def get_user(username: str, _: Admin) -> dict[str, Any]:
    from tradewind.store.users import get_user as get

    user = get(username)
    if user is None:
        raise NotFound(f"user '{username}' not found")
    return serialize.user(user)


@router.post("/users", operation_id="post_user", responses=errors(409))
def post_user(body: NewUserBody, _: Admin) -> dict[str, Any]:
    from tradewind.actions.users import create_user

    return serialize.user(
        create_user(
            body.username, body.first_name, body.last_name, body.email, [r.name for r in body.roles], body.password
        )
    )


@router.patch("/users/{username}", operation_id="patch_user", responses=errors(404))
def patch_user(username: str, body: UserBody, _: Admin) -> dict[str, Any]:
    from tradewind.actions.users import update_user

    check_same_as_url("username", body.username, username)
    update_user(
        username,
        first_name=body.first_name,
        last_name=body.last_name,
        email=body.email,
        active=body.active,
        roles=[r.name for r in body.roles] if body.roles else None,
        password=body.password,
    )
    return get_user(username, _)


@router.delete("/users/{username}", operation_id="delete_user", status_code=204, responses=errors(400, 404))
def delete_user(username: str, caller: Admin) -> Response:
    from tradewind.actions.users import delete_user as delete

    if username == caller.user.username:
        raise UsageError("you cannot delete yourself")
    delete(username)
    return Response(status_code=204)


@router.delete(
    "/users/{username}/sessions", operation_id="delete_user_sessions", status_code=204, responses=errors(404)
)
def end_sessions(username: str, _: Admin) -> Response:
    """Sign the user out of the web UI everywhere (their basic credentials keep working: change the password)."""
    from tradewind.actions.users import end_sessions

    end_sessions(username)
    return Response(status_code=204)
