"""Wake a sleeping scheduler at once when someone triggers, clears or unpauses something.

The scheduler listens on a Unix datagram socket in TRADEWIND_HOME; `notify()` sends it one byte.
Best effort: with no scheduler listening (or on another machine) the change is still picked up
by the scheduler's periodic sweep, only later. Several schedulers sharing one TRADEWIND_HOME:
the one started last listens, the others see the change at their sweep.

The byte says what changed: `QUEUED` (a run was queued by a trigger) asks only to start queued
runs, which costs a few statements; anything else (`CHANGED`: a clear, a mark, an unpause, a
dataset event) asks for a sweep that re-reads everything.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def socket_path() -> Path:
    from tradewind.config import tradewind_home

    return tradewind_home() / "scheduler.wake"


QUEUED = b"q"
CHANGED = b"!"


def notify(what: bytes = CHANGED) -> None:
    """Tell a listening scheduler `what` changed (`QUEUED` or `CHANGED`)."""
    path = socket_path()
    if not path.exists():
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.sendto(what, str(path))
    except OSError:
        pass


class WakeListener:
    """The scheduler's end: a socket to wait on, drained after each wake-up."""

    def __init__(self) -> None:
        self.path = socket_path()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        self.sock.bind(str(self.path))
        self._inode = os.stat(self.path).st_ino  # a second scheduler in this home binds its own

    def fileno(self) -> int:
        return self.sock.fileno()

    def drain(self) -> set[bytes]:
        """Read every pending wake-up; what they said changed."""
        heard: set[bytes] = set()
        while True:
            try:
                heard.add(self.sock.recv(64))
            except (BlockingIOError, OSError):
                return heard

    def close(self) -> None:
        """Close, and remove the socket file unless another scheduler has bound the path since."""
        self.sock.close()
        try:
            if os.stat(self.path).st_ino == self._inode:
                os.unlink(self.path)
        except OSError:
            pass
