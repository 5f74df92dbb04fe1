"""`airflow.plugins_manager.AirflowPlugin`: a base class DAG files and shared modules can subclass.

A plugin class registers, when the class is created, its `macros` under `macros.<plugin name>` as
on Airflow (`{{ macros.my_plugin.days_to_go(ds) }}`), its `listeners` (see `tradewind.listeners`,
which imports the files of `[core] plugins_folder`) and its `timetables` (usable as
`schedule=MyTimetable()` when the plugin is in `[core] plugins_folder`, where the scheduler finds
them; see `tradewind.timetables.custom`). Its other lists (operators, hooks, views…) are accepted,
listed by `tradewind plugins` and `/api/v1/plugins`, and otherwise ignored: DAG files use such
classes by importing them directly.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

from tradewind.exceptions import DagDefinitionError


class AirflowPlugin:
    """Subclass with `name` and, optionally, `macros`; see the module docstring for what is used."""

    name: ClassVar[str | None] = None
    macros: ClassVar[list[Any]] = []
    operators: ClassVar[list[Any]] = []
    sensors: ClassVar[list[Any]] = []
    hooks: ClassVar[list[Any]] = []
    executors: ClassVar[list[Any]] = []
    timetables: ClassVar[list[Any]] = []
    listeners: ClassVar[list[Any]] = []
    flask_blueprints: ClassVar[list[Any]] = []
    appbuilder_views: ClassVar[list[Any]] = []
    appbuilder_menu_items: ClassVar[list[Any]] = []
    fastapi_apps: ClassVar[list[Any]] = []
    global_operator_extra_links: ClassVar[list[Any]] = []
    operator_extra_links: ClassVar[list[Any]] = []
    ti_deps: ClassVar[list[Any]] = []
    priority_weight_strategies: ClassVar[list[Any]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            _defined.append(cls)
        if cls.macros:
            cls.validate()
            from tradewind.runtime import macros

            setattr(macros, str(cls.name), SimpleNamespace(**{m.__name__: m for m in cls.macros}))
        if cls.listeners:
            cls.validate()
            from tradewind import listeners

            listeners.register_plugin(str(cls.name), cls.listeners)
        if cls.timetables:
            cls.validate()
            from tradewind.timetables import custom

            for timetable_class in cls.timetables:
                custom.register(timetable_class, cls.__module__)

    @classmethod
    def validate(cls) -> None:
        if not cls.name:
            raise DagDefinitionError(f"plugin {cls.__name__} needs a name")

    @classmethod
    def on_load(cls, *args: Any, **kwargs: Any) -> None:
        """Called once when the plugin is loaded from `[core] plugins_folder` (as Airflow does); override it."""


_defined: list[type[AirflowPlugin]] = []
"""Every named plugin class defined in this process, in order (those of plugin files among them)."""


def defined_in(module: str) -> list[type[AirflowPlugin]]:
    """The named plugin classes a module defined (a plugin file: what to call `on_load` on, what to list)."""
    return [cls for cls in _defined if cls.__module__ == module]
