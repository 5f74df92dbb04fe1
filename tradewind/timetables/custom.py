"""Timetables written against Airflow's `Timetable` class, registered by an AirflowPlugin.

Airflow lets a DAG say `schedule=AfterWorkdayTimetable()` when a plugin lists the class in its
`timetables`; the scheduler rebuilds it from the stored DAG by class name and `deserialize()`.
`PluginTimetable` wraps such an object in Tradewind's timetable contract: it passes Airflow's
keyword arguments with pendulum `DateTime`s (what Airflow's timetables compute with), and stores
`{"type": "plugin", "classpath": ..., "data": timetable.serialize()}`. The scheduler, which never
imports DAG files, finds the class again among the plugins of `[core] plugins_folder`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tradewind.exceptions import InvalidScheduleError
from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable

#: classpath → class, for each timetable a plugin listed; `from_folder` keeps the ones that a plugin
#: of `[core] plugins_folder` listed (the only ones a scheduler process can find again)
_registered: dict[str, type] = {}
_from_folder: set[str] = set()
_PLUGIN_MODULE_PREFIX = "tradewind_plugin_"  # the module names tradewind.listeners loads plugin files under


def classpath(cls: type) -> str:
    """`module.Class` as Airflow names it; a plugin file counts as the module named after the file."""
    module = cls.__module__.removeprefix(_PLUGIN_MODULE_PREFIX)
    return f"{module}.{cls.__qualname__}"


def register(timetable_class: type, plugin_module: str) -> None:
    """Record a timetable class a plugin (defined in `plugin_module`) lists in `timetables`."""
    key = classpath(timetable_class)
    _registered[key] = timetable_class
    if plugin_module.startswith(_PLUGIN_MODULE_PREFIX):
        _from_folder.add(key)


def is_airflow_timetable(schedule: Any) -> bool:
    """An object with Airflow's timetable methods that is not one of Tradewind's own timetables."""
    return (
        not isinstance(schedule, Timetable)
        and not isinstance(schedule, type)
        and callable(getattr(schedule, "next_dagrun_info", None))
        and callable(getattr(schedule, "infer_manual_data_interval", None))
    )


def _plugin_class(key: str) -> type:
    from tradewind.listeners import load_plugins

    load_plugins()
    if key not in _from_folder:
        raise InvalidScheduleError(
            f"timetable class {key!r} is not registered: list it in `timetables` of an AirflowPlugin "
            "in a file of [core] plugins_folder (the scheduler does not import DAG files)"
        )
    return _registered[key]


def _pendulum(value: datetime | None) -> Any:
    from tradewind.utils.timezone import convert_to_utc

    return convert_to_utc(value)


class PluginTimetable(Timetable):
    """An Airflow `Timetable` subclass's instance, used through Tradewind's timetable contract."""

    def __init__(self, timetable: Any) -> None:
        self.timetable = timetable
        self.key = classpath(type(timetable))
        _plugin_class(self.key)  # refused here, at the DAG's line, rather than by the scheduler later
        self.periodic = bool(getattr(timetable, "periodic", True))
        self.can_be_scheduled = bool(getattr(timetable, "can_be_scheduled", True))
        self.active_runs_limit = getattr(timetable, "active_runs_limit", None)
        self.description = str(getattr(timetable, "description", "") or "")

    @property
    def summary(self) -> str:
        return str(getattr(self.timetable, "summary", None) or type(self.timetable).__name__)

    def _next_run(
        self, last: DataInterval | None, restriction: TimeRestriction, now: datetime | None
    ) -> DagRunInfo | None:
        if last is not None:
            last = DataInterval(_pendulum(last.start), _pendulum(last.end))
        bounds = TimeRestriction(_pendulum(restriction.earliest), _pendulum(restriction.latest), restriction.catchup)
        info = self.timetable.next_dagrun_info(last_automated_data_interval=last, restriction=bounds)
        if info is None:
            return None
        return DagRunInfo(_pendulum(info.run_after), DataInterval(*map(_pendulum, info.data_interval)))

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        interval = self.timetable.infer_manual_data_interval(run_after=_pendulum(run_after))
        return DataInterval(_pendulum(interval.start), _pendulum(interval.end))

    def validate(self) -> None:
        check = getattr(self.timetable, "validate", None)
        if callable(check):
            check()

    def serialize(self) -> dict[str, Any]:
        data = self.timetable.serialize() if callable(getattr(self.timetable, "serialize", None)) else {}
        return {"type": "plugin", "classpath": self.key, "data": data}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> PluginTimetable:
        """The timetable `serialize()` stored, rebuilt by its class's `deserialize` (Airflow's contract)."""
        timetable_class = _plugin_class(data["classpath"])
        build = getattr(timetable_class, "deserialize", None)
        inner = build(data.get("data") or {}) if callable(build) else timetable_class()
        return cls(inner)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PluginTimetable):
            return NotImplemented
        return self.serialize() == other.serialize()

    def __hash__(self) -> int:
        return hash(self.key)
