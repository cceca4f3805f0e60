"""Markdown from content, rendered safely (raw HTML off, only safe link schemes).

Content is untrusted: it arrives by pull request. markdown-it-py renders CommonMark with
``html`` disabled (raw HTML is shown as text), links and images are kept only when they
are relative or http, https or mailto, and nesting is capped so that hostile input
(100,000 nested quotes) renders in bounded time.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
MAX_NESTING = 20


def is_safe_url(url: str) -> bool:
    """Relative URLs and http, https, mailto only (no javascript:, data:, vbscript:, file:)."""
    stripped = "".join(ch for ch in url if ch >= " " and ch != "\x7f").strip()
    match = _SCHEME.match(stripped)
    if match is None:
        return not stripped.startswith("//") and not stripped.startswith("\\")
    return f"{match.group(1).lower()}:" in SAFE_SCHEMES


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING})
    md.enable("table")
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    return md


def render_markdown(text: str) -> str:
    """HTML for a Markdown text from content (safe to insert unescaped)."""
    return str(_parser().render(text))


def render_inline(text: str) -> str:
    """HTML for one line of Markdown without a surrounding paragraph."""
    return str(_parser().renderInline(text))


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders it literally: every ASCII punctuation backslash-escaped.

    For values put into a Markdown narrative (a fact filled into ``${...}``): a project name
    with ``*`` or ``[`` stays text and cannot become emphasis or a link.
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def fill_markdown(text: str, facts: dict[str, str]) -> str:
    """A Markdown narrative with its ``${fact}`` placeholders filled by values that render literally.

    ``facts`` is :func:`docgen.facts.placeholders.fact_table` of the year.
    """
    from docgen.facts.placeholders import fill

    return fill(text, {name: escape_markdown(value) for name, value in facts.items()})
