"""The library's entry points: load and check content (the CLI is a thin layer over these)."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.diagnostics import Diagnostics
from docgen.facts.derive import YearFacts
from docgen.facts.target_values import analyses_to_keep, remember_analyses
from docgen.model.checks import check_content
from docgen.model.content import Content
from docgen.project import ProjectPaths
from docgen.render.docx_text import check_xml_characters
from docgen.source.cache import ParseCache
from docgen.source.load import load_content
from docgen.source.model_memo import ModelMemo


@dataclass(slots=True)
class Checked:
    """Content after loading and checking, with its derived facts and every diagnostic."""

    paths: ProjectPaths
    content: Content
    facts: dict[int, YearFacts]
    diagnostics: Diagnostics


def check(
    paths: ProjectPaths, *, templates: bool = True, cache: ParseCache | None = None, models: ModelMemo | None = None
) -> Checked:
    """Load, validate and cross-check all content (and the templates); never raises for bad input.

    ``cache`` (:meth:`ParseCache.from_environment`: the command line's) spares parsing files
    whose text parsed cleanly before; ``models`` (a warm process's) spares validating them.
    """
    if cache is not None:
        remember_analyses(cache.kept_analyses())
    content, diagnostics = load_content(paths.content, cache=cache, models=models)
    facts = check_content(content, diagnostics)
    check_xml_characters(content, diagnostics)  # characters Word and HTML cannot hold
    if templates:
        from docgen.render.template_check import check_templates

        check_templates(paths, diagnostics)
    if cache is not None and (analyses := analyses_to_keep()) is not None:
        cache.keep_analyses(analyses)
    return Checked(paths, content, facts, diagnostics)
