"""Encryption at rest for connection passwords and extras, with `[core] fernet_key` (Airflow's scheme).

The key may be a comma-separated list: the first encrypts, every one decrypts (MultiFernet), so
a key is rotated by putting the new one first and running `tradewind rotate-fernet-key`.
`cryptography` is imported on first use only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from tradewind.exceptions import ConfigError, FernetKeyError

log = logging.getLogger(__name__)


def configured_key() -> str:
    from tradewind.config import conf

    return str(conf.get("core", "fernet_key", fallback="") or "").strip()


@lru_cache(maxsize=4)
def _fernet_for(key: str) -> Any:
    from cryptography.fernet import Fernet, MultiFernet

    parts = [p.strip() for p in key.split(",") if p.strip()]
    try:
        return MultiFernet([Fernet(p.encode()) for p in parts])
    except (ValueError, TypeError):
        raise FernetKeyError(
            "[core] fernet_key is not a valid Fernet key (32 url-safe base64-encoded bytes; "
            "make one with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
        ) from None


def get_fernet() -> Any | None:
    """The MultiFernet for the configured key(s), or None when no key is configured."""
    key = configured_key()
    return _fernet_for(key) if key else None


def generate_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def ensure_fernet_key() -> str | None:
    """Create and save a key into tradewind.toml when none is configured; returns the key (None if it cannot be saved)."""
    if configured_key():
        return configured_key()
    from tradewind.config import conf, config_file_path
    from tradewind.config_writer import set_config_option

    key = generate_key()
    try:
        with _file_lock(config_file_path()):  # two first-time processes must not write two keys
            conf.reload()
            if configured_key():
                return configured_key()
            path = set_config_option("core", "fernet_key", key)
    except (ConfigError, OSError) as exc:
        log.warning("no [core] fernet_key is set and none could be saved (%s): secrets are stored unencrypted", exc)
        return None
    if not configured_key():  # e.g. TRADEWIND__CORE__FERNET_KEY="" overrides the file
        log.warning("saved a new fernet_key in %s, but the environment overrides it with an empty value", path)
        return None
    log.info("created a new [core] fernet_key in %s", path)
    return key


@contextmanager
def _file_lock(config_path: Path) -> Iterator[None]:
    import fcntl

    config_path.parent.mkdir(parents=True, exist_ok=True)
    with open(config_path.with_name(config_path.name + ".lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def encrypt(value: str) -> tuple[str, bool]:
    """(stored text, is_encrypted): encrypted when a key exists (one is created if needed)."""
    fernet = get_fernet()
    if fernet is None and ensure_fernet_key() is not None:
        fernet = get_fernet()
    if fernet is None:
        return value, False
    return fernet.encrypt(value.encode("utf-8")).decode("ascii"), True


def decrypt(token: str, *, what: str) -> str:
    """The clear text of an encrypted value; `what` names it in the error ("connection 'x' password")."""
    from cryptography.fernet import InvalidToken

    fernet = get_fernet()
    if fernet is None:
        raise FernetKeyError(f"cannot decrypt the {what}: it is encrypted but [core] fernet_key is not set")
    try:
        return fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise FernetKeyError(
            f"cannot decrypt the {what}: [core] fernet_key is not the key it was encrypted with"
        ) from None


def rotate(token: str, *, what: str) -> str:
    """Re-encrypt with the first key (after decrypting with any of them)."""
    from cryptography.fernet import InvalidToken

    fernet = get_fernet()
    if fernet is None:
        raise FernetKeyError("cannot rotate: [core] fernet_key is not set")
    try:
        return fernet.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise FernetKeyError(f"cannot rotate the {what}: none of the [core] fernet_key keys decrypts it") from None
