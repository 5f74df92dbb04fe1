"""Text columns kept encrypted with `[core] fernet_key` beside an `is_*encrypted` flag (connections, variables).

One description per column, so reading, writing and key rotation follow the same rules for
every encrypted value: records carry clear text, the database carries it only without a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tradewind.secrets import fernet


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    """`value` holds the text, `flag` says whether it is encrypted; errors name it "`what` '<name>'"."""

    value: str
    flag: str
    what: str  # e.g. "password of connection"
    name: str  # the row's name column, e.g. "conn_id"

    def read(self, row: Any) -> str | None:
        """The clear text of this column of a row (or record)."""
        stored = getattr(row, self.value)
        if stored is None or not getattr(row, self.flag):
            return stored
        return fernet.decrypt(stored, what=self._what(row))

    def write(self, value: str | None) -> dict[str, Any]:
        """The column and its flag as stored for `value` (encrypted when a key exists or can be made)."""
        stored, encrypted = (None, False) if value is None else fernet.encrypt(value)
        return {self.value: stored, self.flag: encrypted}

    def rotated(self, row: Any) -> dict[str, Any]:
        """The updates that leave this column encrypted with the first key (nothing if it is NULL)."""
        stored = getattr(row, self.value)
        if stored is None:
            return {}
        if getattr(row, self.flag):
            return {self.value: fernet.rotate(stored, what=self._what(row))}
        written = self.write(stored)
        return written if written[self.flag] else {}

    def _what(self, row: Any) -> str:
        return f"{self.what} '{getattr(row, self.name)}'"


def reencrypt(conn: Connection, table: sa.Table | sa.TableClause, columns: tuple[EncryptedColumn, ...]) -> int:
    """Encrypt every clear value and re-encrypt every encrypted one with the first key; how many rows changed."""
    changed = 0
    for row in conn.execute(sa.select(table)).all():
        updates: dict[str, Any] = {}
        for column in columns:
            updates.update(column.rotated(row))
        if updates:
            conn.execute(sa.update(table).where(table.c.id == row.id).values(**updates))
            changed += 1
    return changed
