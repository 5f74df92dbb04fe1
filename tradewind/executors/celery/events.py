"""The light event path: a worker tells the executor that sent a workload "look at this instance now".

Each executor consumes a queue of its own on the broker (`tradewind.events.<host>.<pid>.<id>`), in
a thread that wakes the scheduler through a socket pair (the scheduler waits on it with its other
handles). Workers publish one small JSON message there once the try's result is stored. These are
hints, not states: the executor reads the state from the database, and re-reads all it holds every
`[celery] sync_interval` seconds, so a hint lost (a broker restart, a worker killed between storing
and publishing) costs latency, never a task.

On RabbitMQ the queue goes with its consumer's connection (auto-delete), even when the scheduler
is killed. Redis has no such notion: a queue is a list, and hints published to a killed
scheduler's queue would stay there forever. So on Redis each listener keeps a key
`<queue>.alive` that expires unless refreshed, and every listener now and then deletes the event
queues whose `.alive` key is gone: a dead scheduler's leftovers go once another scheduler (the
one taking over its work, or any other) is running.
"""

from __future__ import annotations

import collections
import logging
import os
import random
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from tradewind.executors.celery.app import EVENT_QUEUE_PREFIX

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

_RECONNECT_MAX = 5.0  # seconds between attempts, at most
ALIVE_SUFFIX = ".alive"
ALIVE_TTL = 60.0  # seconds: a listener silent this long is gone (refreshed every ALIVE_TTL / 6)
SWEEP_INTERVAL = 60.0  # seconds between two looks for dead listeners' queues (Redis only)


def event_queue_name() -> str:
    return f"{EVENT_QUEUE_PREFIX}{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}"


class EventListener:
    """Consumes one event queue in a thread; `handle` is readable while events wait in `drain()`."""

    def __init__(
        self, broker_url: str, queue: str, *, alive_ttl: float = ALIVE_TTL, sweep_interval: float = SWEEP_INTERVAL
    ) -> None:
        self.broker_url = broker_url
        self.queue = queue
        self.alive_ttl = alive_ttl
        self.sweep_interval = sweep_interval
        self._events: collections.deque[dict[str, Any]] = collections.deque()
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tradewind-celery-events", daemon=True)

    @property
    def handle(self) -> socket.socket:
        return self._read

    def start(self, timeout: float) -> bool:
        """Start consuming; True once the queue exists on the broker (workers' events then arrive)."""
        self._thread.start()
        return self._ready.wait(timeout)

    def drain(self) -> list[dict[str, Any]]:
        try:
            while self._read.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        events: list[dict[str, Any]] = []
        while self._events:
            events.append(self._events.popleft())
        return events

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._read.close()
        self._write.close()

    def _on_message(self, body: Any, message: Any) -> None:
        if isinstance(body, dict):
            self._events.append(body)
            try:
                self._write.send(b"!")
            except (BlockingIOError, OSError):
                pass  # already readable (or closing)

    def _run(self) -> None:
        from kombu import Connection, Consumer, Queue

        delay = 0.1
        while not self._stop.is_set():
            try:
                with Connection(self.broker_url, connect_timeout=2) as conn:
                    conn.ensure_connection(max_retries=1)
                    leftovers = _RedisLeftovers.of(conn, self.queue, self.alive_ttl, self.sweep_interval)
                    if leftovers is not None:
                        leftovers.tick()  # alive before it consumes: no sweeper takes a queue being born
                    # not durable and deleted with its consumer: nobody reads it once this scheduler is gone
                    queue = Queue(self.queue, routing_key=self.queue, durable=False, auto_delete=True)
                    with Consumer(conn, [queue], callbacks=[self._on_message], accept=["json"], no_ack=True):
                        self._ready.set()
                        delay = 0.1
                        while not self._stop.is_set():
                            try:
                                conn.drain_events(timeout=1.0)
                            except TimeoutError:
                                conn.heartbeat_check()
                            if leftovers is not None:
                                leftovers.tick()
                    if leftovers is not None:
                        leftovers.forget()
            except Exception as exc:  # noqa: BLE001 — the broker went away: reconnect; the DB sync covers the gap
                if self._stop.is_set():
                    break
                log.warning("celery event queue %s: %s; reconnecting in %.1fs", self.queue, exc, delay)
                self._stop.wait(delay)
                delay = min(_RECONNECT_MAX, delay * 2)


class _RedisLeftovers:
    """This listener's `.alive` key on a Redis broker, and the sweep of queues whose listener is gone."""

    def __init__(self, channel: Any, queue: str, alive_ttl: float, sweep_interval: float) -> None:
        self.channel = channel
        self.queue = queue
        self.alive_ttl = alive_ttl
        self.sweep_interval = sweep_interval
        self._next_beat = 0.0
        self._next_sweep = time.monotonic() + sweep_interval * random.uniform(0.1, 1.0)  # schedulers take turns

    @classmethod
    def of(cls, conn: Any, queue: str, alive_ttl: float, sweep_interval: float) -> _RedisLeftovers | None:
        """None unless the broker is Redis (RabbitMQ deletes the queue itself)."""
        if conn.transport.driver_type != "redis":
            return None
        return cls(conn.default_channel, queue, alive_ttl, sweep_interval)

    def tick(self) -> None:
        now = time.monotonic()
        if now < self._next_beat and now < self._next_sweep:
            return
        # a client of the channel's synchronous pool: the consumer's own connection may be waiting on BRPOP
        with self.channel.conn_or_acquire() as client:
            if now >= self._next_beat:
                client.set(self.queue + ALIVE_SUFFIX, os.getpid(), px=int(self.alive_ttl * 1000))
                self._next_beat = now + self.alive_ttl / 6
            if now >= self._next_sweep:
                self._next_sweep = now + self.sweep_interval
                dead = sweep_dead_event_queues(client)
                if dead:
                    log.info("deleted %d event queue(s) of schedulers that are gone: %s", len(dead), ", ".join(dead))

    def forget(self) -> None:
        """A clean stop: the queue is gone with its consumer, its `.alive` key goes too."""
        with self.channel.conn_or_acquire() as client:
            client.delete(self.queue + ALIVE_SUFFIX)


def sweep_dead_event_queues(client: Any) -> list[str]:
    """Delete the event queues on this Redis whose listener stopped refreshing its `.alive` key.

    Deleting a queue whose listener is in fact alive (paused longer than its key's life) loses
    hints only: that executor reads the states at its next sync.
    """
    dead = []
    for raw in client.scan_iter(match=f"{EVENT_QUEUE_PREFIX}*", count=1000):
        name = raw.decode() if isinstance(raw, bytes) else str(raw)
        if not name.endswith(ALIVE_SUFFIX) and not client.exists(name + ALIVE_SUFFIX):
            dead.append(name)
    if dead:
        client.delete(*dead)
    return dead


def publish_event(app: Celery, reply_to: str, body: dict[str, Any]) -> bool:
    """Tell the executor behind `reply_to` to look at an instance; False if the broker did not take it."""
    try:
        with app.producer_or_acquire() as producer:
            producer.publish(
                body,
                exchange="",
                routing_key=reply_to,
                serializer="json",
                delivery_mode=1,  # transient: a hint, not worth a disk write
                retry=True,
                retry_policy={"max_retries": 3, "interval_start": 0.1, "interval_step": 0.5, "interval_max": 1.0},
            )
        return True
    except Exception as exc:  # noqa: BLE001 — the executor's periodic sync reads the state instead
        log.warning("cannot publish the event for %s to %s: %s", body.get("key"), reply_to, exc)
        return False
