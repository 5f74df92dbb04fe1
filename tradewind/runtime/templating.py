"""Jinja templating of operator fields, following Apache Airflow 2's rules.

DAG authors write `{{ ds }}` in `bash_command`, name `.sh` files, nest templates in lists, dicts
and objects that declare `template_fields`; which values render, and how, must match Airflow so
that DAGs behave the same. Differences are only in speed: environments are cached per set of
arguments, and templates compiled from strings are cached per environment, because a warm
worker renders the same fields run after run and compiling is the expensive part.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.exceptions import TaskControl, TemplateError, TradewindException

if TYPE_CHECKING:
    import jinja2

    from tradewind.sdk.xcom_arg import ResolvableArg

_ENV_CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class LiteralValue:
    """A value passed through rendering untouched, even if it looks like a template (Airflow's `literal`)."""

    value: Any


def literal(value: Any) -> LiteralValue:
    return LiteralValue(value)


# --- Airflow's date filters: `{{ data_interval_end | ds }}` ----------------------------------
def ds_filter(value: date | time | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d")


def ds_nodash_filter(value: date | time | None) -> str | None:
    return None if value is None else value.strftime("%Y%m%d")


def ts_filter(value: date | time | None) -> str | None:
    return None if value is None else value.isoformat()


def ts_nodash_filter(value: date | time | None) -> str | None:
    return None if value is None else value.strftime("%Y%m%dT%H%M%S")


def ts_nodash_with_tz_filter(value: date | time | None) -> str | None:
    return None if value is None else value.isoformat().replace("-", "").replace(":", "")


FILTERS = {
    "ds": ds_filter,
    "ds_nodash": ds_nodash_filter,
    "ts": ts_filter,
    "ts_nodash": ts_nodash_filter,
    "ts_nodash_with_tz": ts_nodash_with_tz_filter,
}


# --- environments ----------------------------------------------------------------------------
_env_cache: OrderedDict[tuple[Any, ...], tuple[jinja2.Environment, tuple[Any, ...]]] = OrderedDict()
_env_lock = threading.Lock()

#: jinja_environment_kwargs that change nothing in text outside `{{ }}`, `{% %}` and `{# #}`.
_TEXT_NEUTRAL_OPTIONS = frozenset(
    {
        *("keep_trailing_newline", "trim_blocks", "lstrip_blocks", "undefined", "autoescape", "cache_size"),
        *("auto_reload", "finalize", "optimized"),
    }
)
_JINJA_TAGS = ("{{", "{%", "{#")


def __getattr__(name: str) -> Any:
    """The environment classes live in jinja_env.py (imported on first use, with Jinja)."""
    if name in ("SandboxedEnvironment", "NativeEnvironment"):
        from tradewind.runtime import jinja_env

        return getattr(jinja_env, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _identity(mapping: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """A cache key that is hashable whatever the values are; the cache entry keeps them alive."""
    return tuple((name, id(value)) for name, value in mapping.items())


def make_jinja_env(
    *,
    searchpath: Sequence[str | Path] | str | Path = (),
    user_defined_macros: Mapping[str, Any] | None = None,
    user_defined_filters: Mapping[str, Any] | None = None,
    native: bool = False,
    undefined: type[jinja2.Undefined] | None = None,
    jinja_environment_kwargs: Mapping[str, Any] | None = None,
) -> jinja2.Environment:
    """The environment a DAG's templates render in, built as Airflow's `DAG.get_template_env`.

    `undefined` defaults to Jinja's StrictUndefined, as Airflow's. Cached: the same arguments
    (macros and filters compared by identity) give the same environment.
    """
    if isinstance(searchpath, (str, Path)):
        searchpath = [searchpath]
    paths = tuple(str(p) for p in searchpath)
    macros = dict(user_defined_macros or {})
    filters = dict(user_defined_filters or {})
    options = dict(jinja_environment_kwargs or {})
    key = (paths, native, undefined, _identity(macros), _identity(filters), _identity(options))
    with _env_lock:
        hit = _env_cache.get(key)
        if hit is not None:
            _env_cache.move_to_end(key)
            return hit[0]
    from tradewind.runtime.jinja_env import build_env

    env = build_env(paths, macros, filters, native, undefined, options)
    with _env_lock:
        _env_cache[key] = (env, (macros, filters, options))
        while len(_env_cache) > _ENV_CACHE_SIZE:
            _env_cache.popitem(last=False)
    return env


class DeferredEnv:
    """An environment built on first need: text without Jinja syntax renders without it (and without Jinja).

    A task's process inherits what its fork server imported; a no-op task, or one whose fields
    are plain text, then never imports Jinja (≈ 5 MB) nor compiles a template. `plain_text` says
    whether plain text may skip Jinja: not in native mode (where `"1"` renders to 1), nor with
    options that change how text outside tags reads (delimiters, line statements, newlines).
    """

    __slots__ = ("_build", "_env", "keep_trailing_newline", "plain_text")

    def __init__(self, build: Callable[[], jinja2.Environment], *, native: bool, options: Mapping[str, Any]) -> None:
        self._build = build
        self._env: jinja2.Environment | None = None
        self.plain_text = not native and _TEXT_NEUTRAL_OPTIONS.issuperset(options)
        self.keep_trailing_newline = bool(options.get("keep_trailing_newline", False))

    @classmethod
    def of_dag(cls, dag: Any) -> DeferredEnv:
        return cls(dag.get_template_env, native=dag.render_template_as_native_obj, options=dag.jinja_environment_kwargs)

    def get(self) -> jinja2.Environment:
        if self._env is None:
            self._env = self._build()
        return self._env


def _real(env: Any) -> jinja2.Environment:
    return env.get() if isinstance(env, DeferredEnv) else env


def needs_jinja(value: str, exts: tuple[str, ...] = ()) -> bool:
    """Whether rendering the string `value` needs Jinja (a tag in it, or a template file's name)."""
    return any(tag in value for tag in _JINJA_TAGS) or bool(exts and value.endswith(exts))


def _plain_text(value: str, keep_trailing_newline: bool) -> str:
    """What Jinja renders text without tags to: every line break made LF, one trailing line break dropped (by default)."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not keep_trailing_newline and value.endswith("\n"):
        value = value[:-1]
    return value


def prepare_templates(dag: Any) -> int:
    """Build `dag`'s environment and compile the templates its tasks' fields hold, if any; how many.

    For a process that forks task processes (a fork server): done there once, every task's
    process inherits Jinja imported and its templates compiled. A DAG without Jinja syntax in its
    fields (nor a callable field, which is given the environment) costs nothing: its tasks
    render without Jinja. Only a warm-up: what is missed here is built when a task renders it.
    """
    sources: set[str] = set()
    needed = False
    for task in dag.task_dict.values():
        exts = tuple(getattr(task, "template_ext", ()) or ())
        values = [getattr(task, name, None) for name in getattr(task, "template_fields", ())]
        values += [getattr(task, "partial_kwargs", None), getattr(task, "expand_input", None)]  # a mapped task's
        for text in _strings(values, set(), 0):
            if text is None or needs_jinja(text, exts):
                needed = True
                if text is not None and not (exts and text.endswith(exts)):
                    sources.add(text)
    if not needed and not dag.render_template_as_native_obj:
        return 0
    env = dag.get_template_env()
    compile_cached = getattr(env, "compiled_from_string", None)
    for source in sources:
        try:
            compile_cached(source) if compile_cached is not None else None
        except Exception:  # noqa: BLE001 — a template that does not compile fails its task, when it renders
            pass
    return len(sources)


def _strings(value: Any, seen: set[int], depth: int) -> Iterator[str | None]:
    """Every string in `value` as rendering walks it (None for a callable field: it needs the environment)."""
    if depth > 20 or id(value) in seen:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item, seen, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, seen, depth + 1)
    elif callable(value) and not isinstance(value, type):
        yield None
    elif value is not None and not isinstance(value, (int, float, bool, LiteralValue)):
        seen.add(id(value))
        for name in getattr(value, "template_fields", ()) or ():
            yield from _strings(getattr(value, name, None), seen, depth + 1)


# --- rendering -------------------------------------------------------------------------------
class _RenderFailure(Exception):
    """Internal: the one-line reason a value did not render; public functions say where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def render_value(
    value: Any,
    context: Mapping[str, Any],
    env: jinja2.Environment | DeferredEnv,
    *,
    template_ext: Sequence[str] = (),
    seen: set[int] | None = None,
    field: str | None = None,
) -> Any:
    """Render `value` as Airflow's `render_template` does; raises TemplateError naming `field`.

    Strings render (a string ending in one of `template_ext` names a template file on the search
    path); lists, tuples, sets and dict values render item by item into new containers; objects
    with `template_fields` render those attributes in place; anything else is returned as is.
    """
    try:
        return _render(value, context, env, tuple(template_ext), set() if seen is None else seen)
    except _RenderFailure as failure:
        where = f"cannot render {field}" if field else "cannot render template"
        raise TemplateError(f"{where}: {failure}") from failure.__cause__


def render_template_fields(
    obj: Any,
    context: Mapping[str, Any],
    env: jinja2.Environment | DeferredEnv,
    *,
    template_fields: Sequence[str] | None = None,
    template_ext: Sequence[str] | None = None,
    verbatim: set[int] | None = None,
) -> dict[str, Any]:
    """Render each template field of `obj` in place; returns {field: value} to store as rendered.

    Fields default to `obj.template_fields` and extensions to `obj.template_ext`. As in Airflow,
    empty values are left alone and a callable value is called with `context` and `jinja_env`;
    values whose id is in `verbatim` (a mapped task's values from XCom) are left as they are.
    """
    fields = tuple(obj.template_fields if template_fields is None else template_fields)
    exts = tuple(getattr(obj, "template_ext", ()) if template_ext is None else template_ext)
    try:
        _render_fields(obj, fields, context, env, exts, set(verbatim or ()))
    except _RenderFailure as failure:
        raise TemplateError(f"cannot render {failure.field} of {_describe(obj)}: {failure}") from failure.__cause__
    return {name: getattr(obj, name, None) for name in fields}


def _describe(obj: Any) -> str:
    task_id = getattr(obj, "task_id", None)
    return f"task {task_id}" if task_id else type(obj).__name__


def _render_fields(
    parent: Any,
    fields: Sequence[str],
    context: Mapping[str, Any],
    env: jinja2.Environment | DeferredEnv,
    exts: tuple[str, ...],
    seen: set[int],
) -> None:
    for name in fields:
        try:
            value = getattr(parent, name)
        except AttributeError:
            raise _RenderFailure(
                f"{name!r} is configured as a template field but {type(parent).__name__} does not have this attribute",
                name,
            ) from None
        try:
            if not value:
                continue
        except Exception:  # noqa: BLE001 — no truth value (a DataFrame): render it anyway, as Airflow does
            pass
        try:
            if callable(value):
                rendered = value(context=context, jinja_env=_real(env))
            else:
                rendered = _render(value, context, env, exts, seen)
        except _RenderFailure as failure:
            failure.field = name  # the outermost field wins: it is the one the user wrote
            raise
        except TaskControl:
            raise
        except Exception as exc:  # noqa: BLE001 — a callable field failed; report it like a template
            raise _RenderFailure(_reason(exc), name) from exc
        setattr(parent, name, rendered)


def _render(
    value: Any, context: Mapping[str, Any], env: jinja2.Environment | DeferredEnv, exts: tuple[str, ...], seen: set[int]
) -> Any:
    if id(value) in seen:
        return value
    if isinstance(value, str):
        return _render_string(value, context, env, exts)
    if isinstance(value, LiteralValue):
        return value.value
    resolvable = _resolvable_types()
    if resolvable and isinstance(value, resolvable):
        return value.resolve(context)
    if value.__class__ is tuple:
        return tuple(_render(item, context, env, exts, seen) for item in value)
    if isinstance(value, tuple):  # a named tuple keeps its class
        return value.__class__(*(_render(item, context, env, exts, seen) for item in value))
    if isinstance(value, list):
        return [_render(item, context, env, exts, seen) for item in value]
    if isinstance(value, dict):
        return {key: _render(item, context, env, exts, seen) for key, item in value.items()}
    if isinstance(value, set):
        return {_render(item, context, env, exts, seen) for item in value}
    _render_nested(value, context, env, exts, seen)
    return value


def _render_nested(
    value: Any, context: Mapping[str, Any], env: jinja2.Environment | DeferredEnv, exts: tuple[str, ...], seen: set[int]
) -> None:
    """An object with its own `template_fields` renders them in place (Airflow's nested templating)."""
    if id(value) in seen:
        return
    seen.add(id(value))
    try:
        fields = value.template_fields
    except AttributeError:
        return
    _render_fields(value, fields, context, env, exts, seen)


def _render_string(
    value: str, context: Mapping[str, Any], env: jinja2.Environment | DeferredEnv, exts: tuple[str, ...]
) -> Any:
    if isinstance(env, DeferredEnv) and env.plain_text and type(value) is str and not needs_jinja(value, exts):
        return _plain_text(value, env.keep_trailing_newline)
    import jinja2

    real = _real(env)
    try:
        if exts and value.endswith(exts):
            template = real.get_template(value)
        else:
            compile_cached = getattr(real, "compiled_from_string", None)
            template = compile_cached(value) if compile_cached is not None else real.from_string(value)
        return template.render(context)
    except (jinja2.TemplateNotFound, jinja2.TemplatesNotFound) as exc:
        raise _RenderFailure(_not_found(exc, real)) from exc
    except jinja2.TemplateSyntaxError as exc:
        where = f"line {exc.lineno}" if not exc.name else f"{exc.name}, line {exc.lineno}"
        raise _RenderFailure(f"{_one_line(exc.message or str(exc))} ({where})") from exc
    except TaskControl:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever a template calls may fail; say what, in one line
        raise _RenderFailure(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    """One line: Jinja's and our own messages as they are, other errors with their type."""
    jinja2 = sys.modules.get("jinja2")  # not imported: no Jinja error to describe
    if jinja2 is not None and isinstance(exc, jinja2.TemplateError):
        return _one_line(exc.message or type(exc).__name__)
    if isinstance(exc, TradewindException):
        return _one_line(str(exc) or type(exc).__name__)
    text = str(exc)
    return _one_line(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def _not_found(exc: jinja2.TemplateNotFound, env: jinja2.Environment) -> str:
    name = exc.name if isinstance(exc.name, str) else ", ".join(map(str, exc.templates))
    paths = list(getattr(env.loader, "searchpath", []) or [])
    message = f"template file '{name}' not found in {', '.join(paths) if paths else '(an empty search path)'}"
    if name.startswith("/"):
        message += "; template files are looked up relative to the search path (add the folder to template_searchpath)"
    return message


def _one_line(text: str) -> str:
    return " ".join(text.split())


_resolvable: tuple[type[ResolvableArg], ...] | None = None


def _resolvable_types() -> tuple[type[ResolvableArg], ...]:
    """The SDK's run-time values (XComArg, DagParamArg), resolved like Airflow's ResolveMixin."""
    global _resolvable
    if _resolvable is None:
        try:
            from tradewind.sdk.xcom_arg import ResolvableArg
        except ImportError:
            _resolvable = ()
        else:
            _resolvable = (ResolvableArg,)
    return _resolvable
