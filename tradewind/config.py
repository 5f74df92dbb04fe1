"""Configuration: built-in defaults, then `$TRADEWIND_HOME/tradewind.toml`, then the environment.

Airflow users know the rules already: every option lives in a `[section]`, and an environment
variable `TRADEWIND__SECTION__KEY` (like `AIRFLOW__SECTION__KEY`) overrides it. The environment
is read at every lookup and the file is re-read only when its mtime changes, so tests (and a
long-running scheduler) see changes without restarting. Stdlib only: this module is imported on
the CLI's fast path.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Any

from tradewind.exceptions import ConfigError

ENV_PREFIX = "TRADEWIND__"
HOME_PLACEHOLDER = "{TRADEWIND_HOME}"

#: Built-in defaults; Airflow's option names wherever Airflow has the option.
DEFAULTS: dict[str, dict[str, Any]] = {
    "core": {
        "dags_folder": "{TRADEWIND_HOME}/dags",
        "plugins_folder": "{TRADEWIND_HOME}/plugins",
        "load_examples": True,
        "test_connection": "Disabled",  # Airflow's: POST /connections/test only when "Enabled"
        "default_timezone": "utc",
        "parallelism": 32,
        "max_active_tasks_per_dag": 16,
        "max_active_runs_per_dag": 16,
        "dags_are_paused_at_creation": True,
        "dag_file_processor_timeout": 50,
        "dagbag_import_timeout": 30,
        "default_task_retries": 0,
        "default_task_retry_delay": 300,
        "max_task_retry_delay": 86400,
        "retry_delay_scale": 1.0,
        "killed_task_cleanup_time": 60,
        "fernet_key": "",
        "catchup_by_default": True,
        "cron_runs_at_tick": False,
        "airflow_compat": True,
        "default_pool_task_slot_count": 128,
        "hostname_callable": "socket.getfqdn",
    },
    "database": {
        "sql_alchemy_conn": "sqlite:///{TRADEWIND_HOME}/tradewind.db",
        "auto_migrate": True,
        "sql_alchemy_pool_size": 5,
        "sql_alchemy_pool_pre_ping": True,
        "sql_alchemy_echo": False,
    },
    "executor": {
        "tasks_per_process": 1,
    },
    "celery": {
        "broker_url": "redis://127.0.0.1:6379/0",
        "result_backend": "",
        "worker_concurrency": 16,
        "default_queue": "default",
        "sync_interval": 5,
        "task_queued_timeout": 600,
        "operation_timeout": 1.0,
    },
    "logging": {
        "base_log_folder": "{TRADEWIND_HOME}/logs",
        "logging_level": "INFO",
    },
    "scheduler": {
        "scheduler_heartbeat_sec": 5,
        "min_file_process_interval": 30,
        "dag_dir_list_interval": 5,
        "parsing_processes": 2,
        "task_heartbeat_interval": 5,
        "task_instance_heartbeat_timeout": 120,
        "sweep_interval": 2,
        "graceful_shutdown_timeout": 30,
        "scheduler_health_check_threshold": 30,
        "orphaned_tasks_check_interval": 10,
    },
    "smtp": {
        "smtp_host": "localhost",
        "smtp_port": 25,
        "smtp_starttls": False,
        "smtp_ssl": False,
        "smtp_user": "",
        "smtp_password": "",
        "smtp_mail_from": "tradewind@localhost",
        "smtp_timeout": 30,
        "smtp_retry_limit": 5,
    },
    "webserver": {
        "web_server_port": 8080,
        "web_server_host": "0.0.0.0",
        "workers": 1,
        "secret_key": "",
        "forwarded_allow_ips": "",
        "default_ui_timezone": "UTC",  # Airflow's option: the zone times are shown in until a viewer picks one
        "expose_config": False,  # GET /api/v1/config (Airflow's; "non-sensitive-only" hides secrets)
    },
}

_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def tradewind_home() -> Path:
    """`$TRADEWIND_HOME`, default `~/tradewind` (Airflow's `~/airflow`)."""
    return Path(os.environ.get("TRADEWIND_HOME") or "~/tradewind").expanduser()


def config_file_path() -> Path:
    """`$TRADEWIND_CONFIG` if set (as `AIRFLOW_CONFIG`), else `$TRADEWIND_HOME/tradewind.toml`."""
    explicit = os.environ.get("TRADEWIND_CONFIG")
    return Path(explicit).expanduser() if explicit else tradewind_home() / "tradewind.toml"


@functools.lru_cache(maxsize=8)
def _config_file_path_cached(explicit: str | None, home: str | None) -> Path:
    """config_file_path() for these environment values: every option lookup checks the file, so cheaply."""
    return config_file_path()


def _expand(value: Any) -> Any:
    if isinstance(value, str) and HOME_PLACEHOLDER in value:
        return value.replace(HOME_PLACEHOLDER, str(tradewind_home()))
    return value


def _env_name(section: str, key: str) -> str:
    return f"{ENV_PREFIX}{section.upper()}__{key.upper()}"


class Config:
    """Layered lookup; `conf` below is the one instance everyone uses."""

    def __init__(self) -> None:
        self._file_key: tuple[str, int, int] | None = None
        self._file_data: dict[str, dict[str, Any]] = {}

    # --- sources ---------------------------------------------------------------------------
    def _file(self) -> dict[str, dict[str, Any]]:
        """The TOML file's options, lower-cased; re-parsed only when path, mtime or size change."""
        path = _config_file_path_cached(os.environ.get("TRADEWIND_CONFIG"), os.environ.get("TRADEWIND_HOME"))
        try:
            st = path.stat()
        except OSError:
            self._file_key, self._file_data = None, {}
            return self._file_data
        key = (str(path), st.st_mtime_ns, st.st_size)
        if key != self._file_key:
            try:
                with path.open("rb") as fh:
                    raw = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"cannot parse {path}: {exc}") from None
            except OSError as exc:
                raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
            data: dict[str, dict[str, Any]] = {}
            for section, values in raw.items():
                if not isinstance(values, dict):
                    raise ConfigError(f"{path}: '{section}' must be a [section] table, not a bare value")
                data.setdefault(section.lower(), {}).update({k.lower(): v for k, v in values.items()})
            self._file_key, self._file_data = key, data
        return self._file_data

    def _lookup(self, section: str, key: str) -> Any:
        section, key = section.lower(), key.lower()
        env = os.environ.get(_env_name(section, key))
        if env is not None:
            return _expand(env)
        file_section = self._file().get(section)
        if file_section is not None and key in file_section:
            return _expand(file_section[key])
        defaults = DEFAULTS.get(section)
        if defaults is not None and key in defaults:
            return _expand(defaults[key])
        return _MISSING

    # --- getters ---------------------------------------------------------------------------
    def get(self, section: str, key: str, fallback: Any = _MISSING) -> Any:
        """The raw value: a string when it comes from the environment or a TOML string."""
        value = self._lookup(section, key)
        if value is _MISSING:
            if fallback is not _MISSING:
                return fallback
            raise ConfigError(f"no such config option: [{section.lower()}] {key.lower()}")
        return value

    def has_option(self, section: str, key: str) -> bool:
        return self._lookup(section, key) is not _MISSING

    def _typed(self, section: str, key: str, fallback: Any, convert: Any, what: str) -> Any:
        value = self._lookup(section, key)
        if value is _MISSING:
            return self.get(section, key, fallback)
        try:
            return convert(value)
        except (TypeError, ValueError):
            raise ConfigError(f"config option {section.lower()}.{key.lower()} must be {what}, got {value!r}") from None

    def getint(self, section: str, key: str, fallback: Any = _MISSING) -> int:
        return self._typed(section, key, fallback, _to_int, "an integer")

    def getfloat(self, section: str, key: str, fallback: Any = _MISSING) -> float:
        return self._typed(section, key, fallback, _to_float, "a number")

    def getboolean(self, section: str, key: str, fallback: Any = _MISSING) -> bool:
        return self._typed(section, key, fallback, _to_bool, "a boolean (true/false, 1/0, yes/no)")

    def getpath(self, section: str, key: str, fallback: Any = _MISSING) -> Path:
        """A path with `~` expanded (not resolved: a relative path stays relative to the cwd)."""
        value = self.get(section, key, fallback)
        return Path(str(value)).expanduser()

    # --- whole view ------------------------------------------------------------------------
    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every option with its effective value (env over file over defaults)."""
        merged: dict[str, dict[str, Any]] = {s: dict(v) for s, v in DEFAULTS.items()}
        for section, values in self._file().items():
            merged.setdefault(section, {}).update(values)
        for name, value in os.environ.items():
            if not name.startswith(ENV_PREFIX):
                continue
            parts = name[len(ENV_PREFIX) :].split("__", 1)
            if len(parts) == 2 and parts[0] and parts[1]:
                merged.setdefault(parts[0].lower(), {})[parts[1].lower()] = value
        return {s: {k: _expand(v) for k, v in values.items()} for s, values in merged.items()}

    def reload(self) -> None:
        """Forget the cached file; the environment is never cached."""
        self._file_key, self._file_data = None, {}


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip())


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value if isinstance(value, (int, float)) else str(value).strip())


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


conf = Config()
