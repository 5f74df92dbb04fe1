"""Users: create, edit, delete, give or take a role, reset a password, sign out everywhere — each
recorded in the audit log (the store checks names, roles and existence)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradewind.actions import audit

if TYPE_CHECKING:
    from tradewind.store.users import UserRecord


def create_user(
    username: str, first_name: str, last_name: str, email: str, roles: list[str], password: str
) -> UserRecord:
    from tradewind.store import users

    record = users.create_user(username, first_name, last_name, email, roles, password)
    audit.record("user.create", username=record.username, roles=list(record.roles))
    return record


def update_user(
    username: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    active: bool | None = None,
    roles: list[str] | None = None,
    password: str | None = None,
) -> UserRecord:
    """Change what is given (None keeps a field); a new password or new roles end the user's sessions."""
    from tradewind.store import users

    record = users.update_user(username, first_name=first_name, last_name=last_name, email=email, active=active)
    if roles is not None:
        record = users.set_roles(username, roles)
    if password:
        record = users.set_password(username, password)
    changed = [
        name
        for name, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("email", email),
            ("active", active),
            ("roles", roles),
            ("password", password),
        )
        if value is not None
    ]
    audit.record("user.edit", username=username, changed=changed, roles=list(record.roles))
    return record


def delete_user(username: str) -> None:
    from tradewind.store import users

    users.delete_user(username)
    audit.record("user.delete", username=username)


def add_role(username: str, role: str) -> UserRecord:
    from tradewind.store import users

    record = users.add_role(username, role)
    audit.record("user.add_role", username=username, role=users.check_role(role))
    return record


def remove_role(username: str, role: str) -> UserRecord:
    from tradewind.store import users

    record = users.remove_role(username, role)
    audit.record("user.remove_role", username=username, role=users.check_role(role))
    return record


def reset_password(username: str, password: str) -> UserRecord:
    from tradewind.store import users

    record = users.set_password(username, password)
    audit.record("user.reset_password", username=username)
    return record


def end_sessions(username: str) -> int:
    """Sign the user out of the web UI everywhere; how many sessions ended."""
    from tradewind.store.web_sessions import end_user_sessions

    ended = end_user_sessions(username)
    audit.record("logout_everywhere", username=username, sessions=ended)
    return ended


def set_roles(username: str, roles: list[str]) -> UserRecord:
    """Replace the user's roles (their sessions end: the session fingerprint covers the roles)."""
    from tradewind.store import users

    record = users.set_roles(username, roles)
    audit.record("user.set_roles", username=username, roles=list(record.roles))
    return record
