"""/variables, /pools and /connections: Op and Admin edit them; connection passwords are write-only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from tradewind.actions import connections, pools, variables
from tradewind.api import serialize
from tradewind.api.errors import check_same_as_url
from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, page
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import ConnectionNotFound, NotFound
from tradewind.permissions import (
    EDIT_CONNECTIONS,
    EDIT_POOLS,
    EDIT_VARIABLES,
    READ_CONNECTIONS,
    READ_POOLS,
    READ_VARIABLES,
)

router = APIRouter()
VariableKey = Annotated[str, Path(alias="variable_key")]  # Airflow's path parameter names
PoolName = Annotated[str, Path(alias="pool_name")]
Mask = Annotated[list[str] | None, Query()]


def changed(body: BaseModel, update_mask: list[str] | None, allowed: set[str]) -> set[str]:
    """The fields a PATCH changes: those in `update_mask` (Airflow's), else those the body sent."""
    from tradewind.api.pagination import check_update_mask

    masked = check_update_mask(update_mask, allowed)
    return masked if masked is not None else set(body.model_fields_set)


# --- variables ----------------------------------------------------------------------------------
class VariableBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    key: str  # checked (trimmed, 1 to 250 characters) by the action, as for the UI and the CLI
    value: str
    description: str | None = None


@router.get("/variables", operation_id="get_variables", tags=["Variable"])
def list_variables(
    _: Annotated[Caller, Depends(api_user(READ_VARIABLES))], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    from tradewind.store.variables import list_variables as all_variables

    return page("variables", all_variables(), limit, offset, lambda v: serialize.variable(v, with_value=False))


@router.get("/variables/{variable_key}", operation_id="get_variable", tags=["Variable"], responses=errors(404))
def get_variable(key: VariableKey, _: Annotated[Caller, Depends(api_user(READ_VARIABLES))]) -> dict[str, Any]:
    from tradewind.store.variables import get_variable_record

    record = get_variable_record(key)
    if record is None:
        raise NotFound(f"variable '{key}' not found")
    return serialize.variable(record)


@router.post("/variables", operation_id="post_variables", tags=["Variable"])
def post_variable(body: VariableBody, _: Annotated[Caller, Depends(api_user(EDIT_VARIABLES))]) -> dict[str, Any]:
    return serialize.variable(variables.save_variable(body.key, body.value, body.description))


@router.patch("/variables/{variable_key}", operation_id="patch_variable", tags=["Variable"], responses=errors(404))
def patch_variable(
    key: VariableKey,
    body: VariableBody,
    _: Annotated[Caller, Depends(api_user(EDIT_VARIABLES))],
    update_mask: Mask = None,
) -> dict[str, Any]:
    """Change what the body (or `update_mask`) names; a description left out stays, as in Airflow."""
    from tradewind.store.variables import get_variable_record

    check_same_as_url("key", body.key, key)
    stored = get_variable_record(key)
    if stored is None:
        raise NotFound(f"variable '{key}' not found")
    new = changed(body, update_mask, {"value", "description"})
    value = body.value if "value" in new else (stored.val or "")
    description = body.description if "description" in new else stored.description
    return serialize.variable(variables.save_variable(key, value, description))


@router.delete(
    "/variables/{variable_key}",
    operation_id="delete_variable",
    status_code=204,
    tags=["Variable"],
    responses=errors(404),
)
def delete_variable(key: VariableKey, _: Annotated[Caller, Depends(api_user(EDIT_VARIABLES))]) -> Response:
    variables.delete_variable(key)
    return Response(status_code=204)


# --- pools --------------------------------------------------------------------------------------
class PoolBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str  # name and slots checked by actions.pools, as for the UI and the CLI
    slots: int
    description: str | None = None
    include_deferred: bool = False


@router.get("/pools", operation_id="get_pools", tags=["Pool"])
def list_pools(
    _: Annotated[Caller, Depends(api_user(READ_POOLS))], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    from tradewind.store.pools import list_pools as all_pools
    from tradewind.store.ui_queries import pool_occupancy

    used = pool_occupancy()
    return page("pools", all_pools(), limit, offset, lambda p: serialize.pool(p, used.get(p.pool)))


@router.get("/pools/{pool_name}", operation_id="get_pool", tags=["Pool"], responses=errors(404))
def get_pool(name: PoolName, _: Annotated[Caller, Depends(api_user(READ_POOLS))]) -> dict[str, Any]:
    from tradewind.store.pools import get_pool as get
    from tradewind.store.ui_queries import pool_occupancy

    record = get(name)
    if record is None:
        raise NotFound(f"pool '{name}' not found")
    return serialize.pool(record, pool_occupancy().get(name))


@router.post("/pools", operation_id="post_pool", tags=["Pool"])
def post_pool(body: PoolBody, _: Annotated[Caller, Depends(api_user(EDIT_POOLS))]) -> dict[str, Any]:
    from tradewind.store.ui_queries import pool_occupancy

    record = pools.save_pool(body.name, body.slots, body.description, include_deferred=body.include_deferred)
    return serialize.pool(record, pool_occupancy().get(record.pool))


@router.patch("/pools/{pool_name}", operation_id="patch_pool", tags=["Pool"], responses=errors(404))
def patch_pool(
    name: PoolName, body: PoolBody, _: Annotated[Caller, Depends(api_user(EDIT_POOLS))], update_mask: Mask = None
) -> dict[str, Any]:
    """Change what the body (or `update_mask`) names; the other fields stay, as in Airflow."""
    from tradewind.store.pools import get_pool as get
    from tradewind.store.ui_queries import pool_occupancy

    check_same_as_url("name", body.name, name)
    stored = get(name)
    if stored is None:
        raise NotFound(f"pool '{name}' not found")
    new = changed(body, update_mask, {"slots", "description", "include_deferred"})
    record = pools.save_pool(
        name,
        body.slots if "slots" in new else stored.slots,
        body.description if "description" in new else stored.description,
        include_deferred=body.include_deferred if "include_deferred" in new else stored.include_deferred,
    )
    return serialize.pool(record, pool_occupancy().get(name))


@router.delete(
    "/pools/{pool_name}", operation_id="delete_pool", status_code=204, tags=["Pool"], responses=errors(400, 404)
)
def delete_pool(name: PoolName, _: Annotated[Caller, Depends(api_user(EDIT_POOLS))]) -> Response:
    pools.delete_pool(name)
    return Response(status_code=204)


# --- connections --------------------------------------------------------------------------------
class ConnectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    connection_id: str  # every field checked by actions.connections, as for the UI and the CLI
    conn_type: str = Field(max_length=500)
    description: str | None = None
    host: str | None = None
    login: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    port: int | None = None
    password: str | None = None
    extra: str | None = None


def connection_fields(body: ConnectionBody) -> dict[str, Any]:
    """The store's fields from a body (checked and merged with the stored ones by `connections.save_connection`)."""
    return body.model_dump(by_alias=True, exclude={"connection_id"})


def _store() -> Any:
    from tradewind.store import connections

    return connections


@router.get("/connections", operation_id="get_connections", tags=["Connection"])
def list_connections(
    _: Annotated[Caller, Depends(api_user(READ_CONNECTIONS))], limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    return page("connections", _store().list_connections(), limit, offset, serialize.connection)


@router.post("/connections/test", tags=["Connection"], operation_id="test_connection", responses=errors(400, 403))
def test_connection(body: ConnectionBody, _: Annotated[Caller, Depends(api_user(EDIT_CONNECTIONS))]) -> dict[str, Any]:
    """Airflow's `POST /connections/test`: `{"status": ok, "message": one line}`, the connection saved or not, when
    `[core] test_connection` is Enabled. With the id of a stored connection, a missing password means the stored one.
    """
    if not connections.web_testing_enabled():
        raise HTTPException(
            403, "Testing connections is disabled in the Tradewind configuration ([core] test_connection)"
        )
    ok, message = connections.test_connection_fields(body.connection_id, connection_fields(body))
    return {"status": ok, "message": message}


@router.get("/connections/{connection_id}", operation_id="get_connection", tags=["Connection"], responses=errors(404))
def get_connection(connection_id: str, _: Annotated[Caller, Depends(api_user(READ_CONNECTIONS))]) -> dict[str, Any]:
    record = _store().get_connection(connection_id)
    if record is None:
        raise ConnectionNotFound(f"connection '{connection_id}' not found")
    return serialize.connection(record)


@router.post("/connections", operation_id="post_connection", tags=["Connection"], responses=errors(409))
def post_connection(body: ConnectionBody, _: Annotated[Caller, Depends(api_user(EDIT_CONNECTIONS))]) -> dict[str, Any]:
    record = connections.save_connection(body.connection_id, connection_fields(body), create_only=True)
    if record is None:
        raise HTTPException(409, f"connection '{body.connection_id}' already exists")
    return serialize.connection(record)


@router.patch(
    "/connections/{connection_id}", operation_id="patch_connection", tags=["Connection"], responses=errors(404)
)
def patch_connection(
    connection_id: str,
    body: ConnectionBody,
    _: Annotated[Caller, Depends(api_user(EDIT_CONNECTIONS))],
    update_mask: Mask = None,
) -> dict[str, Any]:
    """Change what the body (or `update_mask`) names; the other fields (the password too) stay."""
    check_same_as_url("connection_id", body.connection_id, connection_id)
    stored = _store().get_connection(connection_id)
    if stored is None:
        raise ConnectionNotFound(f"connection '{connection_id}' not found")
    fields = connection_fields(body)
    new = changed(body, update_mask, set(fields) | {"schema"})
    merged = {
        k: (v if k in new or (k == "schema" and "schema_" in new) else getattr(stored, k)) for k, v in fields.items()
    }
    return serialize.connection(connections.save_connection(connection_id, merged))


@router.delete(
    "/connections/{connection_id}",
    operation_id="delete_connection",
    status_code=204,
    tags=["Connection"],
    responses=errors(404),
)
def delete_connection(connection_id: str, _: Annotated[Caller, Depends(api_user(EDIT_CONNECTIONS))]) -> Response:
    connections.delete_connection(connection_id)
    return Response(status_code=204)
