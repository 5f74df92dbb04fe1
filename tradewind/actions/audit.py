"""The audit log's writer: who is acting (set once per request or CLI command), and `record()`, which
every action in this package calls after a change succeeds.

The actor lives in a context variable: the API and the UI set it when they resolve the caller
(`tradewind.api.security`), the CLI when it starts (`tradewind.cli.main`), so the actions need no
extra parameter and none of the three ways in can forget it. Whatever runs without one (a task
process, the scheduler) is recorded as the OS user, `via: "system"`.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: `via` is ui, api, cli or system; `address` the client's, if any."""

    owner: str
    display_name: str | None = None
    via: str = "system"
    address: str | None = None
    command: str | None = None  # the CLI command (`dags trigger`), for a CLI actor


_actor: ContextVar[Actor | None] = ContextVar("tradewind_actor", default=None)


def os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


def set_actor(actor: Actor | None) -> None:
    """Who the actions of this request, command or thread are done by."""
    _actor.set(actor)


def current_actor() -> Actor:
    return _actor.get() or Actor(os_user(), via="system")


def record(
    event: str,
    *,
    dag_id: str | None = None,
    run_id: str | None = None,
    task_id: str | None = None,
    map_index: int | None = None,
    try_number: int | None = None,
    execution_date: datetime | None = None,
    **details: Any,
) -> None:
    """Append one event for the current actor; `details` go into `extra` with `via` and the address.

    The change it describes has happened already: a database that refuses the line is a warning
    in the log, not an error for the user.
    """
    from tradewind.store.event_log import add_event

    actor = current_actor()
    where = {"address": actor.address, "command": actor.command}
    extra = {"via": actor.via, **{k: v for k, v in where.items() if v}, **details}
    try:
        add_event(
            event=event[:60],
            dag_id=dag_id,
            run_id=run_id,
            task_id=task_id,
            map_index=map_index,
            try_number=try_number,
            execution_date=execution_date,
            owner=actor.owner,
            owner_display_name=actor.display_name,
            extra=json.dumps(extra, default=str),
        )
    except Exception as exc:  # noqa: BLE001 - the change is done; a lost audit line must not undo or hide it
        log.warning("audit log: could not record %s by %s: %s", event, actor.owner, exc)
