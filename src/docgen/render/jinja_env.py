"""The Jinja2 environment of the HTML templates (templates/html/): PDF report and website.

Templates are trusted, content is not: autoescape is on for every template, undefined
variables are errors (StrictUndefined), and content reaches templates only as data, never
as template source. The filters are the formatting functions of :mod:`docgen.facts.format`,
so that a template formats a figure exactly as every other output does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

from docgen.cache_home import cache_home
from docgen.facts import format as fmt
from docgen.render.markdown import render_inline, render_markdown


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text or ""))


def _markdown_inline(text: str | None) -> Markup:
    return Markup(render_inline(text or ""))


def _paragraphs(text: str | None) -> list[str]:
    """A plain multi-line text as its paragraphs (one per line, blank lines dropped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


FILTERS: dict[str, Callable[..., Any]] = {
    "money": fmt.money_table,
    "money_text": fmt.money_text,
    "money_plain": fmt.money_plain,
    "percent": fmt.percent,
    "score": fmt.score,
    "score_text": fmt.score_text,
    "count": fmt.count,
    "date_cn": fmt.date_cn,
    "markdown": _markdown,
    "markdown_inline": _markdown_inline,
    "paragraphs": _paragraphs,
}
"""The filters every HTML template may use (documented on the template reference page)."""


def compiled_templates() -> BytecodeCache | None:
    """Where compiled templates are kept between processes (the user's cache folder), or None.

    Compiling the templates costs ~0.3 s a process, which a one-project edit pays every time.
    Jinja keys each entry by the template's name and the checksum of its source, and marks it
    with its own and Python's version: an edited template is compiled again.
    """
    home = cache_home()
    if home is None:
        return None
    folder = home / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def make_env(template_dir: Path, extra_filters: dict[str, Callable[..., Any]] | None = None) -> Environment:
    """A strict, autoescaping environment over ``template_dir``."""
    env = Environment(
        loader=FileSystemLoader(str(template_dir)),
        bytecode_cache=compiled_templates(),
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "j2", "svg"), default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    if extra_filters:
        env.filters.update(extra_filters)
    return env
