"""`airflow.configuration.conf`: Airflow's config object, read-only, answered from Tradewind's configuration.

Tradewind keeps Airflow's section and option names (`[core] dags_folder`, `[core] default_timezone`,
`[scheduler] ...`), so `conf.get("core", "dags_folder")` in a DAG file gives Tradewind's value. A DAG
file cannot change the configuration: `set` raises.
"""

from __future__ import annotations

from typing import Any

from tradewind.config import Config
from tradewind.config import conf as _tradewind_conf
from tradewind.exceptions import ConfigError


class ReadOnlyAirflowConfig:
    """The reading half of Airflow's `AirflowConfigParser` over Tradewind's `conf`."""

    def __init__(self, source: Config) -> None:
        self._source = source

    def get(self, section: str, key: str, *args: Any, **kwargs: Any) -> Any:
        """The option as a string (Airflow's), or `fallback` when given and the option is unset."""
        value = self._source.get(section, key, *_fallback(args, kwargs))
        return value if value is None or isinstance(value, str) else _as_text(value)

    def getboolean(self, section: str, key: str, **kwargs: Any) -> bool:
        return self._source.getboolean(section, key, *_fallback((), kwargs))

    def getint(self, section: str, key: str, **kwargs: Any) -> int:
        return self._source.getint(section, key, *_fallback((), kwargs))

    def getfloat(self, section: str, key: str, **kwargs: Any) -> float:
        return self._source.getfloat(section, key, *_fallback((), kwargs))

    def has_option(self, section: str, key: str) -> bool:
        return self._source.has_option(section, key)

    def getsection(self, section: str) -> dict[str, Any] | None:
        return self._source.as_dict().get(section)

    def as_dict(self, *args: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
        return self._source.as_dict()

    def set(self, section: str, key: str, value: Any) -> None:
        raise ConfigError(
            f"cannot set [{section}] {key} from a DAG file: Tradewind's configuration is read-only here "
            f"(set TRADEWIND__{section.upper()}__{key.upper()} or edit tradewind.toml)"
        )


def _fallback(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """`(fallback,)` when the caller gave one (positionally or by name), else ()."""
    if args:
        return args[:1]
    return (kwargs["fallback"],) if "fallback" in kwargs else ()


def _as_text(value: Any) -> str:
    """TOML values as Airflow's ini text: booleans lower-case ("true"), numbers as written."""
    return str(value).lower() if isinstance(value, bool) else str(value)


conf = ReadOnlyAirflowConfig(_tradewind_conf)
