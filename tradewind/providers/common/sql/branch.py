"""`BranchSQLOperator`: follow one set of downstream tasks or another by the boolean a SQL query returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from tradewind.operators.python import BranchMixin
from tradewind.providers.common.sql.checks import parse_boolean
from tradewind.providers.common.sql.operators import BaseSQLOperator, SQLCheckFailed
from tradewind.sdk.baseoperator import Context


class BranchSQLOperator(BranchMixin, BaseSQLOperator):
    """Run `sql`; its first value true (a boolean, a non-zero number, or 'true'/'yes'/'1'...) follows
    `follow_task_ids_if_true`, false follows `follow_task_ids_if_false`; the others are skipped."""

    template_fields: ClassVar[Sequence[str]] = ("sql", *BaseSQLOperator.template_fields)
    template_ext: ClassVar[Sequence[str]] = (".sql",)
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}
    ui_color = "#a22034"
    ui_fgcolor = "#F7F7F7"

    def __init__(
        self,
        *,
        sql: str,
        follow_task_ids_if_true: str | Iterable[str],
        follow_task_ids_if_false: str | Iterable[str],
        conn_id: str = "default_conn_id",
        database: str | None = None,
        parameters: Iterable[Any] | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.sql = sql
        self.parameters = parameters
        self.follow_task_ids_if_true = follow_task_ids_if_true
        self.follow_task_ids_if_false = follow_task_ids_if_false

    def execute(self, context: Context) -> Any:
        self.log.info("Executing: %s (with parameters %s) with connection: %s", self.sql, self.parameters, self.conn_id)
        record = self.get_db_hook().get_first(self.sql, self.parameters)
        if record is None:
            raise SQLCheckFailed("No rows returned from sql query. Operator expected True or False return value.")
        value = record[0] if isinstance(record, (list, tuple)) else record
        if isinstance(value, (list, tuple)):
            value = value[0]
        self.log.info("Query returns %s, type '%s'", value, type(value))
        try:
            if isinstance(value, (bool, int)):
                chosen = bool(value)
            elif isinstance(value, str):
                chosen = parse_boolean(value)
            else:
                raise ValueError
        except ValueError:
            raise SQLCheckFailed(f"Unexpected query return result '{value}' type '{type(value)}'") from None
        follow = self.follow_task_ids_if_true if chosen else self.follow_task_ids_if_false
        return self.do_branch(context, follow)
