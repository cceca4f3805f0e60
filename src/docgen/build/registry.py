"""The renderer registry (渲染器登记): each kind of output and the module that plans and renders it.

Kept apart from planning so that the command line and the no-op build can name the kinds
without importing any renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BUNDLE_KIND = "bundle"
"""The build's own kind: the annual bundle ``<year>/bundle.zip`` (see :mod:`docgen.build.bundle`)."""


@dataclass(frozen=True, slots=True)
class RendererSpec:
    """A kind of output and the module that plans and renders it."""

    kind: str
    module: str
    documents: bool  # its outputs are documents of the year: they go into the annual bundle


DEFAULT_RENDERERS: tuple[RendererSpec, ...] = (
    RendererSpec("docx", "docgen.render.docx", documents=True),
    RendererSpec("pdf", "docgen.render.pdf", documents=True),
    RendererSpec("site", "docgen.render.site", documents=False),
)
"""Word files, PDF reports, the website."""


def known_kinds(renderers: Sequence[RendererSpec] = DEFAULT_RENDERERS) -> tuple[str, ...]:
    """The kinds ``--only`` accepts: every registered kind and the bundle."""
    return (*(spec.kind for spec in renderers), BUNDLE_KIND)


def year_of_path(path: str) -> int | None:
    """The year an output belongs to: the first segment of its path, when that is a year (``2023/…``)."""
    first = path.split("/", 1)[0]
    return int(first) if len(first) == 4 and first.isdigit() else None


def in_scope(kind: str, year: int | None, kinds: set[str], selected_year: int | None) -> bool:
    """Whether an output of this kind and year is one a selection (``--only``, ``--year``) asks for."""
    return kind in kinds and (selected_year is None or year == selected_year)
