"""Scheduler jobs on SQLite and PostgreSQL: who is alive, who is reaped, and whose queue is adopted."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, timezone

import pytest

from tradewind import DAG
from tradewind.exceptions import SchedulerAlreadyRunning
from tradewind.operators.empty import EmptyOperator

THRESHOLD = timedelta(seconds=30)


def _queued_run() -> tuple[str, list[tuple[str, str, str, int]]]:
    from tradewind.scheduler.runs import sync_dag
    from tradewind.scheduler.trigger import trigger_dag

    with DAG("adopt", schedule=None, start_date=datetime(2024, 1, 1, tzinfo=timezone.utc)) as dag:
        for name in ("a", "b", "c"):
            EmptyOperator(task_id=name)
    sync_dag(dag)
    run = trigger_dag("adopt")
    return run.run_id, [("adopt", run.run_id, t, -1) for t in ("a", "b", "c")]


def test_a_dead_schedulers_queue_is_adopted_and_a_live_ones_is_not(migrated_db: str) -> None:
    from tradewind.scheduler import orphans
    from tradewind.store import jobs, task_instances

    live = jobs.start_job(jobs.SCHEDULER, hostname=socket.gethostname(), pid=os.getpid())
    dead = jobs.start_job(jobs.SCHEDULER, hostname="gone-host", pid=1)
    _, (a, b, c) = _queued_run()
    assert task_instances.queue_ready([(a, "none")], job_id=live) == [True]
    assert task_instances.queue_ready([(b, "none")], job_id=dead) == [True]
    assert task_instances.queue_ready([(c, "none")], job_id=None) == [True]  # queued by an older version
    assert {t.task_id: t.queued_by_job_id for t in task_instances.find_task_instances(["queued"])} == {
        "a": live,
        "b": dead,
        "c": None,
    }
    # the other host's scheduler has been silent past the threshold: reaped once, by one caller
    later = datetime.now(timezone.utc) + THRESHOLD + timedelta(seconds=1)
    jobs.heartbeat(live)
    assert jobs.reap_dead(jobs.SCHEDULER, within=THRESHOLD) == []  # both heard from just now
    assert jobs.reap_dead(jobs.SCHEDULER, within=THRESHOLD, now=later, exclude=live) == [dead]
    assert jobs.reap_dead(jobs.SCHEDULER, within=THRESHOLD, now=later, exclude=live) == []
    alive = jobs.live_job_ids(jobs.SCHEDULER, within=THRESHOLD)
    assert alive == {live}
    # periodically: only the dead scheduler's instance goes back; at a start, the unowned one too
    assert orphans.requeue_stranded(lambda: alive, unowned=False) == 1
    assert task_instances.get_task_instance(*b).state == "scheduled"
    assert orphans.requeue_stranded(lambda: alive, unowned=True) == 1
    assert task_instances.get_task_instance(*c).state == "scheduled"
    assert task_instances.get_task_instance(*a).state == "queued"
    # a reaped scheduler that heartbeats again is running again (and says so)
    assert jobs.heartbeat(dead) is False
    assert jobs.heartbeat(dead) is True


def test_alone_within_refuses_a_second_live_scheduler_but_not_a_dead_one(migrated_db: str) -> None:
    from tradewind.store import jobs

    first = jobs.start_job(jobs.SCHEDULER, hostname=socket.gethostname(), pid=os.getpid(), alone_within=THRESHOLD)
    with pytest.raises(SchedulerAlreadyRunning, match=r"already running.*pid"):
        jobs.start_job(jobs.SCHEDULER, hostname="h", pid=2, alone_within=THRESHOLD)
    jobs.end_job(first)
    crashed = jobs.start_job(jobs.SCHEDULER, hostname=socket.gethostname(), pid=2**22 + 12345)  # no such process
    assert crashed and jobs.start_job(jobs.SCHEDULER, hostname="h", pid=3, alone_within=THRESHOLD)
