"""Leaders laid out as one run of dots (docgen.render.leaders): the same page, far fewer text objects.

Compared with WeasyPrint's own leaders (each dot a text box of its own) on the shipped 2024
book's 目录 page: rasterised by pdftoppm, the two pages are the same pixels; read back, each
leader is one text-showing operator.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from docgen.render import pdf, report
from docgen.render.front_matter import FrontPart
from docgen.render.leaders import install
from tests.render.pdf_helpers import shipped_context


def _contents_page(tmp_path: Path, name: str) -> tuple[Path, int]:
    """The shipped 2024 目录 as one PDF (its lines on page numbers 1, 3, 5, …); its path and line count."""
    ctx = shipped_context()
    projects = ctx.content.projects_of(2024)
    contents = [report.ContentsLine(n, report.sheet_title(p), 2 * n - 1) for n, p in enumerate(projects, start=1)]
    part = FrontPart(stop=len(contents), title=True, note=True)
    html = report.render_html(
        ctx,
        report.TARGETS_TEMPLATE,
        (report.PRINT_FOLDER, report.TARGETS_FOLDER),
        book=report.targets_book(ctx, 2024, contents, part),
    )
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf.render_pdf(html, report._asset_roots(ctx)).data)
    return path, len(contents)


def _text_shown(path: Path) -> int:
    with pikepdf.open(path) as document:
        operators = pikepdf.parse_content_stream(document.pages[0])
        return sum(1 for instruction in operators if str(instruction.operator) in ("Tj", "TJ", "'", '"'))


def _pixels(path: Path, tmp_path: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", path, tmp_path / path.stem], check=True)
    return Image.open(tmp_path / f"{path.stem}.png").convert("L")


def test_a_leader_is_one_run_of_dots_and_the_page_looks_as_weasyprints_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weasyprint.layout import inline, leader

    pdf.print_setup()  # installs the runs
    runs, lines = _contents_page(tmp_path, "runs")
    monkeypatch.setattr(inline, "handle_leader", leader.handle_leader)  # WeasyPrint's own: a box a dot
    boxes, _ = _contents_page(tmp_path, "boxes")

    assert lines == 5
    assert _text_shown(boxes) > 10 * lines, "WeasyPrint draws each dot alone"
    assert _text_shown(runs) <= _text_shown(boxes) - 10 * lines
    difference = ImageChops.difference(_pixels(runs, tmp_path), _pixels(boxes, tmp_path))
    assert difference.getbbox() is None, "the same pixels at 150 dpi"


def test_installing_twice_runs_the_dots_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import inline

    pdf.print_setup()
    installed = inline.handle_leader
    install()
    assert inline.handle_leader is installed
