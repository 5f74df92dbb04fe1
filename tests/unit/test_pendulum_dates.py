"""pendulum where Airflow uses it: timezone-aware DAGs, and the context's dates in templates (also across DST)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pendulum

from tradewind.runtime.context import build_context
from tradewind.runtime.templating import make_jinja_env, render_value
from tradewind.sdk.dag import DAG
from tradewind.serialization import serialize_dag
from tradewind.structure import DagStructure
from tradewind.timetables.base import DataInterval, TimeRestriction

UTC = timezone.utc


def _runs(dag: DAG, count: int) -> list[DataInterval]:
    """The first `count` scheduled data intervals of the DAG as the scheduler reads it back from storage."""
    structure = DagStructure.from_serialized(json.loads(json.dumps(serialize_dag(dag))))
    timetable = structure.timetable()
    restriction = TimeRestriction(earliest=structure.start_date, latest=None, catchup=True)
    last, out = None, []
    for _ in range(count):
        info = timetable.next_dagrun_info(last_automated_data_interval=last, restriction=restriction)
        assert info is not None
        out.append(info.data_interval)
        last = info.data_interval
    return out


def test_pendulum_start_date_makes_the_dag_timezone_and_cron_keeps_local_time_across_dst() -> None:
    dag = DAG(
        "amsterdam",
        schedule="0 5 * * *",
        start_date=pendulum.datetime(2021, 3, 26, tz="Europe/Amsterdam"),
        end_date=pendulum.datetime(2021, 4, 30, tz="Europe/Amsterdam"),
    )
    data = serialize_dag(dag)
    assert data["timezone"] == "Europe/Amsterdam"
    assert data["start_date"] == "2021-03-26T00:00:00+01:00"
    # 05:00 in Amsterdam is 04:00 UTC in winter time and 03:00 UTC from 28 March (summer time).
    starts = [interval.start for interval in _runs(dag, 4)]
    assert starts == [
        datetime(2021, 3, 26, 4, tzinfo=UTC),
        datetime(2021, 3, 27, 4, tzinfo=UTC),
        datetime(2021, 3, 28, 3, tzinfo=UTC),
        datetime(2021, 3, 29, 3, tzinfo=UTC),
    ]
    # 02:00 does not exist on 28 March: as on Airflow (pendulum), it moves forward by the gap, to 03:00 CEST
    assert [i.start for i in _runs(DAG("gap", schedule="0 2 * * *", start_date=dag.start_date), 3)][2] == datetime(
        2021, 3, 28, 1, tzinfo=UTC
    )


def test_pendulum_utc_and_fixed_offset_start_dates() -> None:
    assert serialize_dag(DAG("u", start_date=pendulum.datetime(2021, 1, 1, tz="UTC")))["timezone"] == "UTC"
    fixed = DAG("f", schedule="@daily", start_date=pendulum.datetime(2021, 1, 1, tz=pendulum.FixedTimezone(3600)))
    assert _runs(fixed, 1)[0].start == datetime(2020, 12, 31, 23, tzinfo=UTC)  # midnight at +01:00


def _context(logical: datetime, end: datetime) -> dict:
    run = SimpleNamespace(
        dag_id="d",
        run_id="scheduled__x",
        logical_date=logical,
        data_interval_start=logical,
        data_interval_end=end,
        run_type="scheduled",
        conf={},
        external_trigger=False,
    )
    task = SimpleNamespace(task_id="t")
    return build_context(dag=SimpleNamespace(dag_id="d"), task=task, ti=SimpleNamespace(), dag_run=run, params={})


def render(text: str, context: dict) -> str:
    return str(render_value(text, context, make_jinja_env()))


def test_context_dates_are_pendulum_datetimes_in_utc() -> None:
    ctx = _context(datetime(2021, 3, 27, 23, tzinfo=UTC), datetime(2021, 3, 28, 22, tzinfo=UTC))
    for key in ("logical_date", "execution_date", "data_interval_start", "data_interval_end", "next_execution_date"):
        assert isinstance(ctx[key], pendulum.DateTime), key
        assert ctx[key].timezone_name == "UTC", key
    # no stored run behind this one: a lazy proxy of None, as Airflow's (falsy, equal to None, renders "None")
    assert not ctx["prev_data_interval_start_success"] and ctx["prev_data_interval_start_success"] == None  # noqa: E711
    assert render("{{ prev_start_date_success }}", ctx) == "None"


def test_pendulum_methods_in_templates_across_the_spring_dst_change() -> None:
    # The Amsterdam day 28 March 2021 is 23 hours long: 27 Mar 23:00 UTC → 28 Mar 22:00 UTC.
    ctx = _context(datetime(2021, 3, 27, 23, tzinfo=UTC), datetime(2021, 3, 28, 22, tzinfo=UTC))
    assert render("{{ data_interval_start.subtract(days=1).to_date_string() }}", ctx) == "2021-03-26"
    assert render('{{ logical_date.in_timezone("Europe/Amsterdam") }}', ctx) == "2021-03-28 00:00:00+01:00"
    assert render('{{ data_interval_end.in_timezone("Europe/Amsterdam") }}', ctx) == "2021-03-29 00:00:00+02:00"
    assert render('{{ logical_date.in_timezone("Asia/Tokyo").to_datetime_string() }}', ctx) == "2021-03-28 08:00:00"
    hours = "{{ (data_interval_end - data_interval_start).in_hours() }}"
    assert render(hours, ctx) == "23"
    # adding a calendar day in local time keeps the wall clock (pendulum's rule), not 24 hours
    local_next = '{{ logical_date.in_timezone("Europe/Amsterdam").add(days=1).isoformat() }}'
    assert render(local_next, ctx) == "2021-03-29T00:00:00+02:00"
    assert render("{{ logical_date.start_of('month').to_date_string() }}", ctx) == "2021-03-01"
    assert render("{{ ds }} {{ ts }}", ctx) == "2021-03-27 2021-03-27T23:00:00+00:00"


def test_pendulum_methods_in_templates_across_the_autumn_dst_change() -> None:
    ctx = _context(datetime(2021, 10, 30, 22, tzinfo=UTC), datetime(2021, 10, 31, 23, tzinfo=UTC))
    assert render("{{ (data_interval_end - data_interval_start).in_hours() }}", ctx) == "25"
    assert render('{{ data_interval_end.in_timezone("Europe/Amsterdam") }}', ctx) == "2021-11-01 00:00:00+01:00"
    assert render("{{ data_interval_end.diff(data_interval_start).in_days() }}", ctx) == "1"
    assert render("{{ macros.ds_add(ds, -1) }}", ctx) == "2021-10-29"


def test_prev_success_dates_come_from_the_last_successful_run() -> None:
    from tradewind.states import DagRunState
    from tradewind.store import runs
    from tradewind.store.migrate import migrate

    migrate()
    day = timedelta(days=1)
    first = datetime(2021, 1, 1, tzinfo=UTC)

    def create(n: int, state: DagRunState) -> Any:
        logical = first + n * day
        return runs.create_dag_run(
            dag_id="d",
            run_id=f"scheduled__{n}",
            logical_date=logical,
            data_interval=(logical, logical + day),
            run_type="scheduled",
            conf=None,
            state=state,
            external_trigger=False,
            task_instances=[],
        )

    create(0, DagRunState.SUCCESS)
    create(1, DagRunState.FAILED)
    third = create(2, DagRunState.RUNNING)
    task = SimpleNamespace(task_id="t")
    ctx = build_context(dag=SimpleNamespace(dag_id="d"), task=task, ti=SimpleNamespace(), dag_run=third, params={})
    assert ctx["prev_data_interval_start_success"] == first
    assert ctx["prev_data_interval_end_success"] == first + day
    assert ctx["prev_execution_date_success"] == first
    assert isinstance(ctx["prev_data_interval_start_success"], pendulum.DateTime)
    assert render("{{ prev_data_interval_start_success.to_date_string() }}", ctx) == "2021-01-01"


def test_import_tradewind_does_not_import_pendulum() -> None:
    code = "import sys, tradewind, tradewind.sdk.dag, tradewind.runtime.context; print('pendulum' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
