"""What the server is and holds: /config, /plugins, /providers, /dagStats, /dagWarnings, /roles, /permissions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response

from tradewind.api.openapi import errors
from tradewind.api.pagination import Limit, Offset, order_records
from tradewind.api.security import Caller, api_user
from tradewind.exceptions import NotFound, UsageError
from tradewind.permissions import MANAGE_USERS, READ_CONFIG, READ_DAGS, ROLE_PERMISSIONS, ROLES

router = APIRouter()
Reader = Annotated[Caller, Depends(api_user(READ_DAGS))]
Admin = Annotated[Caller, Depends(api_user(MANAGE_USERS))]
ConfigReader = Annotated[Caller, Depends(api_user(READ_CONFIG))]
SENSITIVE = ("secret_key", "fernet_key", "sql_alchemy_conn", "password", "broker_url", "result_backend")


# --- config -------------------------------------------------------------------------------------
def _config(section: str | None = None, option: str | None = None) -> dict[str, Any]:
    from fastapi import HTTPException

    from tradewind.config import conf

    mode = str(conf.get("webserver", "expose_config", fallback=False)).strip().lower()
    if mode in ("false", "0", "no", "off", ""):
        raise HTTPException(403, "Your Tradewind administrator chose not to expose the configuration "
                                 "([webserver] expose_config)")  # fmt: skip
    hide = mode == "non-sensitive-only"
    values = conf.as_dict()
    if section is not None and section not in values:
        raise NotFound(f"section '{section}' not found")
    if option is not None and option not in values.get(section or "", {}):
        raise NotFound(f"option '{option}' not found in section '{section}'")
    out = []
    for name, options in sorted(values.items()):
        if section is not None and name != section:
            continue
        items = [
            {"key": k, "value": "< hidden >" if hide and any(s in k for s in SENSITIVE) else str(v)}
            for k, v in sorted(options.items())
            if option is None or k == option
        ]
        out.append({"name": name, "options": items})
    return {"sections": out}


def _config_response(request: Request, body: dict[str, Any]) -> Any:
    if "application/json" in request.headers.get("accept", "") or "text/plain" not in request.headers.get("accept", ""):
        return body
    lines = []
    for section in body["sections"]:
        lines.append(f"[{section['name']}]")
        lines += [f"{o['key']} = {o['value']}" for o in section["options"]]
        lines.append("")
    return PlainTextResponse("\n".join(lines))


@router.get("/config", operation_id="get_config", tags=["Config"], responses=errors(404))
def get_config(request: Request, _: ConfigReader, section: str | None = None) -> Any:
    """The effective configuration (Op, Admin), when `[webserver] expose_config` allows it (Airflow's rule)."""
    return _config_response(request, _config(section))


@router.get("/config/section/{section}/option/{option}", operation_id="get_value", tags=["Config"],
            responses=errors(404))  # fmt: skip
def get_value(request: Request, section: str, option: str, _: ConfigReader) -> Any:
    return _config_response(request, _config(section, option))


# --- plugins, providers -------------------------------------------------------------------------
@router.get("/plugins", operation_id="get_plugins", tags=["Plugin"])
def get_plugins(_: Reader, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """The plugins of `[core] plugins_folder`, as Airflow's PluginCollection (see compat/airflow/plugin_info.py)."""
    from tradewind.compat.airflow.plugin_info import plugin_info

    infos = plugin_info()
    return {"plugins": infos[offset : offset + limit], "total_entries": len(infos)}


@router.get("/providers", operation_id="get_providers", tags=["Provider"])
def get_providers(_: Reader) -> dict[str, Any]:
    """The providers Tradewind ships, under the names of Airflow's provider packages."""
    from tradewind import __version__
    from tradewind.providers.registry import providers

    items = [
        {
            "package_name": f"apache-airflow-providers-{p.name.replace('.', '-')}",
            "description": f"{p.name} (tradewind: {p.package}"
            + (f", pip install 'tradewind[{p.extra}]'" if p.extra else "")
            + ")",
            "version": __version__,
        }
        for p in providers()
    ]
    return {"providers": items, "total_entries": len(items)}


# --- dag stats, warnings ------------------------------------------------------------------------
@router.get("/dagStats", operation_id="get_dag_stats", tags=["DagStats"])
def dag_stats(_: Reader, dag_ids: str) -> dict[str, Any]:
    """Runs per state of each of the comma-separated `dag_ids` (every state listed, 0 included)."""
    from tradewind.states import DagRunState
    from tradewind.store.api_queries import run_state_counts

    ids = list(dict.fromkeys(d.strip() for d in dag_ids.split(",") if d.strip()))
    if not ids:
        raise UsageError("dag_ids: give one or more DAG ids, comma-separated")
    counts = run_state_counts(ids)
    dags = [
        {"dag_id": d, "stats": [{"state": s.value, "count": counts[d].get(s.value, 0)} for s in DagRunState]}
        for d in ids
    ]
    return {"dags": dags, "total_entries": len(dags)}


@router.get("/dagWarnings", operation_id="get_dag_warnings", tags=["DagWarning"])
def dag_warnings(
    _: Reader,
    dag_id: str | None = None,
    warning_type: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
    order_by: str = "timestamp",
) -> dict[str, Any]:
    """Airflow's DAG warnings (a DAG naming a pool that does not exist): checked now against the stored DAGs."""
    from tradewind.store.api_queries import serialized_many
    from tradewind.store.dags import list_dags
    from tradewind.store.pools import list_pools

    if warning_type not in (None, "non-existent pool"):
        raise UsageError(f"warning_type {warning_type!r}: the only type is 'non-existent pool'")
    pools = {p.pool for p in list_pools()}
    records = [d for d in list_dags() if dag_id is None or d.dag_id == dag_id]
    data = serialized_many([d.dag_id for d in records])
    found = []
    for d in records:
        missing = sorted({t.get("pool") for t in data.get(d.dag_id, {}).get("tasks", [])} - pools - {None})
        if missing:
            found.append(
                {
                    "dag_id": d.dag_id,
                    "warning_type": "non-existent pool",
                    "message": f"Dag '{d.dag_id}' references non-existent pools: {missing!r}",
                    "timestamp": (d.last_parsed_time.isoformat() if d.last_parsed_time else ""),
                }
            )
    key = order_by.lstrip("-")
    if key not in ("timestamp", "dag_id", "warning_type", "message"):
        raise UsageError(f"order_by {order_by!r}: sort by timestamp, dag_id, warning_type or message")
    found.sort(key=lambda w: w[key], reverse=order_by.startswith("-"))
    return {"import_errors": found[offset : offset + limit], "total_entries": len(found)}


# --- roles and permissions ----------------------------------------------------------------------
# Tradewind's permissions as Airflow's (action, resource) pairs, so a client sees familiar names.
AIRFLOW_NAMES: dict[str, list[tuple[str, str]]] = {
    "dags.read": [("can_read", r) for r in ("DAGs", "DAG Runs", "Task Instances", "Task Logs", "XComs",
                                            "ImportError", "Datasets", "Audit Logs", "DAG Code")]
    + [("can_read", "Pools")],
    "dags.edit": [(a, r) for r in ("DAGs", "DAG Runs", "Task Instances") for a in ("can_edit", "can_create", "can_delete")],
    "pools.read": [("can_read", "Pools")],
    "pools.edit": [(a, "Pools") for a in ("can_create", "can_edit", "can_delete")],
    "variables.read": [("can_read", "Variables")],
    "variables.edit": [(a, "Variables") for a in ("can_create", "can_edit", "can_delete")],
    "connections.read": [("can_read", "Connections")],
    "connections.edit": [(a, "Connections") for a in ("can_create", "can_edit", "can_delete")],
    "users.manage": [(a, r) for r in ("Users", "Roles") for a in ("can_read", "can_create", "can_edit", "can_delete")],
    "config.read": [("can_read", "Configurations")],
}  # fmt: skip


def _role(name: str) -> dict[str, Any]:
    pairs = sorted({p for perm in ROLE_PERMISSIONS[name] for p in AIRFLOW_NAMES.get(perm, [])})
    return {"name": name, "actions": [{"action": {"name": a}, "resource": {"name": r}} for a, r in pairs]}


@router.get("/roles", operation_id="get_roles", tags=["Role"])
def get_roles(_: Admin, limit: Limit = 100, offset: Offset = 0, order_by: str = "name") -> dict[str, Any]:
    """Tradewind's four built-in roles (Airflow's defaults) with what each may do."""
    names = order_records([type("R", (), {"name": n})() for n in ROLES], order_by, {"name"})
    shown = [_role(r.name) for r in names][offset : offset + limit]
    return {"roles": shown, "total_entries": len(ROLES)}


@router.get("/roles/{role_name}", operation_id="get_role", tags=["Role"], responses=errors(404))
def get_role(role_name: str, _: Admin) -> dict[str, Any]:
    from tradewind.permissions import canonical_role

    name = canonical_role(role_name)
    if name is None:
        raise NotFound(f"role '{role_name}' not found")
    return _role(name)


def _fixed_roles() -> Response:
    from fastapi import HTTPException

    raise HTTPException(
        400, "Tradewind's roles are fixed (Admin, Op, User, Viewer, as Airflow's defaults): "
             "give users these roles instead of defining new ones"
    )  # fmt: skip


@router.post("/roles", operation_id="post_role", tags=["Role"], responses=errors(400))
def post_role(_: Admin) -> Response:
    return _fixed_roles()


@router.patch("/roles/{role_name}", operation_id="patch_role", tags=["Role"], responses=errors(400, 404))
def patch_role(role_name: str, _: Admin, update_mask: Annotated[list[str] | None, Query()] = None) -> Response:
    get_role(role_name, _)
    return _fixed_roles()


@router.delete("/roles/{role_name}", operation_id="delete_role", tags=["Role"], responses=errors(400, 404))
def delete_role(role_name: str, _: Admin) -> Response:
    get_role(role_name, _)
    return _fixed_roles()


@router.get("/permissions", operation_id="get_permissions", tags=["Permission"])
def get_permissions(_: Admin, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    names = sorted({a for pairs in AIRFLOW_NAMES.values() for a, _r in pairs})
    return {"actions": [{"name": n} for n in names[offset : offset + limit]], "total_entries": len(names)}
