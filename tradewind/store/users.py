"""Users of the web UI and REST API: create, list, change roles and passwords, check credentials.

Passwords are hashed with argon2 (pwdlib); the hash never leaves this module except inside a
record's `password_hash`, which is left out of its repr.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from tradewind.exceptions import NotFound, UsageError, UserAlreadyExists
from tradewind.permissions import ROLES, canonical_role
from tradewind.store.engine import session, transaction
from tradewind.store.models import ab_user
from tradewind.store.records import _Record
from tradewind.store.sql import utcnow


@dataclass(frozen=True, slots=True)
class UserRecord(_Record):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    active: bool
    created_on: datetime | None
    changed_on: datetime | None
    last_login: datetime | None
    login_count: int
    fail_login_count: int
    password_hash: str | None = field(default=None, repr=False)

    @classmethod
    def from_row(cls, row: Any) -> UserRecord:
        m = row._mapping
        return cls(
            id=m["id"],
            username=m["username"],
            first_name=m["first_name"],
            last_name=m["last_name"],
            email=m["email"],
            roles=list(m["roles"] or []),
            active=bool(m["active"]),
            created_on=m["created_on"],
            changed_on=m["changed_on"],
            last_login=m["last_login"],
            login_count=m["login_count"],
            fail_login_count=m["fail_login_count"],
            password_hash=m["password"],
        )


@lru_cache(maxsize=1)
def _hasher() -> Any:
    """argon2id with OWASP's m=19 MiB, t=2, p=1 (pwdlib's default takes 64 MiB per hash, which alone would
    double the webserver's memory during a login). Old hashes carry their own parameters and still verify."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))


@lru_cache(maxsize=1)
def _argon2_thread(pid: int) -> ThreadPoolExecutor:
    """The one thread of this process (`pid`: a forked child gets its own) that hashes and verifies passwords.

    One at a time bounds the memory; one thread keeps it bounded: glibc gives each thread its own malloc
    arena, and each arena kept the 19 MiB it had freed, so verifying on every request's own thread took the
    webserver from 66 to ~400 MB under 16 concurrent failed logins (bench/web.py's flood).
    """
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")


def _argon2(fn: Callable[..., Any], *args: Any) -> Any:
    return _argon2_thread(os.getpid()).submit(fn, *args).result()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return str(_argon2(_hasher().hash, "tradewind-no-such-user"))


def hash_password(password: str) -> str:
    if not isinstance(password, str) or not password:
        raise UsageError("the password must not be empty")
    return str(_argon2(_hasher().hash, password))


def check_role(role: str) -> str:
    name = canonical_role(role)
    if name is None:
        raise UsageError(f"unknown role '{role}' (roles: {', '.join(ROLES)})")
    return name


def _require(text: str, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"{what} must not be empty")
    if len(text) > 256:
        raise UsageError(f"{what} is too long (256 characters at most)")
    return text.strip()


def create_user(
    username: str, first_name: str, last_name: str, email: str, roles: list[str], password: str
) -> UserRecord:
    """Create a user; raises UsageError if the username is taken or a role is unknown."""
    username = _require(username, "username")
    names = [check_role(r) for r in roles] or ["Viewer"]
    now = utcnow()
    values = {
        "username": username,
        "first_name": _require(first_name, "first name"),
        "last_name": _require(last_name, "last name"),
        "email": _require(email, "email"),
        "password": hash_password(password),
        "roles": sorted(set(names), key=ROLES.index),
        "active": True,
        "created_on": now,
        "changed_on": now,
        "login_count": 0,
        "fail_login_count": 0,
    }
    with transaction() as conn:
        if conn.execute(sa.select(ab_user.c.id).where(ab_user.c.username == username)).first() is not None:
            raise UserAlreadyExists(f"user '{username}' already exists")
        row = conn.execute(sa.insert(ab_user).values(values).returning(*ab_user.c)).one()
    return UserRecord.from_row(row)


def get_user(username: str) -> UserRecord | None:
    with session() as conn:
        row = conn.execute(sa.select(ab_user).where(ab_user.c.username == username)).first()
    return UserRecord.from_row(row) if row is not None else None


def list_users() -> list[UserRecord]:
    with session() as conn:
        return [UserRecord.from_row(r) for r in conn.execute(sa.select(ab_user).order_by(ab_user.c.username))]


def count_users() -> int:
    with session() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(ab_user)).scalar_one())


def delete_user(username: str) -> None:
    with transaction() as conn:
        if conn.execute(sa.delete(ab_user).where(ab_user.c.username == username)).rowcount == 0:
            raise NotFound(f"user '{username}' does not exist")


def _update(username: str, **values: Any) -> UserRecord:
    values["changed_on"] = utcnow()
    with transaction() as conn:
        row = conn.execute(
            sa.update(ab_user).where(ab_user.c.username == username).values(values).returning(*ab_user.c)
        ).first()
    if row is None:
        raise NotFound(f"user '{username}' does not exist")
    return UserRecord.from_row(row)


def set_roles(username: str, roles: list[str]) -> UserRecord:
    names = sorted({check_role(r) for r in roles}, key=ROLES.index)
    return _update(username, roles=names)


def add_role(username: str, role: str) -> UserRecord:
    user = _existing(username)
    name = check_role(role)
    if name in user.roles:
        raise UsageError(f"user '{username}' already has the role '{name}'")
    return set_roles(username, [*user.roles, name])


def remove_role(username: str, role: str) -> UserRecord:
    user = _existing(username)
    name = check_role(role)
    if name not in user.roles:
        raise UsageError(f"user '{username}' does not have the role '{name}'")
    return set_roles(username, [r for r in user.roles if r != name])


def update_user(
    username: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    active: bool | None = None,
) -> UserRecord:
    values: dict[str, Any] = {}
    for key, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if value is not None:
            values[key] = _require(value, key.replace("_", " "))
    if active is not None:
        values["active"] = bool(active)
    return _update(username, **values)


def set_password(username: str, password: str) -> UserRecord:
    return _update(username, password=hash_password(password))


def _existing(username: str) -> UserRecord:
    user = get_user(username)
    if user is None:
        raise NotFound(f"user '{username}' does not exist")
    return user


def authenticate(username: str, password: str) -> UserRecord | None:
    """The active user these credentials belong to, or None; counts logins and failures.

    An unknown username still costs one hash verification, so timing does not tell which part was wrong.
    """
    user = get_user(username) if isinstance(username, str) and username else None
    hashed = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        ok = bool(_argon2(_hasher().verify, password or "", hashed))
    except Exception:  # noqa: BLE001 - a corrupt hash is a failed login, not a crash
        ok = False
    if user is None:
        return None
    if not ok or not user.active:
        with transaction() as conn:
            conn.execute(
                sa.update(ab_user)
                .where(ab_user.c.id == user.id)
                .values(fail_login_count=ab_user.c.fail_login_count + 1)
            )
        return None
    with transaction() as conn:
        row = conn.execute(
            sa.update(ab_user)
            .where(ab_user.c.id == user.id)
            .values(last_login=utcnow(), login_count=ab_user.c.login_count + 1, fail_login_count=0)
            .returning(*ab_user.c)
        ).one()
    return UserRecord.from_row(row)
