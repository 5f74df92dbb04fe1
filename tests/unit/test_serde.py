"""XCom values come back as they were pushed: the types Airflow 2's serializer keeps."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pendulum
import pytest

from tradewind.utils import serde


@pytest.mark.parametrize(
    "value",
    [
        {"a": (1, 2), "b": {3}, 4: frozenset({5})},
        datetime.datetime(2024, 3, 5, 1, 2, 3, tzinfo=datetime.UTC),
        datetime.date(2024, 3, 5),
        datetime.timedelta(days=1, seconds=2),
        Decimal("1.50"),
    ],
)
def test_round_trip_keeps_type_and_value(value: object) -> None:
    back = serde.loads(serde.dumps(value))
    assert back == value and type(back) is type(value)


@pytest.mark.parametrize("tz", ["Europe/Amsterdam", "UTC", pendulum.fixed_timezone(7200)])
def test_pendulum_datetime_comes_back_as_pendulum_in_its_timezone(tz: object) -> None:
    value = pendulum.datetime(2024, 3, 5, 6, 30, tz=tz)
    back = serde.loads(serde.dumps(value))
    assert isinstance(back, pendulum.DateTime)
    assert back == value and back.timezone_name == value.timezone_name
    assert back.add(days=1).isoformat() == value.add(days=1).isoformat()


def test_a_registered_record_round_trips_with_the_values_it_holds() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Pair:
        left: object
        right: object

    @dataclass(frozen=True)
    class One:
        only: object

    serde.register_record(Pair, "test_pair")
    serde.register_record(One, "test_one")
    when = datetime.datetime(2024, 3, 5, 1, 2, 3, tzinfo=datetime.UTC)
    value = Pair({"a": [when, (1, None)], 2: "b"}, One(One(1.5)))
    assert serde.loads(serde.dumps(value)) == value


def test_subclasses_of_the_common_types_are_written_as_their_base() -> None:
    from collections import OrderedDict

    class Items(list):  # type: ignore[type-arg]
        pass

    value = OrderedDict(a=Items([1, (2,)]))
    assert serde.dumps(value) == serde.dumps({"a": [1, (2,)]})


def test_equal_datetimes_in_other_timezones_keep_their_own_offset() -> None:
    """(UTC datetimes' texts are remembered: an equal instant at another offset must not get one of them.)"""
    utc = datetime.datetime(2024, 3, 5, 1, 2, 3, tzinfo=datetime.UTC)
    plus_two = utc.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    for value in (utc, plus_two, utc, plus_two):
        back = serde.loads(serde.dumps(value))
        assert back == value and back.utcoffset() == value.utcoffset()
    assert serde.dumps(utc) == '{"__tw__":"datetime","v":"2024-03-05T01:02:03+00:00"}'
