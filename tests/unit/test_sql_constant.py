"""`sql.constant` writes our own names and numbers into a statement's SQL; anything else is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from tradewind.states import TaskState
from tradewind.store.sql import constant


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_a_state_and_a_number_are_written_into_the_sql(dialect: sa.Dialect) -> None:
    column = sa.column("state", sa.String)
    text = str((column == constant(TaskState.UP_FOR_RETRY)).compile(dialect=dialect))
    assert text == "state = 'up_for_retry'"
    assert str(constant(1).compile(dialect=dialect)) == "1"


@pytest.mark.parametrize("value", ["it's", "a b", "x;--", ""])
def test_what_is_not_a_plain_name_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a constant"):
        constant(value)
