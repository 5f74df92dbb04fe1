"""`Triggerer`: every waiting trigger as one asyncio task in one loop; events and timeouts go to the store.

Each pass (every `POLL_INTERVAL` seconds) times out late deferrals, drops triggers nobody waits on any
more, starts the triggers new deferrals stored, and cancels those whose instance was cleared or
marked. A trigger's first event schedules its instance to resume (`triggers.fire_trigger`) and wakes a
scheduler on this machine (its wake-up socket; elsewhere, its next sweep finds it), which then
queues it like any other scheduled instance. Triggers live in the database, so a
triggerer that dies loses nothing: the next one starts them again (a `DateTimeTrigger` waits for
an absolute moment, so it still fires on time).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable
from datetime import datetime, timezone

from tradewind.runtime.deferral import first_event
from tradewind.scheduler.wakeup import notify
from tradewind.store import jobs, triggers
from tradewind.store.records import TriggerRecord
from tradewind.triggers.base import load_trigger

log = logging.getLogger(__name__)

#: Seconds between passes: how soon a new deferral's trigger starts, and a timeout is noticed.
POLL_INTERVAL = 1.0


class Triggerer:
    """Runs in `run()` until `stop()`; `num_runs` > 0 ends it after that many passes, `until()` once it is true."""

    def __init__(self, num_runs: int = -1, until: Callable[[], bool] | None = None) -> None:
        self.num_runs = num_runs
        self.until = until
        self.running: dict[int, asyncio.Task[None]] = {}
        self._stop: asyncio.Event | None = None

    def run(self) -> None:
        asyncio.run(self._main())

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        job_id = jobs.start_job(jobs.TRIGGERER, hostname=socket.gethostname(), pid=os.getpid())
        log.info("triggerer started (job %s)", job_id)
        passes = 0
        try:
            while not self._stop.is_set():
                self.pass_once(datetime.now(timezone.utc))
                jobs.heartbeat(job_id)
                passes += 1
                if 0 < self.num_runs <= passes or (self.until is not None and self.until()):
                    break
                try:
                    await asyncio.wait_for(self._stop.wait(), POLL_INTERVAL)
                except TimeoutError:
                    pass
        finally:
            for task in self.running.values():
                task.cancel()
            await asyncio.gather(*self.running.values(), return_exceptions=True)
            jobs.end_job(job_id)
            log.info("triggerer stopped")

    def pass_once(self, now: datetime) -> None:
        """Time out late deferrals, then run exactly the triggers some instance still waits on."""
        if timed_out := triggers.time_out_deferrals(now):
            log.info("%d deferral(s) timed out", timed_out)
            notify()
        triggers.delete_unused_triggers()
        waiting = {t.id: t for t in triggers.waiting_triggers()}
        for trigger_id in set(self.running) - set(waiting):
            self.running.pop(trigger_id).cancel()  # nobody waits on it any more
        for trigger_id, record in waiting.items():
            if trigger_id not in self.running:
                self.running[trigger_id] = asyncio.create_task(self._watch(record))

    async def _watch(self, record: TriggerRecord) -> None:
        """Run one trigger until its first event, and store the event (or the trigger's failure)."""
        try:
            trigger = load_trigger(record.classpath, record.kwargs or {})
            trigger.trigger_id = record.id
            log.info("trigger %s started: %r", record.id, trigger)
            event = await first_event(trigger, None)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 — a broken trigger fails its task, never the triggerer
            log.exception("trigger %s failed", record.id)
            triggers.fail_trigger(record.id, f"{type(exc).__name__}: {exc}")
            notify()
        else:
            moved = triggers.fire_trigger(record.id, event.payload)
            log.info("trigger %s fired %r: %d task instance(s) scheduled to resume", record.id, event, moved)
            if moved:
                notify()
        finally:
            if self.running.get(record.id) is asyncio.current_task():
                del self.running[record.id]
