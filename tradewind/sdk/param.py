"""DAG and task params: defaults, JSON-schema validation, and overrides from a run's conf."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from tradewind.exceptions import ParamValidationError

_NOTSET: Any = object()


class Param:
    """A param with a default and JSON-schema keywords (`type`, `enum`, `minimum`, …)."""

    def __init__(self, default: Any = _NOTSET, description: str | None = None, **schema: Any) -> None:
        self.value = default
        self.description = description
        self.schema = schema

    @property
    def has_value(self) -> bool:
        return self.value is not _NOTSET

    def resolve(self, value: Any = _NOTSET, *, name: str = "param") -> Any:
        """Validate `value` (or the default) against the schema and return it."""
        final = self.value if value is _NOTSET else value
        if final is _NOTSET:
            raise ParamValidationError(f"param '{name}' has no value and no default")
        if self.schema:
            import jsonschema

            try:
                jsonschema.validate(final, self.schema)
            except jsonschema.ValidationError as exc:
                raise ParamValidationError(f"param '{name}': {exc.message}") from None
            except jsonschema.SchemaError as exc:
                raise ParamValidationError(f"param '{name}' has an invalid schema: {exc.message}") from None
        return final

    def dump(self) -> dict[str, Any]:
        return {
            "value": None if self.value is _NOTSET else self.value,
            "has_default": self.has_value,
            "description": self.description,
            "schema": self.schema,
        }

    def __repr__(self) -> str:
        return f"Param({self.value!r}, schema={self.schema!r})"


class ParamsDict(Mapping[str, Any]):
    """Reads give the param's value; `validate(conf)` merges a run's conf and checks every param."""

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        self._params: dict[str, Param] = {}
        for key, value in (params or {}).items():
            self._params[key] = value if isinstance(value, Param) else Param(value)

    def __getitem__(self, key: str) -> Any:
        param = self._params[key]
        return param.value if param.has_value else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def get_param(self, key: str) -> Param:
        return self._params[key]

    def copy(self) -> ParamsDict:
        new = ParamsDict()
        new._params = dict(self._params)
        return new

    def update(self, other: Mapping[str, Any]) -> None:
        for key, value in other.items():
            self._params[key] = value if isinstance(value, Param) else Param(value)

    def validate(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Resolved plain values: overrides (a run's conf) win over defaults; all are validated."""
        overrides = overrides or {}
        resolved = {key: param.resolve(overrides.get(key, _NOTSET), name=key) for key, param in self._params.items()}
        for key, value in overrides.items():
            resolved.setdefault(key, value)
        return resolved

    def dump(self) -> dict[str, Any]:
        return {key: p.dump() for key, p in self._params.items()}
