"""What the plugins of `[core] plugins_folder` hold, in the shape of Airflow's `get_plugin_info()`.

`tradewind plugins` and `/api/v1/plugins` show it. As on Airflow, only plugin files are listed
(an AirflowPlugin subclass in a DAG file is not a loaded plugin), classes and callables by their
qualified names, extra links as `<qualname object>`, and `source` as `$PLUGINS_FOLDER/<file>`.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

ATTRIBUTES = (
    "hooks",
    "executors",
    "macros",
    "flask_blueprints",
    "appbuilder_views",
    "appbuilder_menu_items",
    "global_operator_extra_links",
    "operator_extra_links",
    "source",
    "ti_deps",
    "listeners",
    "timetables",
)
"""The fields of Airflow 2's PluginSchema (the REST API's and the Python client's), in its order."""


def qualname(obj: Any) -> str:
    """`module.Qualified.Name` of a class or function (of its class, for an instance)."""
    target = obj if inspect.isclass(obj) or inspect.isroutine(obj) else type(obj)
    return f"{target.__module__}.{target.__qualname__}"


def _dump(attr: str, values: list[Any]) -> list[Any]:
    if attr in ("global_operator_extra_links", "operator_extra_links"):
        return [f"<{qualname(v)} object>" for v in values]
    if attr == "listeners":
        return [v.__name__ if inspect.ismodule(v) else qualname(v) for v in values]
    if attr == "flask_blueprints":
        return [f"<{qualname(v)}: name={getattr(v, 'name', None)!r}>" for v in values]
    if attr in ("appbuilder_views", "appbuilder_menu_items"):
        return [
            {k: (qualname(x) if k == "view" else x) for k, x in v.items()}
            if isinstance(v, dict)
            else {"view": qualname(v)}
            for v in values
        ]
    return [qualname(v) if not isinstance(v, str) else v for v in values]


def plugin_info() -> list[dict[str, Any]]:
    """One dict per plugin loaded from `[core] plugins_folder`, in file order."""
    from tradewind.compat.airflow.plugins import defined_in
    from tradewind.config import conf
    from tradewind.listeners import plugin_files

    folder = Path(conf.getpath("core", "plugins_folder"))
    loaded, _ = plugin_files()
    out = []
    for module, path in loaded.items():
        for plugin in defined_in(module):
            info: dict[str, Any] = {"name": plugin.name}
            for attr in ATTRIBUTES:
                if attr == "source":
                    info[attr] = f"$PLUGINS_FOLDER/{path.relative_to(folder) if path.is_relative_to(folder) else path}"
                else:
                    info[attr] = _dump(attr, list(getattr(plugin, attr, [])))
            out.append(info)
    return out


def plugin_errors() -> dict[str, str]:
    """Plugin files that did not load, with the reason (file → one line)."""
    from tradewind.listeners import plugin_files

    return {str(path): reason for path, reason in plugin_files()[1].items()}
