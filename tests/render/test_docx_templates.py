"""The Word templates: checked by ``docgen check`` against their documented contract.

* the shipped templates pass the check and are exactly what scripts/make_docx_templates.py builds;
* docs/templates.md is exactly what the code generates (it cannot drift);
* a template using an undeclared variable, a missing attribute, an unknown or markup filter,
  broken syntax or a docgen tag outside a table cell is reported as path:line:col diagnostics,
  as are a missing or unreadable template and an unused one; nothing raises;
* a broken template met at render time fails the output with a diagnostic, not a traceback.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import typing
from pathlib import Path
from types import ModuleType, SimpleNamespace

import docx
import pytest
from jinja2 import Environment

from docgen.api import Checked, check
from docgen.diagnostics import Diagnostics
from docgen.project import ProjectPaths
from docgen.render import docx as docx_renderer
from docgen.render.docx_context import CatalogContext
from docgen.render.docx_reference import templates_reference
from docgen.render.template_check import check_jinja_source, check_templates
from tests.render.docx_helpers import REPO, render_context

TEMPLATES = ("target-tables.docx", "attachment-1-catalog.docx", "attachment-2-allocation.docx")


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docx_templates", REPO / "scripts" / "make_docx_templates.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def template_diagnostics(paths: ProjectPaths) -> list[str]:
    diagnostics = Diagnostics()
    check_templates(paths, diagnostics)
    return [d.format() for d in diagnostics]


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    shutil.copytree(REPO / "templates" / "docx", tmp_path / "templates" / "docx")
    shutil.copytree(REPO / "content", tmp_path / "content")
    return ProjectPaths(tmp_path)


def edit_first_cell(path: Path, text: str) -> None:
    """Replace the text of the first table's first cell (as a person would type it in Word)."""
    document = docx.Document(str(path))
    cell = document.tables[0].rows[0].cells[0]
    cell.paragraphs[0].runs[0].text = text
    document.save(str(path))


def test_shipped_templates_pass_the_check() -> None:
    assert template_diagnostics(ProjectPaths(REPO)) == []


def test_docgen_check_includes_the_templates(project: ProjectPaths) -> None:
    edit_first_cell(project.docx_templates / "target-tables.docx", "{{ t.titel }}")
    checked = check(project)
    assert any(d.code == "docx-template-attribute" for d in checked.diagnostics)


def test_templates_are_what_the_builder_makes(tmp_path: Path) -> None:
    built = load_builder().make_templates(tmp_path)
    assert [p.name for p in built] == list(TEMPLATES)
    for path in built:
        assert path.read_bytes() == (REPO / "templates" / "docx" / path.name).read_bytes(), path.name


def test_reference_page_is_generated_from_the_code() -> None:
    committed = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    assert committed == templates_reference(), "docs/templates.md is stale: run `docgen templates-doc`"


def test_reference_page_documents_every_variable() -> None:
    page = templates_reference()
    for variable in ("attachment_label", "tables", "total_requested", "name_spans_measure", "rowspan"):
        assert f"`{variable}`" in page
    for tag in ("vmerge", "cellfor", "cellif"):
        assert f"{{% {tag} " in page


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("{{ t.titel }}", "docx-template-attribute", "'TargetTableView' has no attribute 'titel'"),
        ("{{ applicant }}", "docx-template-variable", "undeclared variable 'applicant'"),
        ("{{ t.amount|moneyy }}", "docx-template-filter", "unknown filter 'moneyy'"),
        ("{{ t.applicant|safe }}", "docx-template-filter", "unknown filter 'safe'"),
        ("{{ t.title|markdown }}", "docx-template-filter", "unknown filter 'markdown'"),
        ("{% if t.amount is tiny %}x{% endif %}", "docx-template-test", "unknown test 'tiny'"),
        ("{{ t.title ", "docx-template-syntax", "template syntax"),
        ("{% for g in t.goals %}{{ g.tittle }}{% endfor %}", "docx-template-attribute", "'GoalView' has no attribute"),
    ],
)
def test_template_problems_are_diagnostics(project: ProjectPaths, text: str, code: str, words: str) -> None:
    edit_first_cell(project.docx_templates / "target-tables.docx", text)
    found = [line for line in template_diagnostics(project) if f"[{code}]" in line]
    assert found, template_diagnostics(project)
    assert found[0].startswith("templates/docx/target-tables.docx:")
    assert ": error: " in found[0] and words in found[0]


def test_nested_loops_follow_the_types(project: ProjectPaths) -> None:
    text = "{% for t in tables %}{% for row in t.rows %}{{ row.level1.txt }}{% endfor %}{% endfor %}"
    edit_first_cell(project.docx_templates / "target-tables.docx", text)
    assert any("'Cell' has no attribute 'txt'" in line for line in template_diagnostics(project))


def test_docgen_tag_outside_a_cell(project: ProjectPaths) -> None:
    path = project.docx_templates / "attachment-2-allocation.docx"
    document = docx.Document(str(path))
    document.paragraphs[0].runs[0].text = "{% vmerge row.level1 %}"
    document.save(str(path))
    lines = template_diagnostics(project)
    assert any("[docx-template-tag]" in line and "must stand in a table cell" in line for line in lines), lines


def test_missing_unreadable_and_unused_templates(project: ProjectPaths) -> None:
    (project.docx_templates / "attachment-1-catalog.docx").unlink()
    (project.docx_templates / "attachment-2-allocation.docx").write_bytes(b"not a zip")
    (project.docx_templates / "old-layout.docx").write_bytes(
        (project.docx_templates / "target-tables.docx").read_bytes()
    )
    lines = template_diagnostics(project)
    assert (
        "templates/docx/attachment-1-catalog.docx:1:1: error: the Word template attachment-1-catalog.docx is missing"
        in lines[0]
    )
    assert any(
        line.startswith("templates/docx/attachment-2-allocation.docx:1:1: error: not a Word document") for line in lines
    )
    assert any(line.startswith("templates/docx/old-layout.docx:1:1: warning:") for line in lines)


def test_render_with_a_broken_template_fails_the_output_with_a_diagnostic(
    project: ProjectPaths, shipped: Checked
) -> None:
    edit_first_cell(project.docx_templates / "target-tables.docx", "{{ t.titel }}")
    ctx = render_context(shipped)
    ctx.paths = project
    assert docx_renderer.render_target_table(ctx, 2022, "reguarantee-fee-subsidy") == b""
    (diagnostic,) = list(ctx.diagnostics)
    assert diagnostic.code == "docx-template-render" and diagnostic.path == "templates/docx/target-tables.docx"


def test_render_without_the_template_fails_the_output_with_a_diagnostic(
    project: ProjectPaths, shipped: Checked
) -> None:
    (project.docx_templates / "attachment-2-allocation.docx").unlink()
    ctx = render_context(shipped)
    ctx.paths = project
    assert docx_renderer.render_allocation(ctx, 2022) == b""
    assert [d.code for d in ctx.diagnostics] == ["docx-template-missing"]


def test_checker_on_plain_jinja_text() -> None:
    """The checker works on any Jinja text (the HTML templates' hook can use it)."""
    hints = typing.get_type_hints(CatalogContext)
    problems = check_jinja_source("{{ row.fund_name }}\n{{ row.amout }}\n{{ year }}", Environment(), hints)
    assert [(p.line, p.code) for p in problems] == [(2, "template-attribute")]
    untyped = check_jinja_source("{{ row.anything }}", Environment(), {"row": object})
    assert untyped == []  # not a dataclass: not followed


def test_templates_checked_clean_are_not_checked_again_until_one_changes(
    project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.render import template_check

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    checked: list[Path] = []
    check_all = template_check._check_docx_templates

    def counting(paths: ProjectPaths, found: Diagnostics) -> None:
        checked.append(paths.root)
        check_all(paths, found)

    monkeypatch.setattr(template_check, "_check_docx_templates", counting)
    assert template_diagnostics(project) == [] and len(checked) == 1
    assert template_diagnostics(project) == [] and len(checked) == 1, "clean before, with the same files: not again"

    edit_first_cell(project.docx_templates / "target-tables.docx", "{{ t.titel }}")
    for expected_checks in (2, 3):  # a template with a problem is checked, and reported, every time
        assert any("[docx-template-attribute]" in line for line in template_diagnostics(project))
        assert len(checked) == expected_checks
    edit_first_cell(project.docx_templates / "target-tables.docx", "{{ t.title }}")
    assert template_diagnostics(project) == [] and len(checked) == 4
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    template_diagnostics(project)
    assert len(checked) == 5, "no cache: checked every time"


def test_a_rendered_body_that_is_not_well_formed_fails_the_document_instead_of_being_repaired() -> None:
    """docxtpl would parse with recover=True and silently drop what it cannot read; docgen refuses."""
    from docgen.render.docx_engine import DocgenTemplate
    from docgen.render.docx_package import CorruptDocumentError

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    template = SimpleNamespace(finished_tables=None)  # no kept tables: the body as rendered
    body = DocgenTemplate.fix_tables(template, f"<w:body {w}><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:body>")
    assert body.findtext(".//{*}t") == "甲"
    with pytest.raises(CorruptDocumentError, match=r"word/document\.xml"):
        DocgenTemplate.fix_tables(template, f"<w:body {w}><w:p><w:r><w:t>甲</w:r></w:p></w:body>")
