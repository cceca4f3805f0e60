"""The 绩效目标表 book joined from per-project sheets (docgen.render.pdf_book): numbers, links, bookmarks.

Read back from the PDF as a reader sees it: pdftotext for the printed numbers and their place,
pikepdf for where the contents links and the bookmarks lead.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from docgen.render import pdf
from docgen.render.pdf_book import first_pages
from tests.render.pdf_helpers import (
    PAGE_HEIGHT,
    REPO,
    SOURCE_DATE_EPOCH,
    TYPE_AREA_BOTTOM,
    page_texts,
    render_output,
    rendered,
    shipped_context,
    words,
)

PAGE_WIDTH = 595.276
NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def _printed_numbers(year: int) -> dict[int, tuple[int, float, float]]:
    """Physical page (1-based) → (the number printed below the type area, its x0, its x1)."""
    found: dict[int, tuple[int, float, float]] = {}
    below = [w for w in words(rendered(f"{year}/targets.pdf").path) if w.y0 > TYPE_AREA_BOTTOM]
    for page in sorted({w.page for w in below}):
        line = [w for w in below if w.page == page]
        text = "".join(w.text for w in line)
        match = NUMBER.match(text)
        assert match, f"page {page}: {text!r} below the type area"
        found[page] = (int(match.group(1)), min(w.x0 for w in line), max(w.x1 for w in line))
    return found


def test_first_pages_count_on_from_one() -> None:
    assert first_pages([2, 1, 3]) == [1, 3, 4]
    assert first_pages([]) == []


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_body_pages_are_numbered_from_one_odd_right_even_left(year: int) -> None:
    pages = page_texts(rendered(f"{year}/targets.pdf").path)
    numbers = _printed_numbers(year)
    front = len(pages) - len(numbers)
    assert front % 2 == 0, "page 1 is a right-hand page"
    assert sorted(numbers) == list(range(front + 1, len(pages) + 1)), "every body page has a number, front none"
    assert [numbers[page][0] for page in sorted(numbers)] == list(range(1, len(numbers) + 1))
    for number, x0, x1 in numbers.values():
        if number % 2:
            assert x1 > PAGE_WIDTH - 26 * 72 / 25.4 - 20 and x0 > PAGE_WIDTH / 2, (number, x0, x1)
        else:
            assert x0 < 26 * 72 / 25.4 + 20 and x1 < PAGE_WIDTH / 2, (number, x0, x1)


def test_contents_links_and_bookmarks_lead_to_each_sheet() -> None:
    ctx = shipped_context()
    path = rendered("2022/targets.pdf").path
    texts = page_texts(path)
    titles = [f"{p.seq}." for p in ctx.content.projects_of(2022)]
    with pikepdf.open(path) as pdf:
        index_of = {page.objgen: i for i, page in enumerate(pdf.pages)}
        # a contents line that wraps is a link per line box: one target per line
        links = list(
            dict.fromkeys(
                index_of[annotation.Dest[0].objgen]
                for annotation in pdf.pages[1].obj.get("/Annots", [])
                if annotation.get("/Subtype") == "/Link"
            )
        )
        with pdf.open_outline() as outline:
            marks = [(item.title, index_of[item.destination[0].objgen]) for item in outline.root]
        labels = pdf.Root.PageLabels.Nums
        assert int(labels[2]) == len(pdf.pages) - len(_printed_numbers(2022))
    assert len(links) == len(titles) == len(marks)
    for title, link, (mark_title, mark) in zip(titles, links, marks, strict=True):
        assert link == mark
        assert mark_title.startswith(title) and mark_title.endswith("绩效目标表")
        assert _flat(texts[mark]).startswith(_flat(mark_title)), (mark_title, texts[mark][:80])


def test_a_sheet_alone_has_no_page_number_and_the_same_table_as_the_book() -> None:
    sheet = rendered("2022/targets/reguarantee-fee-subsidy.pdf").path
    assert not [w for w in words(sheet) if w.y0 > TYPE_AREA_BOTTOM and w.y1 < PAGE_HEIGHT]
    alone = _flat("".join(page_texts(sheet)))
    book = _flat("".join(page_texts(rendered("2022/targets.pdf").path)))
    assert alone.startswith("5.广东省国家融资担保基金项下再担保费补助项目绩效目标表申报单位")
    assert alone in re.sub(r"—\d+—", "", book)


def test_the_front_matter_is_kept_and_laid_out_again_only_when_what_it_is_made_of_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, project / part)
    without_cache = rendered("2024/targets.pdf").path.read_bytes()  # what the other tests read
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SOURCE_DATE_EPOCH))
    laid_out: list[str] = []
    render = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda html, *rest: laid_out.append(html) or render(html, *rest))
    ctx = shipped_context(project)

    first = render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 1
    assert render_output(ctx, "2024/targets.pdf") == first and len(laid_out) == 1, "kept: not laid out again"
    assert first == without_cache, "the same book"

    stylesheet = project / "templates/html/targets/targets.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 2, "a stylesheet changed: laid out again"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SOURCE_DATE_EPOCH + 1))
    render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 3, "another build date: laid out again"
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    render_output(ctx, "2024/targets.pdf")
    render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 5, "no cache: laid out every time"
    assert len(list((tmp_path / "cache" / "pdf").iterdir())) == 1, "one kept document per book"
