"""The key that signs session cookies: `[webserver] secret_key`, created once and saved like the fernet key.

Stdlib and config only, so `db migrate` can call it without importing the web stack.
"""

from __future__ import annotations

import logging
import secrets

log = logging.getLogger(__name__)
_unsaved: str | None = None  # used when the config file cannot be written: one key per process


def ensure_secret_key() -> str:
    """[webserver] secret_key; when empty, generate one and save it in tradewind.toml (as the fernet key).

    Called by `db migrate` and before the webserver starts, so every worker process signs with one key.
    If it cannot be saved, a key lives in this process only (sessions end when it stops).
    """
    from tradewind.config import conf, config_file_path
    from tradewind.config_writer import set_config_option
    from tradewind.exceptions import ConfigError
    from tradewind.secrets.fernet import _file_lock

    global _unsaved
    configured = str(conf.get("webserver", "secret_key", fallback="") or "").strip()
    if configured:
        return configured
    if _unsaved is not None:
        return _unsaved
    key = secrets.token_urlsafe(32)
    try:
        with _file_lock(config_file_path()):  # two first starts must not write two keys
            conf.reload()
            configured = str(conf.get("webserver", "secret_key", fallback="") or "").strip()
            if configured:
                return configured
            set_config_option("webserver", "secret_key", key)
    except (ConfigError, OSError) as exc:
        log.warning(
            "no [webserver] secret_key is set and none could be saved (%s): sessions end with this process", exc
        )
    if not str(conf.get("webserver", "secret_key", fallback="") or "").strip():
        _unsaved = key  # not saved, or overridden by an empty environment variable
    return key
