"""Data-quality checks in SQL (Airflow's `SQLCheckOperator` family): the task fails when the data does not pass.

Each raises `SQLCheckFailed` with the query and what it returned, so the task's log says which
check failed and why; `retry_on_failure=False` fails the task without using its retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from tradewind.exceptions import DagDefinitionError
from tradewind.providers.common.sql.operators import BaseSQLOperator
from tradewind.sdk.baseoperator import Context

_CHECK_EXT = (".hql", ".sql")


def _to_float_if_possible(value: Any) -> float | Any:
    try:
        return float(value)
    except (ValueError, TypeError):
        return value


def parse_boolean(value: str) -> bool:
    """A true-like or false-like string as a bool (Airflow's list); ValueError for anything else."""
    lowered = value.lower()
    if lowered in ("y", "yes", "t", "true", "on", "1"):
        return True
    if lowered in ("n", "no", "f", "false", "off", "0"):
        return False
    raise ValueError(f"{value!r} is not a boolean-like string value")


def _partition_clause(clause: str | None) -> str | None:
    if clause is not None and ";" in clause:
        raise DagDefinitionError("Invalid partition_clause: semicolons (;) not allowed.")
    return clause


def _where(general: str | None, specific: str | None) -> str:
    """The WHERE clause of one check: the operator's partition clause and the check's own, ANDed."""
    clauses = [c for c in (general, specific) if c]
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


class SQLCheckOperator(BaseSQLOperator):
    """Fail unless the first row of `sql` exists and every value in it is truthy (`SELECT COUNT(*) ...` > 0)."""

    template_fields: ClassVar[Sequence[str]] = ("sql", *BaseSQLOperator.template_fields)
    template_ext: ClassVar[Sequence[str]] = _CHECK_EXT
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}
    ui_color = "#fff7e6"

    def __init__(
        self,
        *,
        sql: str,
        conn_id: str | None = None,
        database: str | None = None,
        parameters: Iterable[Any] | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.sql = sql
        self.parameters = parameters

    def execute(self, context: Context) -> None:
        self.log.info("Executing SQL check: %s", self.sql)
        records = self.get_db_hook().get_first(self.sql, self.parameters)
        self.log.info("Record: %s", records)
        if not records:
            self._raise_exception(f"The following query returned zero rows: {self.sql}")
        values = records.values() if isinstance(records, dict) else records
        if not all(values):
            self._raise_exception(f"Test failed.\nQuery:\n{self.sql}\nResults:\n{records!s}")
        self.log.info("Success.")


class SQLValueCheckOperator(BaseSQLOperator):
    """Fail unless every value of the first row of `sql` equals `pass_value` (within `tolerance`, a fraction, for numbers)."""

    template_fields: ClassVar[Sequence[str]] = ("sql", "pass_value", *BaseSQLOperator.template_fields)
    template_ext: ClassVar[Sequence[str]] = _CHECK_EXT
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}
    ui_color = "#fff7e6"

    def __init__(
        self,
        *,
        sql: str,
        pass_value: Any,
        tolerance: Any = None,
        conn_id: str | None = None,
        database: str | None = None,
        parameters: Iterable[Any] | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.sql = sql
        self.pass_value = str(pass_value)
        tol = _to_float_if_possible(tolerance)
        self.tol: float | None = tol if isinstance(tol, float) else None
        self.has_tolerance = self.tol is not None
        self.parameters = parameters

    def execute(self, context: Context) -> None:
        self.log.info("Executing SQL check: %s", self.sql)
        self.check_value(self.get_db_hook().get_first(self.sql, self.parameters))

    def check_value(self, records: Any) -> None:
        if not records:
            self._raise_exception(f"The following query returned zero rows: {self.sql}")
        expected = _to_float_if_possible(self.pass_value)
        tolerance = f"{self.tol:.1%}" if self.tol is not None else None
        message = (
            f"Test failed.\nPass value:{expected}\nTolerance:{tolerance}\nQuery:\n{self.sql}\nResults:\n{records!s}"
        )
        if isinstance(expected, float):
            try:
                numbers = [float(r) for r in records]
            except (ValueError, TypeError):
                self._raise_exception(f"Converting a result to float failed.\n{message}")
            if self.tol is not None:
                tests = [expected * (1 - self.tol) <= r <= expected * (1 + self.tol) for r in numbers]
            else:
                tests = [r == expected for r in numbers]
        else:
            tests = [str(r) == expected for r in records]
        if not all(tests):
            self._raise_exception(message)


class SQLThresholdCheckOperator(BaseSQLOperator):
    """Fail unless the first value of `sql` lies within [min_threshold, max_threshold] (numbers or SQL giving one)."""

    template_fields: ClassVar[Sequence[str]] = (
        "sql",
        "min_threshold",
        "max_threshold",
        *BaseSQLOperator.template_fields,
    )
    template_ext: ClassVar[Sequence[str]] = _CHECK_EXT
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}

    def __init__(
        self,
        *,
        sql: str,
        min_threshold: Any,
        max_threshold: Any,
        conn_id: str | None = None,
        database: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.sql = sql
        self.min_threshold = min_threshold
        self.max_threshold = max_threshold

    def _bound(self, threshold: Any) -> Any:
        value = _to_float_if_possible(threshold)
        if isinstance(value, float):
            return value
        row = self.get_db_hook().get_first(value)
        if not row:
            self._raise_exception(f"The following threshold query returned zero rows: {value}")
        return row[0]

    def execute(self, context: Context) -> None:
        row = self.get_db_hook().get_first(self.sql)
        try:
            result = row[0]
        except (TypeError, IndexError):
            self._raise_exception(f"The following query returned zero rows: {self.sql}")
        lower, upper = self._bound(self.min_threshold), self._bound(self.max_threshold)
        within = result is not None and lower <= result <= upper
        meta = {
            "result": result,
            "task_id": self.task_id,
            "min_threshold": lower,
            "max_threshold": upper,
            "within_threshold": within,
        }
        self.push(meta)
        if not within:
            shown = round(result, 2) if isinstance(result, (int, float)) else ("<None>" if result is None else result)
            self._raise_exception(
                f'Threshold Check: "{self.task_id}" failed.\nDAG: {self._dag_id}\nTask_id: {self.task_id}\n'
                f"SQL: {self.sql}\nResult: {shown} is not within thresholds {lower} and {upper}"
            )
        self.log.info("Test %s Successful.", self.task_id)

    def push(self, meta_data: dict[str, Any]) -> None:
        """Report the check's outcome; logs it (override to send it elsewhere, as in Airflow)."""
        info = "\n".join(f"{key}: {item}" for key, item in meta_data.items())
        self.log.info("Log from %s:\n%s", self._dag_id, info)


class SQLColumnCheckOperator(BaseSQLOperator):
    """Run per-column checks (`null_check`, `distinct_check`, `unique_check`, `min`, `max`) in one query.

    `column_mapping = {"col": {"null_check": {"equal_to": 0}, "min": {"geq_to": 0, "tolerance": 0.1}}}`;
    each check takes `equal_to`, `greater_than`/`geq_to`, `less_than`/`leq_to`, optional `tolerance`
    (a fraction) and `partition_clause`.
    """

    template_fields: ClassVar[Sequence[str]] = ("table", "partition_clause", "sql", *BaseSQLOperator.template_fields)
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}

    sql_check_template = (
        "SELECT '{column}' AS col_name, '{check}' AS check_type, {column}_{check} AS check_result "
        "FROM (SELECT {check_statement} AS {column}_{check} FROM {table} {partition_clause}) AS sq"
    )
    column_checks: ClassVar[dict[str, str]] = {
        "null_check": "SUM(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END)",
        "distinct_check": "COUNT(DISTINCT({column}))",
        "unique_check": "COUNT({column}) - COUNT(DISTINCT({column}))",
        "min": "MIN({column})",
        "max": "MAX({column})",
    }

    def __init__(
        self,
        *,
        table: str,
        column_mapping: dict[str, dict[str, Any]],
        partition_clause: str | None = None,
        conn_id: str | None = None,
        database: str | None = None,
        accept_none: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.table = table
        self.column_mapping = column_mapping
        self.partition_clause = _partition_clause(partition_clause)
        self.accept_none = accept_none
        for checks in column_mapping.values():
            for check, values in checks.items():
                self._validate(check, values)
        union = " UNION ALL ".join(self._column_sql(column, checks) for column, checks in column_mapping.items())
        self.sql = f"SELECT col_name, check_type, check_result FROM ({union}) AS check_columns"

    def _column_sql(self, column: str, checks: dict[str, Any]) -> str:
        return " UNION ALL ".join(
            self.sql_check_template.format(
                check_statement=self.column_checks[check].format(column=column),
                check=check,
                table=self.table,
                column=column,
                partition_clause=_where(self.partition_clause, checks[check].get("partition_clause")),
            )
            for check in checks
        )

    def _validate(self, check: str, values: dict[str, Any]) -> None:
        """Airflow's rules for a check's comparisons, as one-line errors when the DAG file is parsed."""
        if check not in self.column_checks:
            raise DagDefinitionError(
                f"Invalid column check: {check} (one of {', '.join(self.column_checks)}) in task {self.task_id}"
            )
        keys = set(values)
        if not keys & {"greater_than", "geq_to", "less_than", "leq_to", "equal_to"}:
            raise DagDefinitionError(
                f"check {check} of task {self.task_id}: give one or more of less_than, leq_to, greater_than, geq_to or equal_to"
            )
        if {"greater_than", "geq_to"} <= keys or {"less_than", "leq_to"} <= keys:
            raise DagDefinitionError(f"check {check} of task {self.task_id}: give only one lower and one upper bound")
        if "equal_to" in keys and keys & {"greater_than", "geq_to", "less_than", "leq_to"}:
            raise DagDefinitionError(f"check {check} of task {self.task_id}: equal_to cannot be combined with a bound")
        low = values.get("greater_than", values.get("geq_to"))
        high = values.get("less_than", values.get("leq_to"))
        if low is not None and high is not None:
            strict = "greater_than" in keys or "less_than" in keys
            if low > high or (strict and low == high):
                raise DagDefinitionError(
                    f"check {check} of task {self.task_id}: its lower bound is above its upper bound"
                )

    def _matches(self, values: dict[str, Any], result: Any) -> bool:
        """Whether `result` meets the check's bounds, each widened by `tolerance` as Airflow does."""
        if result is None and self.accept_none:
            result = 0
        if result is None:
            return False
        tol = values.get("tolerance")
        low_factor, high_factor = (1 - tol, 1 + tol) if tol is not None else (1, 1)
        ok = True
        if "geq_to" in values:
            ok = result >= values["geq_to"] * low_factor
        elif "greater_than" in values:
            ok = result > values["greater_than"] * low_factor
        if "leq_to" in values:
            ok = ok and result <= values["leq_to"] * high_factor
        elif "less_than" in values:
            ok = ok and result < values["less_than"] * high_factor
        if "equal_to" in values:
            expected = values["equal_to"]
            ok = ok and (
                expected * low_factor <= result <= expected * high_factor if tol is not None else result == expected
            )
        return bool(ok)

    def execute(self, context: Context) -> None:
        records = self.get_db_hook().get_records(self.sql)
        if not records:
            self._raise_exception(f"The following query returned zero rows: {self.sql}")
        self.log.info("Record: %s", records)
        for column, check, result in records:
            values = self.column_mapping[column][check]
            values["result"] = result
            values["success"] = self._matches(values, result)
        failed = [
            f"Column: {column}\n\tCheck: {check},\n\tCheck Values: {values}\n"
            for column, checks in self.column_mapping.items()
            for check, values in checks.items()
            if not values.get("success")
        ]
        if failed:
            self._raise_exception(
                f"Test failed.\nResults:\n{records!s}\nThe following tests have failed:\n{''.join(failed)}"
            )
        self.log.info("All tests have passed")


class SQLTableCheckOperator(BaseSQLOperator):
    """Run table-level checks, each a boolean SQL expression over the rows: `{"rows": {"check_statement": "COUNT(*) > 0"}}`."""

    template_fields: ClassVar[Sequence[str]] = ("table", "partition_clause", "sql", *BaseSQLOperator.template_fields)
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql"}

    sql_check_template = (
        "SELECT '{check_name}' AS check_name, MIN({check_name}) AS check_result "
        "FROM (SELECT CASE WHEN {check_statement} THEN 1 ELSE 0 END AS {check_name} "
        "FROM {table} {partition_clause}) AS sq"
    )

    def __init__(
        self,
        *,
        table: str,
        checks: dict[str, dict[str, Any]],
        partition_clause: str | None = None,
        conn_id: str | None = None,
        database: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        self.table = table
        self.checks = checks
        self.partition_clause = _partition_clause(partition_clause)
        for name, check in checks.items():
            if not isinstance(check, dict) or "check_statement" not in check:
                raise DagDefinitionError(f"check {name} of task {self.task_id} needs a 'check_statement'")
        union = " UNION ALL ".join(
            self.sql_check_template.format(
                check_statement=check["check_statement"],
                check_name=name,
                table=self.table,
                partition_clause=_where(self.partition_clause, check.get("partition_clause")),
            )
            for name, check in checks.items()
        )
        self.sql = f"SELECT check_name, check_result FROM ({union}) AS check_table"

    def execute(self, context: Context) -> None:
        records = self.get_db_hook().get_records(self.sql)
        if not records:
            self._raise_exception(f"The following query returned zero rows: {self.sql}")
        self.log.info("Record:\n%s", records)
        for name, result in records:
            # an empty table gives NULL (MIN over no rows): not a pass
            self.checks[name]["success"] = result is not None and parse_boolean(str(result))
        failed = [
            f"\tCheck: {name},\n\tCheck Values: {check}\n"
            for name, check in self.checks.items()
            if not check["success"]
        ]
        if failed:
            self._raise_exception(
                f"Test failed.\nQuery:\n{self.sql}\nResults:\n{records!s}\n"
                f"The following tests have failed:\n{', '.join(failed)}"
            )
        self.log.info("All tests have passed")


class SQLIntervalCheckOperator(BaseSQLOperator):
    """Compare metrics of the run's day (`date_filter_column = ds`) with those `days_back` days before.

    `metrics_thresholds = {"COUNT(*)": 1.5}`: the ratio (`max_over_min` or `relative_diff`) of each
    metric must stay below its threshold; zeros pass when `ignore_zero`.
    """

    template_fields: ClassVar[Sequence[str]] = ("sql1", "sql2", *BaseSQLOperator.template_fields)
    template_ext: ClassVar[Sequence[str]] = _CHECK_EXT
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql1": "sql", "sql2": "sql"}
    ui_color = "#fff7e6"

    ratio_formulas: ClassVar[dict[str, Any]] = {
        "max_over_min": lambda cur, ref: max(cur, ref) / min(cur, ref),
        "relative_diff": lambda cur, ref: abs(cur - ref) / ref,
    }

    def __init__(
        self,
        *,
        table: str,
        metrics_thresholds: dict[str, float],
        date_filter_column: str | None = "ds",
        days_back: int = -7,
        ratio_formula: str | None = "max_over_min",
        ignore_zero: bool = True,
        conn_id: str | None = None,
        database: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(conn_id=conn_id, database=database, **kwargs)
        if ratio_formula not in self.ratio_formulas:
            raise DagDefinitionError(
                f"Invalid ratio_formula {ratio_formula!r} for task {self.task_id}: one of {', '.join(self.ratio_formulas)}"
            )
        self.ratio_formula = ratio_formula
        self.ignore_zero = ignore_zero
        self.table = table
        self.metrics_thresholds = metrics_thresholds
        self.metrics_sorted = sorted(metrics_thresholds)
        self.date_filter_column = date_filter_column
        self.days_back = -abs(days_back)
        select = f"SELECT {', '.join(self.metrics_sorted)} FROM {table} WHERE {date_filter_column}="
        self.sql1 = f"{select}'{{{{ ds }}}}'"
        self.sql2 = f"{select}'{{{{ macros.ds_add(ds, {self.days_back}) }}}}'"

    def execute(self, context: Context) -> None:
        hook = self.get_db_hook()
        self.log.info("Using ratio formula: %s", self.ratio_formula)
        self.log.info("Executing SQL check: %s", self.sql2)
        reference_row = hook.get_first(self.sql2)
        self.log.info("Executing SQL check: %s", self.sql1)
        current_row = hook.get_first(self.sql1)
        if not reference_row:
            self._raise_exception(f"The following query returned zero rows: {self.sql2}")
        if not current_row:
            self._raise_exception(f"The following query returned zero rows: {self.sql1}")
        current = dict(zip(self.metrics_sorted, current_row))
        reference = dict(zip(self.metrics_sorted, reference_row))
        formula = self.ratio_formulas[str(self.ratio_formula)]
        ratios: dict[str, float | None] = {}
        passed: dict[str, bool] = {}
        for metric in self.metrics_sorted:
            cur, ref, threshold = current[metric], reference[metric], self.metrics_thresholds[metric]
            if not cur or not ref:
                ratios[metric], passed[metric] = None, self.ignore_zero
            else:
                ratio = formula(cur, ref)
                ratios[metric], passed[metric] = ratio, ratio < threshold
            self.log.info(
                "Current metric for %s: %s\nPast metric for %s: %s\nRatio for %s: %s\nThreshold: %s",
                metric, cur, metric, ref, metric, ratios[metric], threshold,
            )  # fmt: skip
        failed = sorted(m for m, ok in passed.items() if not ok)
        if failed:
            self.log.warning("The following %s tests out of %s failed:", len(failed), len(self.metrics_sorted))
            for metric in failed:
                self.log.warning(
                    "'%s' check failed. %s is above %s", metric, ratios[metric], self.metrics_thresholds[metric]
                )
            self._raise_exception(f"The following tests have failed:\n {', '.join(failed)}")
        self.log.info("All tests have passed")


__all__ = [
    "SQLCheckOperator",
    "SQLColumnCheckOperator",
    "SQLIntervalCheckOperator",
    "SQLTableCheckOperator",
    "SQLThresholdCheckOperator",
    "SQLValueCheckOperator",
    "parse_boolean",
]
