"""The built-in triggers run in a real asyncio loop with short, fixed waits; a trigger survives serialize()."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tradewind.exceptions import TaskDeferralTimeout, TriggerError
from tradewind.runtime.deferral import first_event
from tradewind.triggers.base import BaseTrigger, TriggerEvent, load_trigger
from tradewind.triggers.file import FileTrigger
from tradewind.triggers.temporal import DateTimeTrigger, TimeDeltaTrigger

UTC = timezone.utc


def test_date_time_trigger_fires_once_its_moment_has_passed() -> None:
    moment = datetime.now(UTC) + timedelta(seconds=0.3)
    started = time.monotonic()
    event = asyncio.run(first_event(DateTimeTrigger(moment), timeout=5))
    assert 0.25 <= time.monotonic() - started < 2
    assert event == TriggerEvent(moment.isoformat())
    assert datetime.now(UTC) >= moment


def test_time_delta_trigger_serializes_as_a_date_time_trigger_and_round_trips() -> None:
    trigger = TimeDeltaTrigger(timedelta(seconds=0.2))
    classpath, kwargs = trigger.serialize()
    assert classpath == "tradewind.triggers.temporal.DateTimeTrigger"
    rebuilt = load_trigger(classpath, kwargs)
    assert isinstance(rebuilt, DateTimeTrigger) and rebuilt.moment == trigger.moment
    assert asyncio.run(first_event(rebuilt, timeout=5)).payload == trigger.moment.isoformat()


def test_date_time_trigger_needs_an_aware_moment() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        DateTimeTrigger(datetime(2024, 1, 1))


def test_file_trigger_fires_when_the_file_appears(tmp_path: Path) -> None:
    target = tmp_path / "in" / "data.csv"

    async def scenario() -> TriggerEvent:
        waiting = asyncio.create_task(first_event(FileTrigger(str(tmp_path / "in" / "*.csv"), poke_interval=0.05), 5))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        target.parent.mkdir()
        target.write_text("x")
        return await waiting

    assert asyncio.run(scenario()) == TriggerEvent(True)
    assert load_trigger(*FileTrigger(str(target), recursive=True).serialize()).recursive is True


class Never(BaseTrigger):
    cleaned = False

    def serialize(self):
        return ("tests.unit.test_triggers.Never", {})

    async def run(self):
        await asyncio.sleep(60)
        yield TriggerEvent("late")

    async def cleanup(self) -> None:
        Never.cleaned = True


def test_a_trigger_past_its_timeout_is_cancelled_and_cleaned_up() -> None:
    started = time.monotonic()
    with pytest.raises(TaskDeferralTimeout, match=r"0\.2 s"):
        asyncio.run(first_event(Never(), timeout=0.2))
    assert time.monotonic() - started < 2 and Never.cleaned


def test_a_trigger_that_cannot_be_rebuilt_is_a_trigger_error() -> None:
    with pytest.raises(TriggerError, match="cannot import"):
        load_trigger("no.such.module.Trigger", {})
    with pytest.raises(TriggerError, match="serialize"):
        load_trigger("tradewind.triggers.temporal.DateTimeTrigger", {"when": "now"})
