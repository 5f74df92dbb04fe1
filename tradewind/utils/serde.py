"""JSON for values that cross a process boundary (XCom, rendered fields), with exact round-trips.

Plain JSON would silently turn a tuple into a list, a datetime into an error and `{1: x}` into
`{"1": x}`; a task pulling its upstream's value must get back what was pushed. Values JSON cannot
express are written as a small tagged object `{"__tw__": "<type>", "v": ...}`.
"""

from __future__ import annotations

import json
import json.encoder
import operator
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

TAG = "__tw__"
VALUE = "v"


def _tagged(kind: str, value: Any) -> dict[str, Any]:
    return {TAG: kind, VALUE: value}


_PLAIN = frozenset({type(None), str, bool, int, float})


def _encode(value: Any) -> Any:
    """A JSON-ready copy of `value`; raises TypeError naming the first unsupported type.

    Exact types first: plain values (a set lookup), then the common containers, datetimes and the
    registered records (a task protocol message is mostly records of plain fields: ~60 values each)
    by a dict lookup; subclasses and the rarer types go down the isinstance chain of `_encode_any`.
    """
    cls = type(value)
    if cls in _PLAIN:
        return value
    exact = _EXACT.get(cls)
    return exact(value) if exact is not None else _encode_any(value)


def _encode_list(value: list[Any]) -> list[Any]:
    return [v if type(v) in _PLAIN else _encode(v) for v in value]


def _encode_dict(value: dict[Any, Any]) -> Any:
    if TAG not in value and all(isinstance(k, str) for k in value):
        return {k: v if type(v) in _PLAIN else _encode(v) for k, v in value.items()}
    return _tagged("dict", [[_encode(k), _encode(v)] for k, v in value.items()])


def _encode_tuple(value: tuple[Any, ...]) -> Any:
    return _tagged("tuple", [_encode(v) for v in value])


def _encode_datetime(value: datetime) -> Any:
    if type(value).__module__.startswith("pendulum"):  # the context's dates: back as pendulum, as Airflow's
        return _tagged("pendulum", [value.isoformat(), getattr(value, "timezone_name", None)])
    return _tagged("datetime", value.isoformat())


_UTC_TEXTS: dict[datetime, str] = {}
"""The isoformat of recently encoded UTC datetimes: a run's dates are in the message of each of its tasks,
and isoformat with an offset costs ~12K instructions where a lookup costs ~1.4K (measured)."""


def _encode_exact_datetime(value: datetime) -> Any:
    if value.tzinfo is not timezone.utc:
        return _encode_datetime(value)
    text = _UTC_TEXTS.get(value)  # (equal datetimes of the same tzinfo have the same fields: the same text)
    if text is None:
        if len(_UTC_TEXTS) >= 256:
            _UTC_TEXTS.clear()
        text = _UTC_TEXTS[value] = value.isoformat()
    return _tagged("datetime", text)


def _encode_any(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return _encode_list(value)
    if isinstance(value, dict):
        return _encode_dict(value)
    if isinstance(value, tuple):
        return _encode_tuple(value)
    if isinstance(value, datetime):  # before date: datetime is a date
        return _encode_datetime(value)
    if isinstance(value, date):
        return _tagged("date", value.isoformat())
    if isinstance(value, time):
        return _tagged("time", value.isoformat())
    if isinstance(value, timedelta):
        return _tagged("timedelta", [value.days, value.seconds, value.microseconds])
    if isinstance(value, (set, frozenset)):
        kind = "frozenset" if isinstance(value, frozenset) else "set"
        return _tagged(kind, [_encode(v) for v in value])
    if isinstance(value, PurePath):
        return _tagged("path", str(value))
    if isinstance(value, Decimal):
        return _tagged("decimal", str(value))
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _encode(value.item())  # numpy scalars: the Python number they hold
    name = type(value).__qualname__
    module = type(value).__module__
    if module not in ("builtins", None):
        name = f"{module}.{name}"
    raise TypeError(f"XCom value of type {name} is not JSON-serializable")


_EXACT: dict[type, Callable[[Any], Any]] = {
    list: _encode_list,
    dict: _encode_dict,
    tuple: _encode_tuple,
    datetime: _encode_exact_datetime,
}
"""The encoder of each common type, by exact type (a subclass takes `_encode_any`'s isinstance chain)."""


def _pendulum(value: list[Any]) -> datetime:
    """A pendulum DateTime in its named timezone (imported only when an XCom holds one)."""
    import pendulum

    moment = pendulum.instance(datetime.fromisoformat(value[0]))
    try:
        return moment.in_timezone(value[1]) if value[1] else moment
    except (ValueError, pendulum.tz.exceptions.InvalidTimezone):  # a fixed offset: keep it as parsed
        return moment


_DECODERS: dict[str, Any] = {
    "pendulum": _pendulum,
    "dict": lambda v: {k: x for k, x in v},  # keys were decoded already (tuples stay tuples)
    "tuple": tuple,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    "set": set,
    "frozenset": frozenset,
    "path": Path,
    "decimal": Decimal,
}


def register_record(cls: type, kind: str | None = None) -> None:
    """Let values of the dataclass `cls` round-trip (as `{"__tw__": "rec:<name>", "v": {fields}}`).

    Used by the task protocol for the records it carries; XCom values may contain them too.
    """
    tag = f"rec:{kind or cls.__name__}"
    _EXACT[cls] = _record_encoder(tag, tuple(f.name for f in fields(cls)))
    _DECODERS[tag] = lambda v: cls(**v)


def _record_encoder(tag: str, names: tuple[str, ...]) -> Callable[[Any], Any]:
    """Encode a record of fields `names`: its values read by one attrgetter, plain ones kept without a call."""
    read = operator.attrgetter(*names) if len(names) > 1 else lambda record: tuple(getattr(record, n) for n in names)

    def encode(record: Any) -> Any:
        values = read(record)
        return {TAG: tag, VALUE: {n: v if type(v) in _PLAIN else _encode(v) for n, v in zip(names, values)}}

    return encode


def _decode(obj: dict[str, Any]) -> Any:
    kind = obj.get(TAG)
    if kind is None or len(obj) != 2 or VALUE not in obj:
        return obj
    decoder = _DECODERS.get(kind)
    if decoder is None:
        raise ValueError(f"unknown serialized type tag {kind!r}")
    return decoder(obj[VALUE])


def _json_encoder() -> Callable[[Any], str] | None:
    """json's C encoder as `json.dumps(..., separators=(",", ":"), ensure_ascii=False)` sets it up, built once.

    `json.dumps` with arguments builds a JSONEncoder, a closure and the C encoder per call; in a
    forked task's process that was ~30 of the pages a message's encoding copies from the fork
    server (measured). Without json's check for circular references: `_encode` has built a new
    tree (a circular value fails there first, with the same RecursionError). None without json's C speed-ups.
    """
    make = getattr(json.encoder, "c_make_encoder", None)  # (not in the type stubs)
    if make is None:
        return None
    settings = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
    encode = make(
        None,  # markers: no circular-reference check
        settings.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        settings.indent,
        settings.key_separator,
        settings.item_separator,
        settings.sort_keys,
        settings.skipkeys,
        settings.allow_nan,
    )
    return lambda value: "".join(encode(value, 0))


_ENCODER = _json_encoder()


def dumps(value: Any) -> str:
    """Compact JSON text for `value`; TypeError if some part of it has no JSON form."""
    if _ENCODER is None:
        return json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False)
    return _ENCODER(_encode(value))


_DECODER = json.JSONDecoder(object_hook=_decode)
"""Built once: `json.loads(..., object_hook=...)` builds a decoder and its scanner per call, and in a
forked task's process each build writes to pages shared with its fork server (~10 page copies a message)."""
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]
"""The decoder's scanner (json's C one): a value and where it ends."""


def loads(text: str | bytes | None) -> Any:
    """The value `dumps` was given (None stays None)."""
    if text is None:
        return None
    if type(text) is not str or text.startswith("\ufeff"):  # bytes (encoding detection), a BOM (json's error)
        return json.loads(text, object_hook=_decode)
    try:  # the scanner itself: JSONDecoder.decode's Python around it costs a forked task ~13 page copies
        value, end = _SCAN(text, 0)
    except StopIteration:
        return _DECODER.decode(text)  # leading whitespace, or no value: json's own handling (and error)
    return value if end == len(text) else _DECODER.decode(text)  # trailing whitespace or extra data: likewise
