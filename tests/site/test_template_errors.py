"""A broken site template is a diagnostic at its line (the build then fails that output), never a traceback."""

from __future__ import annotations

from docgen.api import check
from docgen.project import ProjectPaths
from docgen.render.context import RenderContext
from docgen.render.site import render_page


def _context(project: ProjectPaths) -> RenderContext:
    checked = check(project, templates=False)
    return RenderContext(project, checked.content, checked.facts, 0)


def _break(project: ProjectPaths, template: str, marker: str, inserted: str) -> int:
    """Insert ``inserted`` after the line holding ``marker``; return the 1-based line it is on."""
    path = project.html_templates / "site" / template
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if marker in line) + 1
    lines.insert(at, inserted + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return at + 1


def test_an_undefined_attribute_is_reported_at_its_template_line(shipped_copy: ProjectPaths) -> None:
    line = _break(shipped_copy, "project.html", '<h2 id="particulars-title">', "{{ project.no_such_field }}")
    ctx = _context(shipped_copy)
    assert render_page(ctx, "years/2022/projects/reguarantee-fee-subsidy.html") == b""
    [problem] = list(ctx.diagnostics)
    assert problem.format().startswith(f"templates/html/site/project.html:{line}:1: error: template error: ")
    assert "no_such_field" in problem.message and problem.code == "site-template"


def test_a_syntax_error_in_an_included_template_is_reported_there(shipped_copy: ProjectPaths) -> None:
    line = _break(shipped_copy, "_macros.html", "{% macro paragraphs(text) -%}", "{% if %}")
    ctx = _context(shipped_copy)
    assert render_page(ctx, "years/2022/projects/reguarantee-fee-subsidy.html") == b""
    [problem] = list(ctx.diagnostics)
    assert problem.path == "templates/html/site/_macros.html" and problem.line == line
