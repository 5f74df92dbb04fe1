"""Schedules: turn what a DAG file says (`schedule=...`) into a timetable, and back from JSON.

Importing this package is cheap: croniter and the timetable modules load on first use.
"""

from __future__ import annotations

from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import InvalidScheduleError

if TYPE_CHECKING:
    from tradewind.timetables.base import Timetable

__all__ = ["create_timetable", "deserialize_timetable"]

_EXPECTED = (
    "expected None, '@once', '@continuous', a preset like '@daily', a 5-field cron string, a timedelta or datasets"
)


def create_timetable(schedule: Any, timezone: str | tzinfo = "UTC", *, runs_at_tick: bool = False) -> Timetable:
    """The timetable for a DAG's `schedule`, in the DAG's time zone.

    `runs_at_tick=True` makes cron strings and presets run at each tick with a zero-length data
    interval (Airflow 3 / `airflow.sdk`); otherwise they schedule Airflow 2 data intervals.
    """
    from tradewind.timetables.base import Timetable

    if isinstance(schedule, Timetable):
        return schedule
    from tradewind.timetables import custom

    if custom.is_airflow_timetable(schedule):  # a subclass of Airflow's Timetable, listed by a plugin
        return custom.PluginTimetable(schedule)
    if schedule is None:
        from tradewind.timetables.simple import NullTimetable

        return NullTimetable()
    if isinstance(schedule, str):
        return _from_string(schedule, timezone, runs_at_tick)
    from tradewind.timetables import delta

    if isinstance(schedule, timedelta) or delta.is_relativedelta(schedule):
        from tradewind.timetables.interval import DeltaDataIntervalTimetable

        return DeltaDataIntervalTimetable(schedule)
    uris, condition = dataset_schedule(schedule)
    if uris or condition is not None:
        from tradewind.timetables.simple import DatasetTriggeredTimetable

        return DatasetTriggeredTimetable(uris, condition=condition)
    raise InvalidScheduleError(f"invalid schedule {schedule!r}: {_EXPECTED}")


def dataset_schedule(schedule: Any) -> tuple[list[str], Any]:
    """(URIs, JSON condition or None for "all of them") of a dataset schedule; ([], None) if it is not one.

    Aliases (`DatasetAlias`) appear only in the condition: what they stand for is known at run time.
    """
    if callable(getattr(schedule, "condition_json", None)) and not isinstance(getattr(schedule, "uri", None), str):
        return list(schedule.uris), schedule.condition_json()  # `ds1 & ds2`, `ds1 | ds2`, an alias
    if isinstance(schedule, (list, tuple, set, frozenset)) and any(_is_alias(item) for item in schedule):
        items = sorted(schedule, key=repr) if isinstance(schedule, (set, frozenset)) else list(schedule)
        uris = list(dict.fromkeys(_item_uri(schedule, item) for item in items if not _is_alias(item)))
        return uris, {
            "all": [item.condition_json() if _is_alias(item) else _item_uri(schedule, item) for item in items]
        }
    return _dataset_uris(schedule), None


def _is_alias(item: Any) -> bool:
    return type(item).__name__ == "DatasetAlias"  # by name: tradewind.datasets stays unimported here


def _item_uri(schedule: Any, item: Any) -> str:
    uri = item if isinstance(item, str) else getattr(item, "uri", None)
    if not isinstance(uri, str):
        raise InvalidScheduleError(
            f"invalid schedule {schedule!r}: a list schedule must hold datasets or dataset aliases, not {item!r}"
        )
    return uri


def _from_string(schedule: str, timezone: str | tzinfo, runs_at_tick: bool) -> Timetable:
    text = schedule.strip()
    if text == "@once":
        from tradewind.timetables.simple import OnceTimetable

        return OnceTimetable()
    if text == "@continuous":
        from tradewind.timetables.simple import ContinuousTimetable

        return ContinuousTimetable()
    if runs_at_tick:
        from tradewind.timetables.trigger import CronTriggerTimetable

        return CronTriggerTimetable(schedule, timezone=timezone)
    from tradewind.timetables.interval import CronDataIntervalTimetable

    return CronDataIntervalTimetable(schedule, timezone)


def _dataset_uris(schedule: Any) -> list[str]:
    """URIs of a Dataset, or of a non-empty list of Datasets (objects with `.uri`) or URI strings."""
    if isinstance(getattr(schedule, "uri", None), str):
        return [schedule.uri]
    if not isinstance(schedule, (list, tuple, set, frozenset)) or not schedule:
        return []
    uris = [_item_uri(schedule, item) for item in schedule]
    return sorted(set(uris)) if isinstance(schedule, (set, frozenset)) else uris


def deserialize_timetable(data: dict[str, Any]) -> Timetable:
    """The timetable `Timetable.serialize()` described."""
    kind = data.get("type") if isinstance(data, dict) else None
    try:
        if kind == "null":
            from tradewind.timetables.simple import NullTimetable

            return NullTimetable()
        if kind == "once":
            from tradewind.timetables.simple import OnceTimetable

            return OnceTimetable()
        if kind == "continuous":
            from tradewind.timetables.simple import ContinuousTimetable

            return ContinuousTimetable()
        if kind == "dataset":
            from tradewind.timetables.simple import DatasetTriggeredTimetable

            return DatasetTriggeredTimetable(data.get("datasets", []), condition=data.get("condition"))
        if kind == "cron_data_interval":
            from tradewind.timetables.interval import CronDataIntervalTimetable

            return CronDataIntervalTimetable(data["expression"], data["timezone"])
        if kind == "delta_data_interval":
            from tradewind.timetables import delta
            from tradewind.timetables.interval import DeltaDataIntervalTimetable

            return DeltaDataIntervalTimetable(delta.decode(data["delta"]))
        if kind == "cron_trigger":
            from tradewind.timetables import delta
            from tradewind.timetables.trigger import CronTriggerTimetable

            run_immediately = data.get("run_immediately", False)
            if isinstance(run_immediately, dict):
                run_immediately = timedelta(seconds=run_immediately["seconds"])
            return CronTriggerTimetable(
                data["expression"],
                timezone=data["timezone"],
                interval=delta.decode(data.get("interval", 0)),
                run_immediately=run_immediately,
            )
        if kind == "dataset_or_time":
            from tradewind.timetables.datasets import DatasetOrTimeSchedule

            inner = deserialize_timetable(data["timetable"])
            return DatasetOrTimeSchedule(timetable=inner, datasets=data["datasets"], condition=data["condition"])
        if kind == "events":
            from datetime import datetime

            from tradewind.timetables.events import EventsTimetable

            dates = [datetime.fromisoformat(d) for d in data["event_dates"]]
            return EventsTimetable(dates, data.get("restrict_to_events", False), description=data.get("description"))
        if kind == "plugin":
            from tradewind.timetables.custom import PluginTimetable

            return PluginTimetable.deserialize(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidScheduleError(f"cannot read serialized timetable {data!r}: {exc!r}") from None
    raise InvalidScheduleError(f"cannot read serialized timetable {data!r}: unknown type {kind!r}")
