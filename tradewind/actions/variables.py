"""Variables: set one, delete one, import a file of them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tradewind.actions import audit, checked_key
from tradewind.exceptions import NotFound

if TYPE_CHECKING:
    from tradewind.store.records import VariableRecord


def save_variable(key: str, value: str, description: str | None = None) -> VariableRecord:
    """Create or replace a variable: the key is trimmed, 1 to 250 characters."""
    from tradewind.store.variables import set_variable

    record = set_variable(checked_key(key, "a variable key"), value, description)
    audit.record("variable.set", key=record.key)
    return record


def delete_variable(key: str) -> None:
    from tradewind.store.variables import delete_variable as delete

    if not delete(key):
        raise NotFound(f"variable '{key}' does not exist")
    audit.record("variable.delete", key=key)


def import_variables(data: Mapping[str, Any]) -> int:
    """`{key: value}` (a value that is not a string is stored as its JSON): every key is checked before any
    is written, so a bad file imports nothing. Returns how many were written."""
    from tradewind.store.variables import set_variable

    checked = {checked_key(key, "a variable key"): value for key, value in data.items()}
    for key, value in checked.items():
        set_variable(key, value if isinstance(value, str) else json.dumps(value))
    audit.record("variable.import", keys=sorted(checked))
    return len(checked)
