"""Datasets: the names tasks produce (`outlets=`) and DAGs wait for (`schedule=[...]`).

Airflow 2's `Dataset` (Airflow 3 calls it `Asset`): a URI plus optional `extra`. `a & b` and
`a | b` build the conditions a DAG's schedule may also be. Pure Python, no database: a DAG file
imports this cheaply. The scheduler works from `condition_json()`, never from these objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tradewind.exceptions import InvalidDatasetError

__all__ = [
    "Asset",
    "Dataset",
    "DatasetAlias",
    "DatasetAll",
    "DatasetAny",
    "Metadata",
    "OutletEventAccessors",
    "condition_aliases",
    "condition_uris",
    "evaluate_condition",
    "resolve_condition",
]

MAX_URI_LENGTH = 3000  # Airflow's column size
_RESERVED_SCHEMES = frozenset({"airflow", "tradewind"})

#: JSON form of a condition: a URI, {"all": [...]}, {"any": [...]} or {"alias": [name]}.
Condition = str | dict[str, list[Any]]


def validate_uri(uri: Any) -> str:
    """The URI if Airflow would accept it; InvalidDatasetError (a ValueError) says why not."""
    if not isinstance(uri, str):
        raise InvalidDatasetError(f"dataset URI must be a string, not {type(uri).__name__}")
    if not uri or uri.isspace():
        raise InvalidDatasetError("dataset URI cannot be empty")
    if any(ch.isspace() for ch in uri):
        raise InvalidDatasetError(f"dataset URI {uri!r} must not contain whitespace")
    if not uri.isascii():
        raise InvalidDatasetError(f"dataset URI {uri!r} must only consist of ASCII characters")
    if len(uri) > MAX_URI_LENGTH:
        raise InvalidDatasetError(f"dataset URI is longer than {MAX_URI_LENGTH} characters")
    scheme = urlsplit(uri).scheme.lower() if "://" in uri else ""
    if scheme in _RESERVED_SCHEMES:
        raise InvalidDatasetError(f"dataset URI scheme {scheme!r} is reserved")
    return uri


_C = TypeVar("_C", bound="_DatasetBooleanCondition")


class BaseDataset:
    """What `schedule=` accepts: a dataset, or an all/any combination of them."""

    def __and__(self, other: BaseDataset) -> DatasetAll:
        return self._combine(DatasetAll, other)

    def __or__(self, other: BaseDataset) -> DatasetAny:
        return self._combine(DatasetAny, other)

    def _combine(self, kind: type[_C], other: object) -> _C:
        """`self & other` or `self | other`: flat, so `a & b & c` is one all-of-three (as in Airflow)."""
        if not isinstance(other, BaseDataset):
            return NotImplemented
        parts = self.objects if isinstance(self, kind) else (self,)
        return kind(*parts, other)

    def iter_datasets(self) -> Iterator[Dataset]:
        raise NotImplementedError

    def condition_json(self) -> Condition:
        raise NotImplementedError

    @property
    def uris(self) -> list[str]:
        """Every URI this schedule names, once each, in order of appearance."""
        return list(dict.fromkeys(d.uri for d in self.iter_datasets()))

    def evaluate(self, statuses: Mapping[str, bool]) -> bool:
        """True when the datasets marked updated in `statuses` satisfy this condition."""
        return evaluate_condition(self.condition_json(), statuses)


class Dataset(BaseDataset):
    """A named piece of data. Equal (and hashed) by URI, as in Airflow."""

    __slots__ = ("uri", "extra")

    def __init__(self, uri: str, extra: dict[str, Any] | None = None) -> None:
        self.uri = validate_uri(uri)
        if extra is not None and not isinstance(extra, dict):
            raise InvalidDatasetError(f"dataset extra must be a dict, not {type(extra).__name__}")
        self.extra: dict[str, Any] = dict(extra or {})

    def iter_datasets(self) -> Iterator[Dataset]:
        yield self

    def condition_json(self) -> Condition:
        return self.uri

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.uri == other.uri

    def __hash__(self) -> int:
        return hash(self.uri)

    def __repr__(self) -> str:
        extra = f", extra={self.extra!r}" if self.extra else ""
        return f"{type(self).__name__}(uri={self.uri!r}{extra})"


class Asset(Dataset):
    """Airflow 3's name for a Dataset: `Asset(name)`, `Asset(uri=...)` or both; one given stands for the other.

    Events and schedules key on the URI, as Tradewind's datasets do; `name` and `group` are kept for display.
    """

    __slots__ = ("name", "group")

    def __init__(
        self,
        name: str | None = None,
        uri: str | None = None,
        *,
        group: str = "asset",
        extra: dict[str, Any] | None = None,
        watchers: list[Any] | None = None,
    ) -> None:
        if name is None and uri is None:
            raise InvalidDatasetError("an Asset needs a name or a uri")
        if watchers:
            raise InvalidDatasetError("Asset watchers need a triggerer, which Tradewind does not have")
        super().__init__(uri if uri is not None else str(name), extra)
        self.name: str = name if name is not None else self.uri
        self.group = group


class _DatasetBooleanCondition(BaseDataset):
    _key = ""

    def __init__(self, *objects: BaseDataset) -> None:
        if not objects:
            raise InvalidDatasetError(f"{type(self).__name__} needs at least one dataset")
        for obj in objects:
            if not isinstance(obj, BaseDataset):
                raise InvalidDatasetError(f"{type(self).__name__} takes datasets, not {obj!r}")
        self.objects: tuple[BaseDataset, ...] = objects

    def iter_datasets(self) -> Iterator[Dataset]:
        for obj in self.objects:
            yield from obj.iter_datasets()

    def condition_json(self) -> Condition:
        return {self._key: [obj.condition_json() for obj in self.objects]}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _DatasetBooleanCondition):
            return NotImplemented
        return self.condition_json() == other.condition_json()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.objects))})"


class DatasetAll(_DatasetBooleanCondition):
    """Every one of these datasets updated since the last run (also `a & b`, or a list)."""

    _key = "all"


class DatasetAny(_DatasetBooleanCondition):
    """Any one of these datasets updated since the last run (also `a | b`)."""

    _key = "any"


def evaluate_condition(condition: Condition, statuses: Mapping[str, bool]) -> bool:
    """Evaluate a JSON condition (from `condition_json()`) against updated-or-not per URI."""
    if isinstance(condition, str):
        return bool(statuses.get(condition, False))
    if isinstance(condition, dict) and len(condition) == 1:
        ((key, items),) = condition.items()
        results = (evaluate_condition(item, statuses) for item in items)
        if key == "all":
            return all(results)
        if key == "any":
            return any(results)
        if key == "alias":
            return False  # an alias not resolved by `resolve_condition` stands for no dataset yet
    raise InvalidDatasetError(f"unknown dataset condition {condition!r}")


def condition_uris(condition: Condition) -> list[str]:
    """Every URI a JSON condition names, once each."""
    if isinstance(condition, str):
        return [condition]
    found: dict[str, None] = {}
    for key, items in condition.items():
        if key == "alias":
            continue
        for item in items:
            found.update(dict.fromkeys(condition_uris(item)))
    return list(found)


class DatasetAlias(BaseDataset):
    """Airflow 2.10's `DatasetAlias` (Airflow 3's `AssetAlias`): a name for datasets a task names at run time.

    As an outlet, `context["outlet_events"][DatasetAlias("x")].add(Dataset("s3://..."))` emits an event
    for that dataset when the task succeeds and links the alias to it. In a schedule, the alias stands
    for every dataset it has so far resolved to (any of them updated satisfies it); unresolved, it is
    never satisfied.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.strip():
            raise InvalidDatasetError(f"a DatasetAlias needs a non-empty name, not {name!r}")
        self.name = name

    def iter_datasets(self) -> Iterator[Dataset]:
        return iter(())  # known only at run time, from the database

    def condition_json(self) -> Condition:
        return {"alias": [self.name]}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetAlias) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("alias", self.name))

    def __repr__(self) -> str:
        return f"DatasetAlias(name={self.name!r})"


def condition_aliases(condition: Condition) -> list[str]:
    """Every alias name a JSON condition names, once each."""
    if isinstance(condition, str):
        return []
    found: dict[str, None] = {}
    for key, items in condition.items():
        for item in items:
            found.update(dict.fromkeys([item] if key == "alias" else condition_aliases(item)))
    return list(found)


def resolve_condition(condition: Condition, resolved: Mapping[str, Iterable[str]]) -> Condition:
    """The condition with each alias replaced by "any of the URIs it resolved to" (alias name → URIs)."""
    if isinstance(condition, str):
        return condition
    ((key, items),) = condition.items()
    if key == "alias":
        return {"any": [u for name in items for u in resolved.get(name, ())]}
    return {key: [resolve_condition(item, resolved) for item in items]}


class Metadata:
    """Extra for the event of one dataset, yielded by a task (`yield Metadata(asset, {"rows": 3})`), as
    Airflow 2.10's `airflow.datasets.metadata.Metadata` and Airflow 3's `airflow.sdk.Metadata`."""

    __slots__ = ("uri", "extra", "alias_name")

    def __init__(self, target: Dataset | str, extra: dict[str, Any], alias: DatasetAlias | str | None = None) -> None:
        self.uri = target.uri if isinstance(target, Dataset) else validate_uri(target)
        if not isinstance(extra, dict):
            raise InvalidDatasetError(f"Metadata extra must be a dict, not {type(extra).__name__}")
        self.extra = dict(extra)
        self.alias_name = alias.name if isinstance(alias, DatasetAlias) else alias

    def __repr__(self) -> str:
        return f"Metadata(uri={self.uri!r}, extra={self.extra!r})"


def outlet_datasets(outlets: Iterable[Any]) -> list[Dataset]:
    """The Datasets among a task's outlets (other objects are ignored, as Airflow does)."""
    return [o for o in outlets if isinstance(o, Dataset)]


class OutletEventAccessor:
    """`context["outlet_events"][key]`: set `.extra` to attach data to the event this task emits for a
    dataset; `.add(dataset, extra)` on an alias names a dataset the alias updated (Airflow 2.10)."""

    __slots__ = ("uri", "extra", "added")

    def __init__(self, uri: str) -> None:
        self.uri = uri  # a dataset's URI, or an alias's name (Airflow keys both by their string)
        self.extra: dict[str, Any] = {}
        self.added: dict[str, dict[str, Any]] = {}

    def add(self, dataset: Dataset | str, extra: dict[str, Any] | None = None) -> None:
        uri = dataset.uri if isinstance(dataset, Dataset) else validate_uri(dataset)
        self.added[uri] = dict(extra or {})

    def __repr__(self) -> str:
        return f"OutletEventAccessor(uri={self.uri!r}, extra={self.extra!r})"


class OutletEventAccessors:
    """Airflow 2.10's `outlet_events` context key: one accessor per dataset or alias, keyed by the
    object or its string (a URI, or an alias name), as Airflow's."""

    def __init__(self) -> None:
        self._by_key: dict[str, OutletEventAccessor] = {}

    def __getitem__(self, key: Dataset | DatasetAlias | str) -> OutletEventAccessor:
        if isinstance(key, DatasetAlias):
            text = key.name
        else:
            text = key.uri if isinstance(key, Dataset) else validate_uri(key)
        accessor = self._by_key.get(text)
        if accessor is None:
            accessor = self._by_key[text] = OutletEventAccessor(text)
        return accessor

    def apply(self, metadata: Metadata) -> None:
        """Record what a task yielded: the extra of its dataset's event (and of the alias it names)."""
        self[metadata.uri].extra.update(metadata.extra)
        if metadata.alias_name:
            self._by_key.setdefault(metadata.alias_name, OutletEventAccessor(metadata.alias_name)).add(
                metadata.uri, metadata.extra
            )

    def extra_for(self, uri: str) -> dict[str, Any]:
        accessor = self._by_key.get(uri)
        return dict(accessor.extra) if accessor is not None else {}

    def added_through(self, aliases: Iterable[DatasetAlias]) -> dict[str, tuple[dict[str, Any], list[str]]]:
        """uri → (extra, names of the aliases) of the datasets the task added to these (outlet) aliases."""
        out: dict[str, tuple[dict[str, Any], list[str]]] = {}
        for alias in aliases:
            accessor = self._by_key.get(alias.name)
            for uri, extra in (accessor.added if accessor is not None else {}).items():
                merged, names = out.setdefault(uri, ({}, []))
                merged.update(extra)
                names.append(alias.name)
        return out

    def __repr__(self) -> str:
        return f"OutletEventAccessors({list(self._by_key.values())!r})"


class InletEventsAccessors:
    """Airflow 2.10's `inlet_events` context key: `inlet_events[dataset]` is every stored event of a
    dataset (or URI, or the position of an inlet; of an alias: the events emitted through it), oldest first, read from the metadata database (through the
    task's supervisor) when first asked; `inlet_events[ds][-1].extra` is the extra of its latest update."""

    def __init__(self, inlets: Iterable[Any]) -> None:
        self._inlets = list(inlets)
        self._events: dict[str, list[Any]] = {}

    def __getitem__(self, key: int | str | Dataset | DatasetAlias) -> list[Any]:
        target = key
        if isinstance(key, int) and not isinstance(key, bool):
            target = self._inlets[key]
        from tradewind.runtime import comms

        if isinstance(target, DatasetAlias):  # the events emitted through the alias, of whichever datasets
            key_text = f"alias:{target.name}"
            if key_text not in self._events:
                from tradewind.runtime.protocol import GetDatasetAliasEvents

                self._events[key_text] = list(reversed(comms.request(GetDatasetAliasEvents(target.name))))
            return self._events[key_text]
        uri = target.uri if isinstance(target, Dataset) else validate_uri(target)
        if uri not in self._events:
            from tradewind.runtime.protocol import GetDatasetEvents

            self._events[uri] = list(reversed(comms.request(GetDatasetEvents(uri))))
        return self._events[uri]

    def __repr__(self) -> str:
        return f"InletEventsAccessors({self._inlets!r})"
