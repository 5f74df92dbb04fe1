"""Purge old rows from the metadata database, as `airflow db clean` does, and manage their archives.

The metadata database grows with every run, try, XCom and audit event; nothing else ever deletes
them. `clean` removes the rows of each chosen table older than a cut-off (by the table's own
date column), copies them first into an archive table `_airflow_deleted__<table>__<stamp>`
(Airflow's naming, so its habits and scripts carry over), and takes the rows that only make sense
with them along: a deleted run's task instances, tries, XComs, reschedules and dataset-event
links, a deleted event's alias links. Each table is one transaction: a failure leaves it whole.

Unlike Airflow, `clean` never touches what is still live: a queued or running run (and its task
rows), a trigger a deferred task waits on, a running job, an active DAG. As in Airflow, the
latest scheduled (not externally triggered) run of each DAG is kept, whatever its age.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from tradewind.states import ACTIVE_RUN
from tradewind.store import models as m
from tradewind.store.engine import session, transaction

ARCHIVE_PREFIX = "_airflow_deleted__"
_ARCHIVE_NAME = re.compile(rf"^{ARCHIVE_PREFIX}(?P<table>.+)__(?P<stamp>\d{{14}})$")

Guard = Callable[[sa.Table], sa.ColumnElement[bool]]
"""Which rows of a table may go at all (whatever their age)."""


@dataclass(frozen=True)
class Dependant:
    """Rows of `table` that belong to a purged row of the parent: they match it on `keys` (child ← parent)."""

    table: sa.Table
    keys: tuple[tuple[str, str], ...]
    archived: bool = True  # False for rows rebuilt from the DAG file at its next parse (references)


@dataclass(frozen=True)
class Target:
    """A table `clean` may purge, by its date column `recency`."""

    table: sa.Table
    recency: str
    guard: Guard | None = None
    dependants: tuple[Dependant, ...] = ()
    keep_last: bool = False  # the latest scheduled run of each DAG stays (dag_run only)

    @property
    def name(self) -> str:
        return self.table.name


def _same(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, n) for n in names)


_RUN_KEY = ("dag_id", "run_id")
_TI_KEY = ("dag_id", "run_id", "task_id", "map_index")


def _run_not_active(t: sa.Table) -> sa.ColumnElement[bool]:
    """Task-level rows may go only when their run is finished (or gone)."""
    run = m.dag_run
    active = sa.select(run.c.id).where(
        run.c.dag_id == t.c.dag_id, run.c.run_id == t.c.run_id, run.c.state.in_([s.value for s in ACTIVE_RUN])
    )
    return ~sa.exists(active)


def _run_finished(t: sa.Table) -> sa.ColumnElement[bool]:
    return t.c.state.notin_([s.value for s in ACTIVE_RUN])


def _trigger_unused(t: sa.Table) -> sa.ColumnElement[bool]:
    ti = m.task_instance
    return ~sa.exists(sa.select(ti.c.id).where(ti.c.trigger_id == t.c.id))


def _job_not_running(t: sa.Table) -> sa.ColumnElement[bool]:
    return t.c.state != "running"


def _dag_inactive(t: sa.Table) -> sa.ColumnElement[bool]:
    return t.c.is_active == sa.false()


_TI_ROWS = (
    Dependant(m.task_try, _same(*_TI_KEY)),
    Dependant(m.xcom, _same(*_TI_KEY)),
    Dependant(m.task_reschedule, _same(*_TI_KEY)),
)

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(m.job, "latest_heartbeat", _job_not_running),
        Target(
            m.dag,
            "last_parsed_time",
            _dag_inactive,
            (
                Dependant(m.serialized_dag, _same("dag_id")),
                Dependant(m.dag_schedule_dataset_reference, _same("dag_id"), archived=False),
                Dependant(m.dag_schedule_dataset_alias_reference, _same("dag_id"), archived=False),
                Dependant(m.task_outlet_dataset_reference, _same("dag_id"), archived=False),
            ),
        ),
        Target(
            m.dag_run,
            "start_date",
            _run_finished,
            (
                Dependant(m.task_instance, _same(*_RUN_KEY)),
                Dependant(m.task_try, _same(*_RUN_KEY)),
                Dependant(m.xcom, _same(*_RUN_KEY)),
                Dependant(m.task_reschedule, _same(*_RUN_KEY)),
                Dependant(m.dagrun_dataset_event, (("dag_run_id", "id"),)),
            ),
            keep_last=True,
        ),
        Target(
            m.dataset_event,
            "timestamp",
            None,
            (
                Dependant(m.dagrun_dataset_event, (("event_id", "id"),)),
                Dependant(m.dataset_alias_dataset_event, (("event_id", "id"),)),
            ),
        ),
        Target(m.import_error, "timestamp"),
        Target(m.log, "dttm"),
        Target(m.task_instance, "start_date", _run_not_active, _TI_ROWS),
        Target(m.task_reschedule, "start_date", _run_not_active),
        Target(m.xcom, "timestamp", _run_not_active),
        Target(m.trigger, "created_date", _trigger_unused),
        Target(m.web_session, "expires_at"),
    )
}

AIRFLOW_ONLY = frozenset({"sla_miss", "task_fail", "callback_request", "celery_taskmeta", "celery_tasksetmeta"})
"""Tables `airflow db clean` knows that Tradewind does not have: named in --tables, they are skipped with a note."""


@dataclass
class Purged:
    """What `clean` found (dry run) or removed in one table, and in the tables that went with it."""

    table: str
    rows: int
    dependants: dict[str, int] = field(default_factory=dict)
    archives: list[str] = field(default_factory=list)


def choose(names: Sequence[str] | None) -> tuple[list[Target], list[str]]:
    """The targets for `--tables` (all when empty), and the Airflow-only names that will be skipped.

    An unknown name is a UsageError naming the valid ones (Airflow ignores it silently; a typo
    should not make a purge of nothing look like success).
    """
    from tradewind.exceptions import UsageError

    if not names:
        return list(TARGETS.values()), []
    unknown = [n for n in names if n not in TARGETS and n not in AIRFLOW_ONLY]
    if unknown:
        raise UsageError(f"no such table to clean: {', '.join(unknown)} (choose from {', '.join(sorted(TARGETS))})")
    return [TARGETS[n] for n in TARGETS if n in names], [n for n in names if n in AIRFLOW_ONLY]


def _old_rows(target: Target, before: datetime) -> sa.Select[tuple[object, ...]]:
    t = target.table
    conditions: list[sa.ColumnElement[bool]] = [t.c[target.recency] < before]
    if target.guard is not None:
        conditions.append(target.guard(t))
    if target.keep_last:
        later = t.alias("later")
        newer_scheduled = sa.select(later.c.id).where(
            later.c.dag_id == t.c.dag_id,
            later.c.external_trigger == sa.false(),
            later.c.start_date > t.c.start_date,
        )
        conditions.append(sa.or_(t.c.external_trigger == sa.true(), sa.exists(newer_scheduled)))
    return sa.select(*t.columns).where(*conditions)


def _matching(child: Dependant, parent: sa.FromClause) -> sa.ColumnElement[bool]:
    c = child.table
    return sa.exists(sa.select(sa.literal(1)).where(*(c.c[k] == parent.c[p] for k, p in child.keys)))


def archive_name(table: str, stamp: str) -> str:
    return f"{ARCHIVE_PREFIX}{table}__{stamp}"


def _parse_archive_name(name: str) -> tuple[str, str] | None:
    """(source table, stamp) of an archive table's name; None for any other table."""
    match = _ARCHIVE_NAME.match(name)
    return (match["table"], match["stamp"]) if match else None


def _archive_table(source: sa.Table, stamp: str, conn: sa.Connection) -> sa.Table:
    """The archive table of `source` for this clean (created on first use: same columns, no constraints).

    Within one clean every table has one archive, whichever purge its rows came from (a run's task
    instances and old task instances of finished runs land in the same one).
    """
    name = archive_name(source.name, stamp)
    archive = sa.Table(name, sa.MetaData(), *(sa.Column(c.name, c.type) for c in source.columns))
    archive.create(conn, checkfirst=True)
    return archive


def _copy(conn: sa.Connection, archive: sa.Table, rows: sa.Select[tuple[object, ...]]) -> int:
    """Copy `rows` into `archive`; how many were copied."""
    return conn.execute(archive.insert().from_select([c.name for c in archive.columns], rows)).rowcount


def _count(conn: sa.Connection, rows: sa.Select[tuple[object, ...]]) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(rows.subquery())).scalar_one())


def _primary_key_in(table: sa.Table, archive: sa.Table) -> sa.ColumnElement[bool]:
    keys = [c.name for c in table.primary_key.columns]
    return sa.exists(sa.select(sa.literal(1)).where(*(archive.c[k] == table.c[k] for k in keys)))


def clean_table(target: Target, before: datetime, *, dry_run: bool, skip_archive: bool, stamp: str) -> Purged:
    """Purge one table (and its dependants) in one transaction; with `dry_run`, only count."""
    old = _old_rows(target, before)
    if dry_run:
        with session() as conn:
            purged = Purged(target.name, _count(conn, old))
            parent = old.subquery("parent")
            for child in target.dependants:
                rows = sa.select(child.table).where(_matching(child, parent))
                purged.dependants[child.table.name] = _count(conn, rows)
        return purged
    with transaction() as conn:
        archive = _archive_table(target.table, stamp, conn)
        purged = Purged(target.name, _copy(conn, archive, old))
        used = [archive]
        if purged.rows:
            for child in target.dependants:
                if child.archived:
                    child_archive = _archive_table(child.table, stamp, conn)
                    _copy(conn, child_archive, sa.select(*child.table.columns).where(_matching(child, archive)))
                    used.append(child_archive)
                deleted = conn.execute(sa.delete(child.table).where(_matching(child, archive)))
                purged.dependants[child.table.name] = deleted.rowcount
            conn.execute(sa.delete(target.table).where(_primary_key_in(target.table, archive)))
        for table in used:  # an archive left empty (or not wanted) goes
            if skip_archive or not _count(conn, sa.select(table)):
                table.drop(conn)
            else:
                purged.archives.append(table.name)
    return purged


def clean(
    targets: Sequence[Target], before: datetime, *, dry_run: bool = False, skip_archive: bool = False
) -> Iterator[Purged]:
    """Purge each target in turn (a table is whole or untouched), yielding what each lost."""
    stamp = _free_stamp(datetime.now(timezone.utc))
    for target in targets:
        yield clean_table(target, before, dry_run=dry_run, skip_archive=skip_archive, stamp=stamp)


def _free_stamp(now: datetime) -> str:
    """A stamp no archive has yet: a second clean in the same second must not mix its rows with the first's."""
    with session() as conn:
        taken = {p[1] for p in map(_parse_archive_name, sa.inspect(conn).get_table_names()) if p is not None}
    while (stamp := now.strftime("%Y%m%d%H%M%S")) in taken:
        now += timedelta(seconds=1)
    return stamp


# --- archives -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Archive:
    name: str
    table: str  # the table its rows came from
    rows: int


def list_archives(tables: Sequence[str] | None = None) -> list[Archive]:
    """The archive tables `clean` left, oldest first; only those of `tables` if given."""
    with session() as conn:
        found = []
        for name in sa.inspect(conn).get_table_names():
            parsed = _parse_archive_name(name)
            if parsed is not None and (not tables or parsed[0] in tables):
                found.append((parsed[1], parsed[0], name))
        return [
            Archive(name, table, int(conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()))
            for _, table, name in sorted(found)
        ]


def archive_rows(name: str) -> Iterator[tuple[object, ...]]:
    """The column names of one archive table, then its rows (values as the database returns them)."""
    if _parse_archive_name(name) is None:
        raise ValueError(f"not an archive table: {name}")
    with session() as conn:
        result = conn.execute(sa.select(sa.text("*")).select_from(sa.table(name)))
        yield tuple(result.keys())
        for row in result:
            yield tuple(row)


def drop_archives(names: Sequence[str]) -> None:
    """Drop these archive tables, in one transaction."""
    with transaction() as conn:
        for name in names:
            if _parse_archive_name(name) is None:
                raise ValueError(f"not an archive table: {name}")
            sa.Table(name, sa.MetaData()).drop(conn)
