"""Server-drawn SVG charts: a run's Gantt, task durations and landing times over runs, a calendar of runs.

Drawn in Python rather than in the browser: the page works without JavaScript, the state colours come
from the same CSS classes as everywhere else (`fill-<state>`), geometry goes in SVG attributes (the
Content-Security-Policy allows no inline style), and 50 tasks × 100 runs is a few ms of string joining.
Every text is escaped; every mark carries a <title> for hover and for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from html import escape

from markupsafe import Markup

from tradewind.ui.render import format_duration

ROW = 22
LABEL_W = 230
PLOT_W = 760
AXIS_H = 30
DOTS_UP_TO = 8  # series drawn with a dot (and a tooltip) per value; more are lines only, each with its name


@dataclass(frozen=True, slots=True)
class Bar:
    """One task instance on a Gantt: queued from `queued`, running from `start` to `end`."""

    label: str
    state: str
    queued: datetime | None
    start: datetime | None
    end: datetime | None
    href: str
    tries: int


def _t(value: datetime) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()


def _ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values between lo and hi (1, 2, 5 × 10^k steps)."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def gantt(bars: Sequence[Bar], now: datetime, tz: tzinfo) -> Markup:
    """Bars on one time axis, a row per instance in the order given; unstarted instances get an empty row."""
    times = [_t(v) for b in bars for v in (b.queued, b.start, b.end) if v is not None]
    if not times:
        return Markup('<p class="muted">No task of this run has started yet.</p>')
    lo = min(times)
    hi = max([*times, *(_t(now) for b in bars if b.start is not None and b.end is None)])
    hi = max(hi, lo + 1)
    scale = PLOT_W / (hi - lo)
    height = AXIS_H + ROW * len(bars) + 6
    width = LABEL_W + PLOT_W + 20
    out = [
        f'<svg width="{width}" height="{height}" role="group" aria-label="Gantt chart of the run: '
        f'{len(bars)} task instances, from {escape(_clock(lo, tz))} to {escape(_clock(hi, tz))}">'
    ]
    out.append('<g class="axis">')
    for tick in _ticks(0, hi - lo):
        x = LABEL_W + tick * scale
        out.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{AXIS_H - 6}" y2="{height}"></line>')
        out.append(f'<text x="{x:.1f}" y="{AXIS_H - 10}" text-anchor="middle">+{escape(format_duration(tick))}</text>')
    out.append("</g>")
    for i, b in enumerate(bars):
        y = AXIS_H + i * ROW
        label = escape(b.label)
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">{label}</text>')
        if b.start is None and b.queued is None:
            continue
        start = b.start or now
        end = b.end or now
        tip = [f"{b.label} · {b.state}"]
        if b.queued is not None:
            tip.append(f"queued {_clock(_t(b.queued), tz)}")
        if b.start is not None:
            tip.append(f"started {_clock(_t(b.start), tz)}")
        if b.end is not None:
            tip.append(f"ended {_clock(_t(b.end), tz)}")
        if b.start is not None:
            tip.append(f"ran {format_duration(max(_t(end) - _t(start), 0))}")
        if b.tries > 1:
            tip.append(f"try {b.tries}")
        out.append(
            f'<a href="{escape(b.href)}" aria-label="{escape(", ".join(tip))}"><title>{escape(" · ".join(tip))}</title>'
        )
        if b.queued is not None:
            qx = LABEL_W + (_t(b.queued) - lo) * scale
            qw = max((_t(start) - _t(b.queued)) * scale, 0)
            out.append(
                f'<rect class="fill-queued" opacity="0.45" x="{qx:.1f}" y="{y + 4}" width="{qw:.1f}" height="{ROW - 8}"></rect>'
            )
        if b.start is not None:
            x = LABEL_W + (_t(start) - lo) * scale
            w = max((_t(end) - _t(start)) * scale, 2)
            out.append(
                f'<rect class="fill-{escape(b.state)}" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" rx="3"></rect>'
            )
        out.append("</a>")
    out.append("</svg>")
    return Markup("".join(out))


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a chart over runs: a value (seconds) per run, None where the run has none."""

    name: str
    values: Sequence[float | None]


def lines(series: Sequence[Series], runs: Sequence[str], what: str, href: Callable[[int], str] | None = None) -> Markup:
    """Lines of seconds over runs (x: the runs in order, labelled by `runs`), one colour per series."""
    values = [v for s in series for v in s.values if v is not None]
    if not values or not runs:
        return Markup(f'<p class="muted">No {escape(what)} to show yet.</p>')
    lo = min(min(values), 0.0)
    top = max(max(values), 1.0)
    ticks = _ticks(lo, top, 5)
    step_y = ticks[1] - ticks[0] if len(ticks) > 1 else top
    while ticks[-1] < top:  # the highest point sits under a labelled line
        ticks.append(ticks[-1] + step_y)
    hi = ticks[-1]
    height = 300
    plot_h = height - AXIS_H - 40
    step = PLOT_W / max(len(runs) - 1, 1)
    left = 70

    def y(v: float) -> float:
        return AXIS_H + plot_h - (v - lo) / (hi - lo) * plot_h

    out = [
        f'<svg width="{left + PLOT_W + 30}" height="{height}" role="group" aria-label="{escape(what)} of '
        f'{len(series)} series over {len(runs)} runs">'
    ]
    out.append('<g class="axis">')
    for tick in ticks:
        out.append(f'<line class="grid" x1="{left}" x2="{left + PLOT_W}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"></line>')
        out.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(format_duration(tick))}</text>'
        )
    every = max(1, math.ceil(len(runs) / 10))
    for i, name in enumerate(runs):
        last_apart = i == len(runs) - 1 and i % every >= every / 2  # the newest run, unless it would overlap
        if i % every == 0 or last_apart:
            x = left + i * step
            out.append(f'<text x="{x:.1f}" y="{AXIS_H + plot_h + 16}" text-anchor="middle">{escape(name)}</text>')
    out.append("</g>")
    for k, s in enumerate(series):
        colour = colour_of(k, len(series))
        points = " ".join(f"{left + i * step:.1f},{y(v):.1f}" for i, v in enumerate(s.values) if v is not None)
        out.append(f'<g class="series" data-series="{escape(s.name)}"><title>{escape(s.name)}</title>')
        out.append(f'<polyline points="{points}" stroke="{colour}"></polyline>')
        for i, v in enumerate(s.values if len(series) <= DOTS_UP_TO else ()):
            if v is None:
                continue
            tip = escape(f"{s.name} · {runs[i]} · {format_duration(v)}")
            dot = f'<circle cx="{left + i * step:.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}"><title>{tip}</title></circle>'
            out.append(
                f'<a href="{escape(href(i))}" aria-label="{tip}">{dot}</a>' if href and len(series) == 1 else dot
            )
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def colour_of(k: int, n: int) -> str:
    """Distinct hues for n series; mid lightness, readable on the light and the dark background."""
    hue = (k * 360 / max(n, 1) + (k % 2) * 17) % 360
    return f"hsl({hue:.0f},70%,45%)"


def calendar(days: dict[date, dict[str, int]], first: date, last: date, href: Callable[[date], str]) -> Markup:
    """A year-like grid of days (a column per week, Monday on top), each day coloured by its runs' outcome."""
    cell, gap, top, left = 13, 2, 18, 30
    start = first - timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    out = [
        f'<svg width="{left + weeks * (cell + gap) + 10}" height="{top + 7 * (cell + gap) + 4}" role="group" '
        f'aria-label="Calendar of runs from {first.isoformat()} to {last.isoformat()}">'
    ]
    for i, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "")):
        if name:
            out.append(f'<text class="muted" x="0" y="{top + i * (cell + gap) + 10}">{name}</text>')
    month = None
    for w in range(weeks):
        monday = start + timedelta(days=7 * w)
        if monday.month != month:
            month = monday.month
            out.append(f'<text class="muted" x="{left + w * (cell + gap)}" y="11">{monday.strftime("%b")}</text>')
        for d in range(7):
            day = monday + timedelta(days=d)
            if day < first or day > last:
                continue
            counts = days.get(day, {})
            state = outcome(counts)
            x, yy = left + w * (cell + gap), top + d * (cell + gap)
            summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no runs"
            tip = escape(f"{day.isoformat()}: {summary}")
            rect = f'<rect class="fill-{state}" x="{x}" y="{yy}" width="{cell}" height="{cell}" rx="2"><title>{tip}</title></rect>'
            out.append(f'<a href="{escape(href(day))}" aria-label="{tip}">{rect}</a>' if counts else rect)
    out.append("</svg>")
    return Markup("".join(out))


def outcome(counts: dict[str, int]) -> str:
    """A day's colour: failed if any run failed, else running if any runs or waits, else success; empty: none."""
    if not counts:
        return "empty"
    for state in ("failed", "running", "queued"):
        if counts.get(state):
            return state
    return "success" if counts.get("success") else "none"


def _clock(ts: float, tz: tzinfo) -> str:
    from tradewind.ui.timezones import format_in

    return format_in(datetime.fromtimestamp(ts, timezone.utc), tz)


def seconds_between(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return _t(b) - _t(a)
