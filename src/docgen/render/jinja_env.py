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

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

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


def make_env(template_dir: Path, extra_filters: dict[str, Callable[..., Any]] | None = None) -> Environment:
    """A strict, autoescaping environment over ``template_dir``."""
    env = Environment(
        loader=FileSystemLoader(str(template_dir)),
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
