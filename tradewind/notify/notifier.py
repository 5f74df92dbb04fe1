"""`BaseNotifier`: a callback object (`on_failure_callback=MyNotifier(...)`) whose fields are templates.

Airflow 2.6+'s notifier: subclass, set `template_fields`, implement `notify(context)`. Each call
renders a copy of the notifier in the DAG's Jinja environment, so one instance shared by many
tasks renders afresh for each. A failing render or `notify` is logged, never fatal (the task's
outcome is already decided).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Any, ClassVar

log = logging.getLogger("tradewind.task")


class BaseNotifier:
    """Subclass and implement `notify(context)`; attributes named in `template_fields` are rendered first."""

    template_fields: ClassVar[Sequence[str]] = ()
    template_ext: ClassVar[Sequence[str]] = ()

    def notify(self, context: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement notify(context)")

    def render_template_fields(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """Render `template_fields` in place, in `jinja_env` or the context's DAG's environment."""
        from tradewind.runtime.templating import make_jinja_env, render_template_fields

        if jinja_env is None:
            dag = context.get("dag")
            jinja_env = dag.get_template_env() if dag is not None else make_jinja_env()
        render_template_fields(self, context, jinja_env)

    def __call__(self, *args: Any) -> None:
        context: dict[str, Any] = args[0] if len(args) == 1 and isinstance(args[0], dict) else {"args": args}
        rendered = copy.copy(self)
        try:
            rendered.render_template_fields(context)
        except Exception:  # noqa: BLE001
            log.exception("notifier %s could not render its templates", type(self).__name__)
            return
        try:
            rendered.notify(context)
        except Exception:  # noqa: BLE001
            log.exception("notifier %s failed", type(self).__name__)
