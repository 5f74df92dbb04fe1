"""`airflow.timetables.base.Timetable`: the base class of custom timetables in DAG files and plugins.

It has Airflow's defaults (`serialize()` gives `{}`, `deserialize(data)` calls the class without
arguments, `summary` is the class name); Tradewind runs an instance through
`tradewind.timetables.custom.PluginTimetable` once a plugin of `[core] plugins_folder` lists the class
in `timetables`, as Airflow requires.
"""

from __future__ import annotations

from typing import Any

from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction

__all__ = ["DagRunInfo", "DataInterval", "TimeRestriction", "Timetable"]


class Timetable:
    """Subclass and implement `infer_manual_data_interval` and `next_dagrun_info` (Airflow's protocol)."""

    description: str = ""
    periodic: bool = True
    can_be_scheduled: bool = True
    run_ordering: tuple[str, ...] = ("data_interval_end", "execution_date")
    active_runs_limit: int | None = None

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls()

    def serialize(self) -> dict[str, Any]:
        return {}

    def validate(self) -> None:
        """Raise an error for a timetable that cannot work; called when the DAG is checked."""

    @property
    def summary(self) -> str:
        return type(self).__name__

    def infer_manual_data_interval(self, *, run_after: Any) -> DataInterval:
        raise NotImplementedError(f"{type(self).__name__} must implement infer_manual_data_interval")

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        raise NotImplementedError(f"{type(self).__name__} must implement next_dagrun_info")
