"""`tradewind db clean | export-archived | drop-archived` on real SQLite and PostgreSQL.

Old rows go (with the rows that belong to them), into archive tables unless --skip-archive;
what is still live never goes: active runs and their task rows, triggers a task waits on,
running jobs, active DAGs, and (as in Airflow) the latest scheduled run of each DAG.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tradewind.cli.main import main

UTC = timezone.utc
OLD = datetime(2020, 1, 1, tzinfo=UTC)
NEW = datetime(2025, 1, 1, tzinfo=UTC)
CUT = "2024-01-01"


def _at(month: int) -> datetime:
    return OLD.replace(month=month)


RUNS = {  # run_id: (start month in 2020 or NEW, state, externally triggered)
    "sched_jan": (_at(1), "success", False),
    "manual_feb": (_at(2), "failed", True),
    "running_mar": (_at(3), "running", False),
    "sched_apr": (_at(4), "success", False),  # the DAG's latest scheduled run: kept, however old
    "manual_new": (NEW, "success", True),
}


def _seed() -> None:
    from tradewind.store import models as m
    from tradewind.store.engine import transaction

    with transaction() as conn:
        conn.execute(
            sa.insert(m.dag),
            [
                {"dag_id": "d", "is_active": True, "last_parsed_time": OLD},
                {"dag_id": "gone", "is_active": False, "last_parsed_time": OLD},
            ],
        )
        conn.execute(
            sa.insert(m.serialized_dag),
            [{"dag_id": "gone", "data": {}, "dag_hash": "x", "last_updated": OLD}],
        )
        for index, (run_id, (start, state, external)) in enumerate(RUNS.items()):
            conn.execute(
                sa.insert(m.dag_run).values(
                    dag_id="d",
                    run_id=run_id,
                    logical_date=start,
                    run_type="manual" if external else "scheduled",
                    state=state,
                    external_trigger=external,
                    start_date=start,
                )
            )
            ti = {"dag_id": "d", "run_id": run_id, "task_id": "t", "map_index": -1}
            conn.execute(sa.insert(m.task_instance).values(**ti, state="success", start_date=start, try_number=1))
            conn.execute(sa.insert(m.task_try).values(**ti, try_number=1, state="success", start_date=start))
            conn.execute(sa.insert(m.xcom).values(**ti, key="return_value", value="1", timestamp=start))
            conn.execute(sa.insert(m.dagrun_dataset_event).values(dag_run_id=index + 1000, event_id=index))
        conn.execute(sa.insert(m.log), [{"dttm": OLD, "event": "trigger"}, {"dttm": NEW, "event": "trigger"}])
        conn.execute(
            sa.insert(m.job),
            [
                {"job_type": "SchedulerJob", "state": "success", "latest_heartbeat": OLD},
                {"job_type": "SchedulerJob", "state": "running", "latest_heartbeat": OLD},
            ],
        )
        conn.execute(sa.insert(m.trigger), [{"classpath": "a.B", "created_date": OLD}] * 2)
        conn.execute(sa.update(m.task_instance).where(m.task_instance.c.run_id == "running_mar").values(trigger_id=2))


def _count(table: str, **where: Any) -> int:
    from tradewind.store import models as m
    from tradewind.store.engine import session

    t = m.metadata.tables[table]
    with session() as conn:
        query = sa.select(sa.func.count()).select_from(t).where(*(t.c[k] == v for k, v in where.items()))
        return int(conn.execute(query).scalar_one())


def _run_ids(table: str = "dag_run") -> set[str]:
    from tradewind.store import models as m
    from tradewind.store.engine import session

    t = m.metadata.tables[table]
    with session() as conn:
        return set(conn.execute(sa.select(t.c.run_id)).scalars())


@pytest.fixture
def seeded(migrated_db: str) -> str:
    _seed()
    return migrated_db


def test_dry_run_counts_and_deletes_nothing(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "clean", "--clean-before-timestamp", CUT, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would be purged" in out
    assert _run_ids() == set(RUNS)
    assert _count("log", event="trigger") == 2
    from tradewind.store.cleanup import list_archives

    assert list_archives() == []


def test_clean_purges_old_rows_with_what_belongs_to_them_and_keeps_what_is_live(seeded: str) -> None:
    assert main(["db", "clean", "--clean-before-timestamp", CUT, "-y"]) == 0
    # runs: old finished ones go, except the latest scheduled one; the running one and the new one stay
    assert _run_ids() == {"running_mar", "sched_apr", "manual_new"}
    # task rows of purged runs went with them; old task rows of a kept finished run go by their own date
    assert _run_ids("task_instance") == {"running_mar", "manual_new"}
    assert _run_ids("task_try") == {"running_mar", "manual_new"}
    assert _run_ids("xcom") == {"running_mar", "manual_new"}
    assert _count("log", event="trigger") == 1  # the new one
    assert _count("job") == 1 and _count("job", state="running") == 1
    assert _count("trigger") == 1 and _count("trigger", id=2) == 1  # the one a deferred task waits on
    assert _count("dag") == 1 and _count("serialized_dag") == 0  # only the inactive DAG went

    from tradewind.store.cleanup import archive_rows, list_archives

    archives = {a.table: a for a in list_archives()}
    assert archives["dag_run"].rows == 2
    assert archives["task_instance"].rows == 3  # two of purged runs, one of the kept sched_apr
    assert archives["log"].rows == 1
    header, *rows = list(archive_rows(archives["dag_run"].name))
    assert "run_id" in header
    assert {r[header.index("run_id")] for r in rows} == {"sched_jan", "manual_feb"}
    assert all(len(a.name) <= 63 for a in archives.values())  # PostgreSQL's identifier limit


def test_tables_option_limits_the_purge_and_rejects_unknown_names(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "clean", "--clean-before-timestamp", CUT, "-t", "log,sla_miss", "-y", "--skip-archive"]) == 0
    assert "Skipping sla_miss" in capsys.readouterr().out
    assert _count("log", event="trigger") == 1 and _run_ids() == set(RUNS)
    from tradewind.store.cleanup import list_archives

    assert list_archives() == []  # --skip-archive

    assert main(["db", "clean", "--clean-before-timestamp", CUT, "-t", "dag_runs", "-y"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such table to clean: dag_runs" in err and "dag_run" in err


def test_bad_input_is_one_line_and_nothing_is_lost(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "clean", "--clean-before-timestamp", "last tuesday", "-y"]) == 1
    assert "invalid --clean-before-timestamp" in capsys.readouterr().err
    assert main(["db", "clean", "--clean-before-timestamp", CUT]) == 1  # no terminal to confirm on, no -y
    assert "pass -y to confirm" in capsys.readouterr().err
    assert _run_ids() == set(RUNS) and _count("log", event="trigger") == 2


def test_export_then_drop_archives(seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tradewind.store.cleanup import list_archives

    assert main(["db", "clean", "--clean-before-timestamp", CUT, "-y"]) == 0
    names = [a.name for a in list_archives()]
    out = tmp_path / "export"
    out.mkdir()
    assert main(["db", "export-archived", "--output-path", str(out), "-t", "dag_run"]) == 0
    [exported] = out.iterdir()
    with exported.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert exported.name.startswith("_airflow_deleted__dag_run__") and exported.suffix == ".csv"
    assert {r["run_id"] for r in rows} == {"sched_jan", "manual_feb"}
    assert main(["db", "export-archived", "--output-path", str(tmp_path / "nope")]) == 1

    assert main(["db", "drop-archived", "-t", "log", "-y"]) == 0
    assert {a.table for a in list_archives()} == {n.split("__")[1] for n in names} - {"log"}
    assert main(["db", "drop-archived", "-y"]) == 0
    assert list_archives() == []
    capsys.readouterr()
    assert main(["db", "drop-archived", "-y"]) == 0
    assert "No archive tables" in capsys.readouterr().out


def test_db_reset_drops_the_archives_too(seeded: str) -> None:
    from tradewind.store.cleanup import list_archives

    assert main(["db", "clean", "--clean-before-timestamp", CUT, "-y"]) == 0
    assert list_archives()
    assert main(["db", "reset", "-y"]) == 0
    assert list_archives() == []
