"""A DAG's charts: the Gantt of a run, task durations and landing times over runs, a calendar of runs.

Each is one or two batched reads (the grid's own query for durations and landing times) and an SVG drawn
by `tradewind.ui.charts`. Pages with running work re-render their chart every 3 s.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tradewind.actions import dags, runs
from tradewind.api.security import Caller, ui_user
from tradewind.permissions import READ_DAGS
from tradewind.ui import charts
from tradewind.ui.render import page, run_duration, viewer_zone

router = APIRouter()
Reader = Annotated[Caller, Depends(ui_user(READ_DAGS))]
RunCount = Annotated[int, Query(ge=1, le=365)]
ACTIVE = ("queued", "running")


def _page(request: Request, caller: Caller, name: str, dag_id: str, tab: str, **ctx: Any) -> Response:
    return page(request, name, caller, dag=dags.require_dag(dag_id), tab=tab, **ctx)


@router.get("/dags/{dag_id}/gantt")
def gantt_page(request: Request, dag_id: str, caller: Reader, run_id: str | None = None) -> Response:
    """One run's instances on a time line (queued, then running), in the DAG's task order."""
    from tradewind.store import dags as dag_store
    from tradewind.store import task_instances
    from tradewind.store.runs import list_dag_runs

    dags.require_dag(dag_id)
    recent = list_dag_runs(dag_id, limit=25)
    run_id = run_id or (recent[0].run_id if recent else None)
    chart, run = None, None
    if run_id:
        run = runs.require_run(dag_id, run_id)
        structure = dag_store.get_structure(dag_id)
        order = {t: i for i, t in enumerate(structure.order)} if structure else {}
        tis = sorted(
            task_instances.list_task_instances(dag_id, run_id),
            key=lambda t: (order.get(t.task_id, len(order)), t.map_index),
        )
        base = f"/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}/tasks/"
        bars = [
            charts.Bar(
                label=t.task_id + (f" [{t.map_index}]" if t.map_index >= 0 else ""),
                state=t.state or "none",
                queued=t.queued_dttm,
                start=t.start_date,
                end=t.end_date,
                href=base + quote(t.task_id, safe="") + (f"?map_index={t.map_index}" if t.map_index >= 0 else ""),
                tries=t.try_number,
            )
            for t in tis
        ]
        chart = charts.gantt(bars, datetime.now(timezone.utc), viewer_zone(request))
    return _page(
        request,
        caller,
        "dag_gantt.html",
        dag_id,
        "gantt",
        recent=recent,
        run=run,
        run_id=run_id or "",
        chart=chart,
        live=run is not None and run.state in ACTIVE,
        duration=run_duration(run) if run else None,
    )


def _over_runs(dag_id: str, count: int) -> tuple[list[Any], dict[str, dict[str, dict[str, Any]]], list[str]]:
    """The grid's read: the last `count` runs, their instances' summaries, and the task ids in DAG order."""
    from tradewind.store import dags as dag_store
    from tradewind.store.ui_queries import grid

    records, cells = grid(dag_id, count)
    structure = dag_store.get_structure(dag_id)
    order = list(structure.order) if structure else sorted({t for c in cells.values() for t in c})
    return records, cells, order


def _labels(request: Request, records: list[Any]) -> list[str]:
    tz = viewer_zone(request)
    return [r.logical_date.astimezone(tz).strftime("%m-%d %H:%M") for r in records]


def _stats(series: list[charts.Series]) -> list[dict[str, Any]]:
    """Count, mean, median, max and last value of each series, with its line's colour (the chart's legend)."""
    rows = []
    for k, s in enumerate(series):
        known = [v for v in s.values if v is not None]
        rows.append(
            {
                "name": s.name,
                "count": len(known),
                "mean": statistics.fmean(known) if known else None,
                "median": statistics.median(known) if known else None,
                "max": max(known) if known else None,
                "last": known[-1] if known else None,
                "colour": charts.colour_of(k, len(series)),
            }
        )
    return rows


def _chart_page(
    request: Request, caller: Caller, dag_id: str, tab: str, what: str, series: list[charts.Series], **ctx: Any
) -> Response:
    task = ctx.pop("task_id")
    shown = [s for s in series if not task or s.name == task]
    records = ctx["records"]
    base = f"/dags/{quote(dag_id, safe='')}/grid?run_id="

    def href(i: int) -> str:
        return base + quote(records[i].run_id, safe="") + (f"&task_id={quote(task, safe='')}" if task else "")

    chart = charts.lines(shown, _labels(request, records), what, href)
    return _page(
        request,
        caller,
        "dag_chart.html",
        dag_id,
        tab,
        chart=chart,
        stats=_stats(shown),
        what=what,
        task_names=[s.name for s in series],
        task_id=task or "",
        live=any(r.state in ACTIVE for r in records),
        **ctx,
    )


@router.get("/dags/{dag_id}/durations")
def durations_page(request: Request, dag_id: str, caller: Reader, runs: RunCount = 25, task_id: str = "") -> Response:
    """How long each task ran in each of the last runs (a mapped task: its first copy), and the runs' own."""
    dags.require_dag(dag_id)
    records, cells, order = _over_runs(dag_id, runs)
    series = [charts.Series("(whole run)", [run_duration(r) for r in records])]
    series += [charts.Series(t, [cells[r.run_id].get(t, {}).get("duration") for r in records]) for t in order]
    return _chart_page(
        request, caller, dag_id, "durations", "task durations", series, records=records, run_count=runs, task_id=task_id
    )


@router.get("/dags/{dag_id}/landing-times")
def landing_times_page(
    request: Request, dag_id: str, caller: Reader, runs: RunCount = 25, task_id: str = ""
) -> Response:
    """How long after its data interval ended each task finished (Airflow's landing times)."""
    from tradewind.store.ui_queries import landing_ends

    dags.require_dag(dag_id)
    records, _cells, order = _over_runs(dag_id, runs)
    ends = landing_ends(dag_id, [r.run_id for r in records])
    series = [
        charts.Series(
            t,
            [
                charts.seconds_between(r.data_interval_end or r.logical_date, ends.get(r.run_id, {}).get(t))
                for r in records
            ],
        )
        for t in order
    ]
    return _chart_page(
        request,
        caller,
        dag_id,
        "landing",
        "landing times",
        series,
        records=records,
        run_count=runs,
        task_id=task_id,
    )


@router.get("/dags/{dag_id}/calendar")
def calendar_page(
    request: Request,
    dag_id: str,
    caller: Reader,
    days: Annotated[int, Query(ge=7, le=3 * 366)] = 365,
    end: Annotated[date | None, Query()] = None,
) -> Response:
    """The `days` days up to `end` (today by default), each coloured by the outcome of the runs whose logical
    date falls on it (in the viewer's zone); a day links to the list of its runs. When none of those days
    has a run, the page offers the days up to the DAG's latest run."""
    from tradewind.store.runs import latest_run
    from tradewind.store.ui_queries import run_states_since

    dags.require_dag(dag_id)
    tz = viewer_zone(request)
    last = end or datetime.now(tz).date()
    first = last - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), tz)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
    per_day: dict[date, dict[str, int]] = {}
    for logical_date, state in run_states_since(dag_id, since):
        if logical_date >= until:
            break
        day = logical_date.astimezone(tz).date()
        per_day.setdefault(day, {})
        per_day[day][state] = per_day[day].get(state, 0) + 1
    browse = f"/browse/dag-runs?dag_id={quote(dag_id, safe='')}"

    def href(day: date) -> str:
        return f"{browse}&start={day.isoformat()}&end={day.isoformat()}"

    totals: dict[str, int] = {}
    for counts in per_day.values():
        for state, n in counts.items():
            totals[state] = totals.get(state, 0) + n
    latest = latest_run(dag_id) if not per_day else None
    return _page(
        request,
        caller,
        "dag_calendar.html",
        dag_id,
        "calendar",
        chart=charts.calendar(per_day, first, last, href),
        totals=totals,
        days=days,
        end=end.isoformat() if end else "",
        first=first,
        last=last,
        active_days=len(per_day),
        latest_day=latest.logical_date.astimezone(tz).date() if latest else None,
    )
