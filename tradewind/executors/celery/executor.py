"""CeleryExecutor: the scheduler's side. Workloads go to the broker; outcomes are read from the database.

`queue()` publishes a workload to the Celery queue its operator names (`queue=`, default
`[celery] default_queue`). The executor then knows an instance only by what the database says:
a worker's event (events.py) makes it read those rows at once, and every `[celery] sync_interval`
seconds it reads all the rows it holds. An instance is reported (a `TaskEvent`, with the row) once
it is neither `queued` nor `running`, or once it is `running` with nobody left to finish it
(process gone on this host, or silent past `[scheduler] task_instance_heartbeat_timeout`): the scheduler's
orphan checks then fail or retry it by its rules.

A publish that fails (broker down) is kept and retried at each sync; an instance still `queued`
`[celery] task_queued_timeout` seconds after its send is sent again (its first message may have
been lost with a broker that keeps nothing on disk). Duplicates are harmless: a worker claims a
try only while the instance is `queued`, in one compare-and-set.
"""

from __future__ import annotations

import collections
import logging
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tradewind.executors.messages import DAG_CALLBACK, Outcome, TaskEvent, TIKey, Workload
from tradewind.states import SUCCESS_LIKE, TaskState

if TYPE_CHECKING:
    from tradewind.executors.celery.events import EventListener
    from tradewind.store.records import TaskInstanceRecord

log = logging.getLogger(__name__)


@dataclass
class _Sent:
    workload: Workload
    token: str
    sent_at: float | None  # monotonic; None while the broker has not taken it


class CeleryExecutor:
    def __init__(self, parallelism: int) -> None:
        from tradewind.config import conf
        from tradewind.scheduler.orphans import heartbeat_timeout

        self.parallelism = parallelism
        self.sync_interval = conf.getfloat("celery", "sync_interval")
        self.queued_timeout = conf.getfloat("celery", "task_queued_timeout")
        self.heartbeat_timeout = heartbeat_timeout()
        self._running: dict[TIKey, _Sent] = {}
        self._unsent: collections.deque[_Sent] = collections.deque()  # DAG callbacks the broker refused
        self._listener: EventListener | None = None
        self._app: Any = None
        self._next_sync = 0.0
        self._here = socket.gethostname()

    def start(self) -> None:
        from tradewind.executors.celery.app import celery_app
        from tradewind.executors.celery.events import EventListener, event_queue_name

        self._app = celery_app()
        self._listener = EventListener(self._app.conf.broker_url, event_queue_name())
        if not self._listener.start(timeout=10.0):
            log.warning("the celery broker does not answer yet: outcomes are read from the database until it does")

    # --- sending --------------------------------------------------------------------------------
    def queue(self, workload: Workload) -> None:
        sent = _Sent(workload, uuid.uuid4().hex, None)
        if workload.task_id != DAG_CALLBACK:  # a DAG callback holds no slot and has no state to wait for
            self._running[workload.key] = sent
        if not self._send(sent) and workload.task_id == DAG_CALLBACK:
            self._unsent.append(sent)

    def hand_to_idle(self, workload: Workload) -> bool:
        return False  # a broker's round trip: never inside the scheduler's transaction

    def top_up(self) -> None:
        pass

    def _send(self, sent: _Sent) -> bool:
        from tradewind.executors.celery.app import TASK_NAME, default_queue, to_message

        assert self._app is not None and self._listener is not None, "start() the executor first"
        message = to_message(sent.workload, reply_to=self._listener.queue, token=sent.token)
        try:
            self._app.send_task(TASK_NAME, args=[message], queue=sent.workload.queue or default_queue(), retry=False)
        except Exception as exc:  # noqa: BLE001 — the broker is down: sent again at the next sync
            log.warning("cannot send %s to the celery broker (%s): retrying at the next sync", sent.workload.key, exc)
            return False
        sent.sent_at = time.monotonic()
        return True

    # --- hearing --------------------------------------------------------------------------------
    @property
    def open_slots(self) -> int:
        return self.parallelism - len(self._running)

    @property
    def running(self) -> set[TIKey]:
        return set(self._running)

    def event_handles(self) -> list[Any]:
        return [self._listener.handle] if self._listener is not None else []

    def get_events(self) -> list[TaskEvent]:
        if self._app is None:  # not started, or ended: what is left is read from the database once
            return self._check(set(self._running)) if self._running else []
        hinted: set[TIKey] = set()
        if self._listener is not None:
            for event in self._listener.drain():
                key = _key(event.get("key"))
                if key is not None and key in self._running:
                    hinted.add(key)
        now = time.monotonic()
        if now >= self._next_sync:
            self._next_sync = now + self.sync_interval
            self._resend()
            hinted.update(self._running)
        return self._check(hinted) if hinted else []

    def _check(self, keys: set[TIKey]) -> list[TaskEvent]:
        """Read these instances; report those this executor is done with."""
        from tradewind.store import task_instances

        try:
            rows = {r.key: r for r in task_instances.get_many(keys)}
        except Exception as exc:  # noqa: BLE001 — the database is unwell: try again at the next sync
            log.warning("cannot read the state of %d celery task(s): %s", len(keys), exc)
            self._next_sync = 0.0
            return []
        now = datetime.now(timezone.utc)
        clock = time.monotonic()
        events: list[TaskEvent] = []
        for key in keys:
            row = rows.get(key)
            outcome = self._outcome(row, now)
            if outcome is not None:
                del self._running[key]
                events.append(TaskEvent(key, outcome, row))
            elif row is not None and row.state == TaskState.QUEUED:
                sent = self._running[key]
                if sent.sent_at is not None and clock - sent.sent_at >= self.queued_timeout:
                    log.warning("%s still queued %.0fs after its send: sending it again", key, self.queued_timeout)
                    self._send(sent)
        return events

    def _outcome(self, row: TaskInstanceRecord | None, now: datetime) -> Outcome | None:
        """What to report for an instance, or None while it is still on its way (queued, or running alive)."""
        from tradewind.scheduler.orphans import vanished

        if row is None:
            return Outcome.FAILED  # the run was deleted
        if row.state == TaskState.QUEUED:
            return None
        if row.state == TaskState.RUNNING:
            why = vanished(row, heartbeat_timeout=self.heartbeat_timeout, now=now, here=self._here)
            if why is None:
                return None
            log.warning("%s: %s (its celery worker is gone?)", row.key, why)
            return Outcome.FAILED  # no longer ours to vouch for: the scheduler's orphan checks take it
        if row.state == TaskState.DEFERRED:
            return Outcome.DEFERRED
        return Outcome.SUCCEEDED if row.state in SUCCESS_LIKE else Outcome.FAILED

    def _resend(self) -> None:
        """Send again what the broker refused (a workload still `queued` too long is resent by `_check`)."""
        for _ in range(len(self._unsent)):
            sent = self._unsent.popleft()
            if not self._send(sent):
                self._unsent.append(sent)
        for sent in self._running.values():
            if sent.sent_at is None:
                self._send(sent)

    def end(self, timeout: float) -> None:
        """Stop hearing events. Tasks already on workers finish there; the database records them."""
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self._app = None


def _key(value: Any) -> TIKey | None:
    if isinstance(value, list) and len(value) == 4:
        return (str(value[0]), str(value[1]), str(value[2]), int(value[3]))
    return None
