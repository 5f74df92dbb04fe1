"""The CeleryExecutor's pure parts: the workload's message, what an instance's row means to the executor,
the missing-extra error, and the default queue of an operator."""

from __future__ import annotations

import os
import socket
import sys
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from tradewind.exceptions import ProviderExtraMissing
from tradewind.executors.celery.app import from_message, to_message
from tradewind.executors.messages import PROTOCOL_VERSION, Outcome, Workload

NOW = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)


def test_message_round_trip_claims_only_from_queued() -> None:
    sent = Workload("d", "r", "t", 3, fileloc="/dags/d.py", queue="gpu")
    message = to_message(sent, reply_to="tradewind.events.x", token="abc")
    assert message["version"] == PROTOCOL_VERSION
    workload, reply_to, token = from_message(message)
    assert workload.key == ("d", "r", "t", 3) and workload.fileloc == "/dags/d.py"
    assert workload.queued_only  # a message may come twice or late: the claim decides
    assert (reply_to, token) == ("tradewind.events.x", "abc")


def test_message_of_another_version_is_refused_with_a_reason() -> None:
    message = to_message(Workload("d", "r", "t", -1, fileloc="f"), reply_to="q", token="t")
    message["version"] = PROTOCOL_VERSION + 1
    with pytest.raises(ValueError, match="same Tradewind version"):
        from_message(message)


def _row(state: str, *, pid: int | None = None, host: str | None = None, beat: datetime | None = NOW) -> Any:
    return SimpleNamespace(key=("d", "r", "t", -1), state=state, pid=pid, hostname=host, updated_at=beat)


@pytest.fixture
def executor(tradewind_home: Any) -> Any:
    from tradewind.executors.celery.executor import CeleryExecutor

    return CeleryExecutor(parallelism=4)


def test_what_a_row_means_to_the_executor(executor: Any) -> None:
    here = socket.gethostname()
    assert executor._outcome(_row("queued"), NOW) is None
    assert executor._outcome(_row("running", pid=os.getpid(), host=here), NOW) is None  # alive here
    assert executor._outcome(_row("running", pid=2**22 + 12345, host=here), NOW) == Outcome.FAILED  # gone
    assert executor._outcome(_row("running", pid=1, host="elsewhere"), NOW) is None  # beating elsewhere
    silent = NOW - executor.heartbeat_timeout - timedelta(seconds=1)
    assert executor._outcome(_row("running", pid=1, host="elsewhere", beat=silent), NOW) == Outcome.FAILED
    assert executor._outcome(_row("success"), NOW) == Outcome.SUCCEEDED
    assert executor._outcome(_row("skipped"), NOW) == Outcome.SUCCEEDED
    assert executor._outcome(_row("deferred"), NOW) == Outcome.DEFERRED
    assert executor._outcome(_row("up_for_retry"), NOW) == Outcome.FAILED
    assert executor._outcome(_row("scheduled"), NOW) == Outcome.FAILED  # reset behind our back: not ours
    assert executor._outcome(None, NOW) == Outcome.FAILED  # the run was deleted


def test_missing_celery_names_the_extra(tradewind_home: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.executors import get_executor

    monkeypatch.setitem(sys.modules, "celery", None)
    with pytest.raises(ProviderExtraMissing, match=r"tradewind\[celery\]"):
        get_executor("CeleryExecutor")


def test_an_operator_without_queue_takes_the_configured_default(
    tradewind_home: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.operators.empty import EmptyOperator

    assert EmptyOperator(task_id="a").queue == "default"
    monkeypatch.setenv("TRADEWIND__CELERY__DEFAULT_QUEUE", "batch")
    assert EmptyOperator(task_id="b").queue == "batch"
    assert EmptyOperator(task_id="c", queue="gpu").queue == "gpu"


class _FakeApp:
    """Stands in for the Celery app's send_task only (the broker itself is tested in tests/e2e)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.down = False

    def send_task(self, name: str, *, args: list[Any], queue: str, retry: bool) -> None:
        if self.down:
            raise ConnectionError("broker down")
        self.sent.append({"queue": queue, **args[0]})


def test_sends_again_what_the_broker_refused_or_left_queued(executor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewind.store import task_instances

    app = _FakeApp()
    executor._app = app
    executor._listener = SimpleNamespace(queue="tradewind.events.me", drain=lambda: [], handle=None)
    state = {"s": "queued"}
    monkeypatch.setattr(task_instances, "get_many", lambda keys: [_row(state["s"])])
    app.down = True
    executor.queue(Workload("d", "r", "t", -1, fileloc="f", queue="gpu"))
    assert app.sent == [] and executor.open_slots == 3  # refused, but held: it will be sent
    app.down = False
    assert executor.get_events() == []  # the sync sends it
    assert [m["queue"] for m in app.sent] == ["gpu"] and app.sent[0]["reply_to"] == "tradewind.events.me"
    executor._next_sync = 0.0
    assert executor.get_events() == [] and len(app.sent) == 1  # queued, but not for long yet
    executor.queued_timeout = 0.0
    executor._next_sync = 0.0
    assert executor.get_events() == [] and len(app.sent) == 2  # queued too long: sent again, same token
    assert app.sent[0]["token"] == app.sent[1]["token"]
    state["s"] = "success"
    executor._next_sync = 0.0
    (event,) = executor.get_events()
    assert event.key == ("d", "r", "t", -1) and event.outcome == Outcome.SUCCEEDED
    assert executor.open_slots == 4 and executor.running == set()


@pytest.mark.parametrize("url", ["foo://x", "nothing", "redis:/no-slashes"])
def test_a_broker_url_celery_cannot_use_is_one_clear_error(
    url: str, tradewind_home: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.exceptions import ConfigError
    from tradewind.executors.celery.app import celery_app

    monkeypatch.setenv("TRADEWIND__CELERY__BROKER_URL", url)
    with pytest.raises(ConfigError, match=r"\[celery\] broker_url"):
        celery_app()
