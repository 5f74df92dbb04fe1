"""Every change the web UI, the REST API and the CLI make, with the checks that guard it: one copy for all three.

`dags`, `runs`, `tasks`, `pools`, `variables`, `connections`: each function checks its input, raising an
exception of `tradewind.exceptions` (NotFound, UsageError, StateConflict, …), then calls the store. The API
turns those into a 4xx answer, the UI into the page's message, the CLI into one line and exit status 1.
A run or task instance moves from the state just read (compare-and-set): a lost race raises StateConflict
rather than overwrite a newer state. Nothing here imports web code.
"""

from __future__ import annotations

from tradewind.exceptions import UsageError

MAX_KEY = 250  # variable keys, pool names, conn ids (Airflow's column length)


def checked_key(value: str, what: str) -> str:
    """A name the user typed, trimmed: 1 to MAX_KEY characters."""
    key = value.strip()
    if not key:
        raise UsageError(f"{what} must not be empty")
    if len(key) > MAX_KEY:
        raise UsageError(f"{what} must be at most {MAX_KEY} characters, not {len(key)}")
    return key
