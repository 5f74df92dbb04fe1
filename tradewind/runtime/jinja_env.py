"""The Jinja environments templates render in (Airflow's filters, sandbox, native mode).

Apart from templating.py so that Jinja (≈ 5 MB, 70 modules) is imported only by a process that
renders a template: a task whose fields hold no Jinja syntax never needs it, and a task's process
inherits every module its fork server imported (see templating.render_template_fields).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import jinja2
import jinja2.nativetypes
import jinja2.sandbox

from tradewind.runtime.templating import FILTERS

_TEMPLATE_CACHE_SIZE = 512


class _TradewindEnvironmentMixin:
    """Airflow's filters and attribute rule, plus a bounded cache of templates compiled from strings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.filters.update(FILTERS)  # type: ignore[attr-defined]
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()
        self._compiled_lock = threading.Lock()

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """As Airflow: `_private` attributes are readable, `__dunder__` and internals are not."""
        return not jinja2.sandbox.is_internal_attribute(obj, attr)

    def compiled_from_string(self, source: str) -> jinja2.Template:
        """`from_string`, compiled once per source text (Jinja itself caches only loaded files)."""
        with self._compiled_lock:
            template = self._compiled.get(source)
            if template is not None:
                self._compiled.move_to_end(source)
                return template
        template = self.from_string(source)  # type: ignore[attr-defined]
        with self._compiled_lock:
            self._compiled[source] = template
            while len(self._compiled) > _TEMPLATE_CACHE_SIZE:
                self._compiled.popitem(last=False)
        return template


class SandboxedEnvironment(_TradewindEnvironmentMixin, jinja2.sandbox.SandboxedEnvironment):
    """The default, as in Airflow: templates render to strings inside Jinja's sandbox."""


class NativeEnvironment(_TradewindEnvironmentMixin, jinja2.nativetypes.NativeEnvironment):
    """`render_template_as_native_obj=True`: `"{{ [1, 2] }}"` renders to a list, not a string."""


def build_env(
    paths: tuple[str, ...],
    macros: dict[str, Any],
    filters: dict[str, Any],
    native: bool,
    undefined: type[jinja2.Undefined] | None,
    options: dict[str, Any],
) -> jinja2.Environment:
    settings: dict[str, Any] = {
        "loader": jinja2.FileSystemLoader(list(paths)),
        "undefined": undefined if undefined is not None else jinja2.StrictUndefined,
        "extensions": ["jinja2.ext.do"],
        "autoescape": False,
        "keep_trailing_newline": False,  # Airflow's default; DAGs opt in via jinja_environment_kwargs
    }
    settings.update(options)
    env: jinja2.Environment = (NativeEnvironment if native else SandboxedEnvironment)(**settings)
    env.globals.update(macros)
    env.filters.update(filters)
    return env
