"""`Variable`: Airflow's API for global key → string settings, as DAG code and templates read them.

Lookup order is Airflow's secrets order without custom backends (but for the file `DAG.test` may
be given, read first): the environment first
(`TRADEWIND_VAR_<KEY>`, like `AIRFLOW_VAR_<KEY>`), then the metadata database. The environment
lets tasks and tests read variables with no database at all. The store is imported on first use.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

ENV_PREFIX = "TRADEWIND_VAR_"


class _NoDefault:
    def __repr__(self) -> str:
        return "<no default>"


_NO_DEFAULT: Any = _NoDefault()


def env_var_name(key: str) -> str:
    return ENV_PREFIX + key.upper()


class Variable:
    """Class-level access only, as Airflow's: `Variable.get("key")`, `Variable.set("key", value)`."""

    @classmethod
    def get(cls, key: str, default_var: Any = _NO_DEFAULT, deserialize_json: bool = False) -> Any:
        """The value (parsed as JSON if asked); `default_var` if missing, else KeyError as in Airflow."""
        value = cls.get_variable_from_secrets(key)
        if value is None:
            if default_var is not _NO_DEFAULT:
                return default_var
            raise KeyError(f"Variable {key} does not exist")
        from tradewind.secrets.masker import mask_secret

        mask_secret(value, key)  # hidden in task logs when the key looks secret (password, api_key, ...)
        return json.loads(value) if deserialize_json else value

    @classmethod
    def get_variable_from_secrets(cls, key: str) -> str | None:
        """The raw string from a `DAG.test` variables file, the environment, else the database; None when none has it."""
        from tradewind.secrets.local_files import file_variable

        value = file_variable(key)
        if value is not None:
            return value
        value = os.environ.get(env_var_name(key))
        if value is not None:
            return value
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import GetVariable

        stored: str | None = comms.request(GetVariable(key))
        return stored

    @classmethod
    def set(cls, key: str, value: Any, description: str | None = None, serialize_json: bool = False) -> None:
        """Create or replace in the database (description included), as Airflow's `Variable.set`."""
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import SetVariable

        stored = json.dumps(value, indent=2) if serialize_json else str(value)
        _warn_if_shadowed(key)
        comms.request(SetVariable(key, stored, description))

    @classmethod
    def update(cls, key: str, value: Any, serialize_json: bool = False) -> None:
        """Change the value of an existing variable, keeping its description; KeyError if missing."""
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import SetVariable

        if cls.get_variable_from_secrets(key) is None:
            raise KeyError(f"Variable {key} does not exist")
        stored = json.dumps(value, indent=2) if serialize_json else str(value)
        _warn_if_shadowed(key)
        comms.request(SetVariable(key, stored, keep_description=True))

    @classmethod
    def setdefault(cls, key: str, default: Any, description: str | None = None, deserialize_json: bool = False) -> Any:
        """The value if the variable exists; otherwise store `default` and return it (Airflow's rule)."""
        current = cls.get(key, default_var=None, deserialize_json=deserialize_json)
        if current is not None:
            return current
        if default is None:
            raise ValueError("Default Value must be set")
        cls.set(key, default, description=description, serialize_json=deserialize_json)
        return default

    @classmethod
    def delete(cls, key: str) -> int:
        """Delete from the database; returns how many were deleted (0 or 1), as Airflow does."""
        from tradewind.runtime import comms
        from tradewind.runtime.protocol import DeleteVariable

        deleted: int = comms.request(DeleteVariable(key))
        return deleted


def _warn_if_shadowed(key: str) -> None:
    if env_var_name(key) in os.environ:
        log.warning(
            "Variable %s is also set by the environment variable %s, which takes precedence: "
            "the database value is updated but reads will return the environment's",
            key,
            env_var_name(key),
        )
