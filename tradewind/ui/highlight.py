"""DAG source, highlighted by Pygments on the server: token classes only (colours come from
static/pygments.css, light and dark), line numbers that are not copied with the code."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup


@lru_cache(maxsize=32)
def highlight_python(source: str) -> Markup:
    """The source as HTML; a file Pygments cannot lex still shows, as plain escaped text."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(cssclass="hl", linenos="inline", lineanchors="L", wrapcode=True)
    return Markup(highlight(source, PythonLexer(stripnl=False, ensurenl=True), formatter))
