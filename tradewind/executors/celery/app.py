"""The Celery application of the scheduler and the workers, and the workload's message on the wire.

One task, `tradewind.execute_workload`, whose single argument is a JSON object (`to_message`):
the task instance's key, its DAG file, the event queue of the executor that sent it and a token
that executor gave this send. Nothing in it is a state: the worker claims the try in the
database, which decides whether it runs.

Delivery is at least once: acks late (`task_acks_late`), the message is requeued if its worker
dies (`task_reject_on_worker_lost`) and a worker takes one message at a time per process
(`worker_prefetch_multiplier = 1`). A message delivered twice or late finds its instance no longer
`queued` and runs nothing (`Workload.queued_only`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import ConfigError
from tradewind.executors.messages import PROTOCOL_VERSION, Workload

if TYPE_CHECKING:
    from celery import Celery

TASK_NAME = "tradewind.execute_workload"
EVENT_QUEUE_PREFIX = "tradewind.events."


def settings() -> dict[str, Any]:
    """`[celery]` as Celery's own settings (the names are Airflow's, the values Celery's)."""
    from tradewind.config import conf

    broker_url = str(conf.get("celery", "broker_url")).strip()
    if not broker_url:
        raise ConfigError("[celery] broker_url is empty: set it to redis://… or amqp://…")
    backend = str(conf.get("celery", "result_backend", fallback="") or "").strip()
    return {
        "broker_url": broker_url,
        "result_backend": backend or None,
        "task_ignore_result": True,  # states live in the metadata database, never in the result backend
        "task_default_queue": default_queue(),
        "task_create_missing_queues": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # a pool process starts its fork server and rehearses a task before it says it is up (worker.py)
        "worker_proc_alive_timeout": 120.0,
        "worker_concurrency": conf.getint("celery", "worker_concurrency"),
        "task_serializer": "json",
        "accept_content": ["json"],
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "broker_connection_retry_on_startup": True,
        # a running task keeps running when the broker goes away: its try is in the database, its
        # message (not acked) comes back later and finds the instance no longer queued
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "broker_connection_timeout": conf.getfloat("celery", "operation_timeout"),
    }


def default_queue() -> str:
    from tradewind.config import conf

    return str(conf.get("celery", "default_queue", fallback="default")) or "default"


@functools.cache
def _app_for(key: tuple[tuple[str, Any], ...]) -> Celery:
    from tradewind.providers.extras import require

    celery = require("celery", "celery")
    app = celery.Celery("tradewind", set_as_current=False)
    app.conf.update(dict(key))
    app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True)(_execute_workload)
    return app


def celery_app() -> Celery:
    """The Celery application for the current `[celery]` settings (one per distinct settings)."""
    conf = settings()
    _check_broker(conf["broker_url"])
    return _app_for(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in conf.items())))


def _check_broker(url: str) -> None:
    """A broker URL Celery cannot use is the user's mistake: one line, not kombu's KeyError."""
    from tradewind.providers.extras import require

    require("celery", "celery")
    from kombu.transport import resolve_transport

    scheme = url.split("://", 1)[0] if "://" in url else ""
    try:
        if not scheme:
            raise KeyError("no scheme")
        resolve_transport(scheme)
    except (KeyError, ImportError) as exc:
        raise ConfigError(
            f"[celery] broker_url {url.split('@')[-1]!r}: no such Celery transport {scheme!r} (use redis://… or amqp://…): {exc}"
        ) from None


def _execute_workload(message: dict[str, Any]) -> str:
    """The Celery task's body (runs in a worker's pool process): see worker.execute."""
    from tradewind.executors.celery.worker import execute

    return execute(message)


def to_message(workload: Workload, *, reply_to: str, token: str) -> dict[str, Any]:
    return {
        "version": PROTOCOL_VERSION,
        "dag_id": workload.dag_id,
        "run_id": workload.run_id,
        "task_id": workload.task_id,
        "map_index": workload.map_index,
        "fileloc": workload.fileloc,
        "reply_to": reply_to,
        "token": token,
    }


def from_message(message: dict[str, Any]) -> tuple[Workload, str, str]:
    """The workload (claimed only while queued), the sender's event queue and the send's token."""
    if message.get("version") != PROTOCOL_VERSION:
        raise ValueError(
            f"a workload of protocol version {message.get('version')!r}; this worker speaks {PROTOCOL_VERSION}"
            " (scheduler and workers must run the same Tradewind version)"
        )
    workload = Workload(
        str(message["dag_id"]),
        str(message["run_id"]),
        str(message["task_id"]),
        int(message["map_index"]),
        fileloc=str(message["fileloc"]),
        queued_only=True,
    )
    return workload, str(message["reply_to"]), str(message["token"])
