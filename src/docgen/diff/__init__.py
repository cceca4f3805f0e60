"""Semantic diffs of the content (变化对比): what changed in meaning between two years or two revisions.

* :func:`compare_years` — year OLD against year NEW of the same content (the website's
  changes pages call this, then :func:`render_html`);
* :func:`compare_revisions` — the content at two git revisions (or a revision and the working
  tree), for pull-request review;
* :func:`compare_contents` — two loaded contents (what compare_revisions uses).

Outputs: :func:`render_terminal` (rich), :func:`render_markdown` (pull-request comment,
at most 65,000 characters), :func:`render_json` (schema in docs/diff.md), :func:`render_html`
(a fragment for the site). See docs/diff.md.
"""

from __future__ import annotations

from docgen.diff.compare import compare_contents, compare_years
from docgen.diff.model import Change, ChangeKind, Comparison, DiffError, DiffResult, Location, Side, Verdict
from docgen.diff.output_html import STYLE, preview_page, render_html
from docgen.diff.output_json import render_json
from docgen.diff.output_markdown import render_markdown
from docgen.diff.output_terminal import render_terminal
from docgen.diff.revisions import compare_revisions

__all__ = [
    "STYLE",
    "Change",
    "ChangeKind",
    "Comparison",
    "DiffError",
    "DiffResult",
    "Location",
    "Side",
    "Verdict",
    "compare_contents",
    "compare_revisions",
    "compare_years",
    "preview_page",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
]
