"""The PDFs as build outputs: what plan() declares, valid PDF files, identical bytes from identical content."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.api import Checked
from docgen.render import pdf, report
from docgen.render.context import RenderContext
from tests.render.pdf_helpers import REPO, SOURCE_DATE_EPOCH, render_output, rendered, run, shipped_context

PDFS = (
    "2023/evaluation-report.pdf",
    "2021/targets.pdf",
    "2022/targets.pdf",
    "2023/targets.pdf",
    "2024/targets.pdf",
)


def test_plan_lists_a_report_per_evaluated_year_and_a_targets_book_and_sheets_per_year() -> None:
    ctx = shipped_context()
    outputs = {o.path: o for o in pdf.plan(ctx)}
    sheets = {path for path in outputs if "/targets/" in path}
    assert sorted(set(outputs) - sheets) == sorted(PDFS)
    assert sheets == {
        f"{year}/targets/{project_id}.pdf" for year, projects in ctx.content.projects.items() for project_id in projects
    }
    report_output = outputs["2023/evaluation-report.pdf"]
    assert report_output.kind == "pdf"
    assert report_output.renderer == "docgen.render.report:render_evaluation_report"
    assert report_output.args == (2023,)
    files = set(report_output.content_files)
    assert {
        "content/evaluations/2023/_fund.yaml",
        "content/evaluations/2023/asset-exchange-system.yaml",
        "content/projects/2023/asset-exchange-system.yaml",
        "content/funds/2023.yaml",
        "content/site.yaml",
    } <= files
    assert len([f for f in files if f.startswith("content/evaluations/2023/")]) == 14
    assert len([f for f in files if f.startswith("content/projects/2023/")]) == 13
    assert not [f for f in files if "/2022/" in f or "/2024/" in f]
    assert {
        "templates/html/report/report.html",
        "templates/html/report/report.css",
        "templates/html/print/base.html",
        "templates/html/print/print.css",
    } <= set(report_output.templates)
    targets = outputs["2022/targets.pdf"]
    assert targets.renderer == "docgen.render.report:render_targets_book"
    assert "content/funds/2022.yaml" in targets.content_files
    assert "templates/html/targets/targets.html" in targets.templates
    assert not [t for t in targets.templates if "/report/" in t]
    # the book reads its sheets; a sheet reads its own project only, and not the book's front matter
    assert targets.after == tuple(f"2022/targets/{p.id}.pdf" for p in ctx.content.projects_of(2022))
    sheet = outputs["2022/targets/reguarantee-fee-subsidy.pdf"]
    assert sheet.renderer == "docgen.render.report:render_target_sheet"
    assert [f for f in sheet.content_files if f.startswith("content/projects/")] == [
        "content/projects/2022/reguarantee-fee-subsidy.yaml"
    ]
    assert "content/funds/2022.yaml" not in sheet.content_files
    assert "templates/html/targets/sheet.html" in sheet.templates
    assert "templates/html/targets/targets.html" not in sheet.templates
    assert "templates/html/targets/sheet.html" not in targets.templates


@pytest.mark.parametrize("output", PDFS)
def test_qpdf_check_passes(output: str) -> None:
    result = subprocess.run(
        ["qpdf", "--check", str(rendered(output).path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


@pytest.mark.parametrize("output", PDFS)
def test_a4_pages_and_the_build_date_as_creation_date(output: str) -> None:
    info = run("pdfinfo", str(rendered(output).path))
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert "CreationDate:    Tue Nov 14 22:13:20 2023 UTC" in info  # SOURCE_DATE_EPOCH 1700000000
    assert "ModDate:         Tue Nov 14 22:13:20 2023 UTC" in info


_RENDER_IN_A_NEW_PROCESS = """
import sys
from pathlib import Path
from tests.render.pdf_helpers import render_output, shipped_context
ctx = shipped_context()
out = Path(sys.argv[1])
(out / "report.pdf").write_bytes(render_output(ctx, "2023/evaluation-report.pdf"))
(out / "targets.pdf").write_bytes(render_output(ctx, "2024/targets.pdf"))
"""


def test_two_builds_in_two_processes_give_identical_bytes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", _RENDER_IN_A_NEW_PROCESS, str(tmp_path)], cwd=REPO, check=True, timeout=300)
    assert (tmp_path / "report.pdf").read_bytes() == rendered("2023/evaluation-report.pdf").path.read_bytes()
    assert (tmp_path / "targets.pdf").read_bytes() == rendered("2024/targets.pdf").path.read_bytes()


def test_the_same_process_renders_the_same_bytes_again() -> None:
    ctx = shipped_context()
    again = render_output(ctx, "2024/targets.pdf")
    assert again == rendered("2024/targets.pdf").path.read_bytes()


def test_the_build_date_is_the_creation_date(tmp_path: Path) -> None:
    ctx = shipped_context()
    ctx.source_date_epoch = SOURCE_DATE_EPOCH + 86400
    later = tmp_path / "later.pdf"
    later.write_bytes(render_output(ctx, "2024/targets.pdf"))
    assert "CreationDate:    Wed Nov 15 22:13:20 2023 UTC" in run("pdfinfo", str(later))
    assert run("pdftotext", str(later), "-") == run("pdftotext", str(rendered("2024/targets.pdf").path), "-")


def sheets(ctx: RenderContext, year: int) -> list[str]:
    return [f"{year}/targets/{project_id}.pdf" for project_id in ctx.content.projects[year]]


def test_font_config_is_one_per_process() -> None:
    assert pdf.font_config() is pdf.font_config() is not None


def test_a_minimal_year_renders(make_content: Callable[..., Checked], tmp_path: Path) -> None:
    """One project, one section, one indicator, no recovery, no chart-worthy directions: still a report."""
    checked = make_content()
    assert not checked.diagnostics.errors
    shutil.copytree(REPO / "templates" / "html", tmp_path / "templates" / "html", dirs_exist_ok=True)
    ctx = RenderContext(checked.paths, checked.content, checked.facts, SOURCE_DATE_EPOCH)
    assert [o.path for o in pdf.plan(ctx)] == ["2023/evaluation-report.pdf", *sheets(ctx, 2023), "2023/targets.pdf"]
    out = tmp_path / "report.pdf"
    out.write_bytes(report.render_evaluation_report(ctx, 2023))
    text = run("pdftotext", "-layout", str(out), "-")
    assert "预算金额300万元。" in text.replace(" ", "")
    assert list(ctx.diagnostics) == []
    subprocess.run(["qpdf", "--check", str(out)], check=True, capture_output=True)
