"""Roles and what each may do, written down once: the REST API and the web UI both ask `allowed()`.

Airflow's split: Viewer reads everything but secrets (variables, connections); User also triggers,
clears, marks, pauses and deletes runs; Op also manages connections, variables and pools; Admin also
manages users. Imports nothing, so anything may import it.
"""

from __future__ import annotations

from collections.abc import Iterable

READ_DAGS = "dags.read"
EDIT_DAGS = "dags.edit"  # pause, trigger, clear, mark, set task state, delete run
READ_POOLS = "pools.read"
EDIT_POOLS = "pools.edit"
READ_VARIABLES = "variables.read"
EDIT_VARIABLES = "variables.edit"
READ_CONNECTIONS = "connections.read"
EDIT_CONNECTIONS = "connections.edit"
MANAGE_USERS = "users.manage"
READ_CONFIG = "config.read"  # GET /api/v1/config (when [webserver] expose_config allows it), as Airflow's Op

_VIEWER = frozenset({READ_DAGS, READ_POOLS})
_USER = _VIEWER | {EDIT_DAGS}
_OP = _USER | {EDIT_POOLS, READ_VARIABLES, EDIT_VARIABLES, READ_CONNECTIONS, EDIT_CONNECTIONS, READ_CONFIG}
_ADMIN = _OP | {MANAGE_USERS}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {"Admin": _ADMIN, "Op": _OP, "User": _USER, "Viewer": _VIEWER}
ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)


def canonical_role(name: str) -> str | None:
    """'admin' → 'Admin'; None for a role that does not exist."""
    for role in ROLES:
        if role.lower() == str(name).strip().lower():
            return role
    return None


def permissions_of(roles: Iterable[str]) -> frozenset[str]:
    result: frozenset[str] = frozenset()
    for role in roles:
        result |= ROLE_PERMISSIONS.get(role, frozenset())
    return result


def allowed(roles: Iterable[str], permission: str) -> bool:
    return permission in permissions_of(roles)
