"""Redact known secrets from task logs and CLI output, as Airflow's secrets masker does.

Secrets are registered when they are read (a connection's password, a sensitive variable) and
replaced by `***` wherever they later appear in a log line. The registry is per process: a
task runs in its own process (or in `dags test`'s), so what it read is what gets masked.
Stdlib only; cheap to import.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

MASK = "***"

#: Airflow's default sensitive field names: a key containing one of these hides its value.
SENSITIVE_KEYWORDS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "authorization",
        "passphrase",
        "passwd",
        "password",
        "private_key",
        "secret",
        "token",
        "keyfile_dict",
        "service_account",
    }
)

#: Shorter secrets are not masked: replacing every "ab" in a log would hide more than it protects
#: (Airflow 3's `min_length_masked_secret` default).
MIN_SECRET_LENGTH = 5

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def should_hide_value_for_key(name: Any) -> bool:
    """True when a variable name or extra key looks like it holds a secret."""
    if not isinstance(name, str):
        return False
    lowered = name.strip().lower()
    return any(word in lowered for word in SENSITIVE_KEYWORDS)


def mask_secret(secret: Any, name: str | None = None) -> None:
    """Register `secret` for redaction. Dicts register the values of sensitive keys (recursively).

    A string with a `name` that does not look sensitive is ignored, as in Airflow.
    """
    global _pattern
    added = False
    for value in _collect(secret, name):
        if len(value) < MIN_SECRET_LENGTH:
            continue
        for variant in (value, quote(value, safe=""), value.replace("\n", "\\n")):
            with _lock:
                if variant not in _secrets:
                    _secrets.add(variant)
                    added = True
    if added:
        with _lock:
            _pattern = None


def _collect(secret: Any, name: str | None) -> Iterable[str]:
    if secret is None:
        return
    if isinstance(secret, Mapping):
        for key, value in secret.items():
            if should_hide_value_for_key(key):
                yield from _all_strings(value)
            elif isinstance(value, (Mapping, list, tuple, set)):
                yield from _collect(value, None)
    elif isinstance(secret, str):
        if name is None or should_hide_value_for_key(name):
            yield secret
    elif isinstance(secret, (list, tuple, set, frozenset)):
        for item in secret:
            yield from _collect(item, name)


def _all_strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _all_strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _all_strings(item)


def _compiled() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _secrets:
            longest_first = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(re.escape(s) for s in longest_first))
        return _pattern


def redact_text(text: str) -> str:
    pattern = _compiled()
    return pattern.sub(MASK, text) if pattern is not None and text else text


def redact(value: Any, name: str | None = None) -> Any:
    """A copy of `value` with registered secrets replaced, and sensitive keys' values hidden."""
    if name is not None and should_hide_value_for_key(name) and value not in (None, ""):
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact(v, k if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact(v) for v in value)
    return value


def reset_masker() -> None:
    """Forget every registered secret (tests)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record with secrets replaced by `***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _compiled() is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logging's problem, not ours
            return True
        record.msg, record.args = redact_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True
