"""How a running task reaches the store: through the client installed for its process.

In a task's own process (an executor's) the client is a `ChannelClient`: each request goes to
the supervising worker over the task protocol (protocol.py) and the task waits for the answer.
Everywhere else (`dags test`, `tasks test`, `python my_dag.py`, the scheduler's own inline runs)
it is the `DirectClient`, which answers from the store in process. Task code calls `request()`
and does not know which it has.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from tradewind.runtime import protocol


class Client(Protocol):
    def request(self, message: Any) -> Any:
        """The answer to one request of protocol.py (raises the error the store met)."""
        ...


class DirectClient:
    """Answers in this process, from the store (imported on first use)."""

    def request(self, message: Any) -> Any:
        from tradewind.runtime.store_requests import answer

        return answer(message)


class ChannelClient:
    """Asks the supervisor over `channel`, one request at a time (a lock keeps a task's threads in turn)."""

    def __init__(self, channel: protocol.Channel) -> None:
        self.channel = channel
        self._lock = threading.Lock()

    def request(self, message: Any) -> Any:
        with self._lock:
            self.channel.send(message)
            reply = self.channel.recv()
        if isinstance(reply, protocol.ErrorReply):
            protocol.raise_error(reply)
        if isinstance(reply, protocol.Value):
            return reply.value
        if isinstance(reply, protocol.ResultStored):
            return reply.stored
        raise protocol.ProtocolError(f"unexpected answer {type(reply).__name__} to {type(message).__name__}")


_DIRECT = DirectClient()
_client: Client = _DIRECT


def request(message: Any) -> Any:
    """Ask the store, through this process's client, for what `message` asks."""
    return _client.request(message)


def install(client: Client | None) -> None:
    """Route this process's requests through `client` (None: back to the store in process)."""
    global _client
    _client = client if client is not None else _DIRECT


def current() -> Client:
    return _client
