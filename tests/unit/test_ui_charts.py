"""The UI's server-drawn charts and time-zone formatting: pure functions, fixed inputs."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from tradewind.ui import charts
from tradewind.ui.timezones import chosen_zone, format_in, zone, zone_name

T0 = datetime(2024, 3, 5, 12, 0, tzinfo=timezone.utc)


def test_ticks_are_round_and_cover_the_range() -> None:
    assert charts._ticks(0, 16.3, 5) == [0, 5, 10, 15]
    assert charts._ticks(0, 0.9, 4) == [0.0, 0.5]  # the step is the first of 1, 2, 5 × 10^k not below range/count
    assert charts._ticks(3, 3) == [3]


def test_gantt_bars_sit_on_one_axis_and_say_what_they_show() -> None:
    bars = [
        charts.Bar("a", "success", T0, T0 + timedelta(seconds=1), T0 + timedelta(seconds=11), "/a", 1),
        charts.Bar("b <x>", "running", None, T0 + timedelta(seconds=6), None, "/b?x=1&y=2", 2),
        charts.Bar("c", "none", None, None, None, "/c", 0),
    ]
    svg = str(charts.gantt(bars, T0 + timedelta(seconds=21), timezone.utc))
    running = re.findall(r'<rect class="fill-(\w+)" x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    assert [s for s, _x, _w in running] == ["success", "running"]
    (_, xa, wa), (_, xb, wb) = running
    assert abs(float(wa) - float(wb) * 10 / 15) < 1  # a ran 10 s; b runs since 15 s before "now"
    assert float(xb) > float(xa)
    assert "b &lt;x&gt; · running" in svg and "try 2" in svg and 'href="/b?x=1&amp;y=2"' in svg  # escaped
    assert 'class="fill-queued" opacity="0.45"' in svg  # a's second in the queue
    assert ">c</text>" in svg and svg.count("<a ") == 2  # an unstarted instance: its row, no bar
    assert "No task" in str(charts.gantt([bars[2]], T0, timezone.utc))


def test_lines_skip_missing_values_and_dot_only_a_few_series() -> None:
    one = str(charts.lines([charts.Series("t", [1.0, None, 3.0])], ["r1", "r2", "r3"], "durations", lambda i: f"/r{i}"))
    assert one.count("<circle") == 2 and 'href="/r0"' in one and 'href="/r2"' in one
    points = re.search(r'<polyline points="([^"]+)"', one).group(1).split()
    assert len(points) == 2
    many = [charts.Series(f"t{k}", [float(k), float(k + 1)]) for k in range(charts.DOTS_UP_TO + 1)]
    svg = str(charts.lines(many, ["r1", "r2"], "durations"))
    assert svg.count("<polyline") == len(many) and "<circle" not in svg
    assert len(set(re.findall(r'stroke="(hsl[^"]+)"', svg))) == len(many)  # a colour each
    assert "No durations" in str(charts.lines([charts.Series("t", [None])], ["r1"], "durations"))


def test_calendar_colours_each_day_by_its_worst_run() -> None:
    days = {date(2024, 3, 4): {"success": 2}, date(2024, 3, 5): {"success": 1, "failed": 1}}
    svg = str(charts.calendar(days, date(2024, 3, 1), date(2024, 3, 10), lambda d: f"/d/{d}"))
    assert re.search(r'class="fill-success"[^>]*><title>2024-03-04: 2 success</title>', svg)
    assert re.search(r'class="fill-failed"[^>]*><title>2024-03-05: 1 failed, 1 success</title>', svg)
    assert svg.count("<a ") == 2 and svg.count("<rect") == 10  # ten days, two with runs (links)
    assert charts.outcome({}) == "empty" and charts.outcome({"queued": 1, "success": 3}) == "queued"


def test_times_are_written_in_the_zone_with_its_name() -> None:
    paris = zone("Europe/Paris")
    assert format_in(T0, paris) == "2024-03-05 13:00:00 CET"
    assert format_in(T0 + timedelta(days=120), paris) == "2024-07-03 14:00:00 CEST"
    assert format_in(T0.replace(tzinfo=None), timezone.utc) == "2024-03-05 12:00:00 UTC"  # naive: stored UTC
    assert format_in(None, paris) == ""
    assert zone("utc") is timezone.utc and zone("Etc/UTC") is timezone.utc and zone_name(timezone.utc) == "UTC"
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "x" * 100):
        assert zone(bad) is None
    assert chosen_zone("Nowhere/Else") is timezone.utc  # an unknown cookie falls back to the default
    assert zone_name(chosen_zone("Asia/Tokyo")) == "Asia/Tokyo"
