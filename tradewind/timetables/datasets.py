"""`DatasetOrTimeSchedule`: runs on a time schedule *and* whenever its datasets are updated (Airflow 2.9+)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tradewind.exceptions import InvalidScheduleError
from tradewind.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from tradewind.timetables.simple import DatasetTriggeredTimetable


class DatasetOrTimeSchedule(DatasetTriggeredTimetable):
    """The wrapped timetable decides the time-based runs; the dataset condition adds dataset-triggered ones."""

    _type = "dataset_or_time"

    def __init__(self, *, timetable: Timetable, datasets: Any, condition: Any = None) -> None:
        from tradewind.timetables import custom, dataset_schedule

        if custom.is_airflow_timetable(timetable):
            timetable = custom.PluginTimetable(timetable)
        if not isinstance(timetable, Timetable):
            raise InvalidScheduleError(f"DatasetOrTimeSchedule needs a timetable, not {timetable!r}")
        uris, own_condition = dataset_schedule(datasets)
        super().__init__(uris, condition=condition if condition is not None else own_condition)
        self.timetable = timetable
        self.can_be_scheduled = timetable.can_be_scheduled
        self.periodic = timetable.periodic
        self.description = f"Triggered by datasets or {timetable.description}"

    @property
    def summary(self) -> str:
        return f"Dataset or {self.timetable.summary}"

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
        now: datetime | None = None,
    ) -> DagRunInfo | None:
        return self.timetable.next_dagrun_info(
            last_automated_data_interval=last_automated_data_interval, restriction=restriction, now=now
        )

    def infer_manual_data_interval(self, *, run_after: datetime) -> DataInterval:
        return self.timetable.infer_manual_data_interval(run_after=run_after)

    def serialize(self) -> dict[str, Any]:
        return {**super().serialize(), "condition": self.condition, "timetable": self.timetable.serialize()}


class AssetOrTimeSchedule(DatasetOrTimeSchedule):
    """Airflow 3's name, which takes `assets=`; stored and scheduled as a DatasetOrTimeSchedule."""

    def __init__(self, *, timetable: Timetable, assets: Any, condition: Any = None) -> None:
        super().__init__(timetable=timetable, datasets=assets, condition=condition)
