"""Linux's parent-death signal: a child that must not outlive its parent, even one killed with SIGKILL.

`prctl(PR_SET_PDEATHSIG)` asks the kernel to send the child a signal when the thread that forked
it ends; it survives `exec`. It is set in the child right after `fork` (a `preexec_fn`, or the
forked child itself), then the parent is checked once more: if it died before the call took
effect, the child exits at once. Elsewhere (no prctl) it is a no-op.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def die_with(parent: int, sig: int = signal.SIGKILL) -> None:
    """In a child of `parent`: receive `sig` when the parent dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig))
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def preexec(sig: int = signal.SIGTERM, *, new_session: bool = False) -> Callable[[], None]:
    """A `subprocess.Popen(preexec_fn=...)` making the child die with this process (SIGTERM: it stops cleanly).

    `new_session`: also `setsid()` (what `start_new_session=True` does, which cannot be combined
    with a `preexec_fn` that must run after it).
    """
    parent = os.getpid()

    def setup() -> None:
        if new_session:
            os.setsid()
        die_with(parent, sig)

    return setup
