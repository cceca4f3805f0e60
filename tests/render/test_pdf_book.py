"""The 绩效目标表 book joined from per-project sheets (docgen.render.pdf_book): numbers, links, bookmarks.

Read back from the PDF as a reader sees it: pdftotext for the printed numbers and their place,
pikepdf for where the contents links and the bookmarks lead.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from docgen.render import pdf, pdf_apart, report
from docgen.render.context import RenderContext
from docgen.render.front_matter import FrontPart
from docgen.render.pdf_book import FONT_PROGRAM_LEFT_OUT, first_pages
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


EXTRA_PROJECTS = 45  # with the shipped five, 50 contents lines: three pages of 目录


def _shipped_project(tmp_path: Path) -> Path:
    """A writable copy of the shipped content and templates."""
    project = tmp_path / "project"
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, project / part)
    return project


def _kept_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep what the renders keep in a cache folder of the test's own, at the tests' build date."""
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SOURCE_DATE_EPOCH))


def _long_contents(tmp_path: Path, extra: int = EXTRA_PROJECTS) -> Path:
    """The shipped content with ``extra`` more 2024 projects, copies of one under other names."""
    project = _shipped_project(tmp_path)
    folder = project / "content/projects/2024"
    model = (folder / "finance-culture-research.yaml").read_text(encoding="utf-8")
    for n in range(extra):
        text = model.replace("id: finance-culture-research", f"id: copy-{n:02d}")
        text = re.sub(r"(?m)^seq: \d+$", f"seq: {10 + n}", text)
        text = re.sub(r"(?m)^name: (.*)$", rf"name: 第{n:02d}号\1", text)
        (folder / f"copy-{n:02d}.yaml").write_text(text, encoding="utf-8")
    return project


def _book(ctx: RenderContext, year: int, sheet: bytes) -> bytes:
    """The year's book, every sheet ``sheet`` (the front matter is what is tested)."""
    planned = {o.path: o for o in report.plan(ctx)}[f"{year}/targets.pdf"]
    ctx.built = dict.fromkeys(planned.after, sheet)
    try:
        return report.render_targets_book(ctx, year)
    finally:
        ctx.built = {}


def _pdf_texts(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return page_texts(path)


def _count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every part of a book's front matter WeasyPrint lays out from now on (its HTML), written whole or a
    page at a time (not the sheets, nor the page numbers' specimen)."""
    laid_out: list[str] = []
    lay_out = pdf.lay_out_pdf

    def counted(html: str, *args: Any, **kwargs: Any) -> pdf.Layout:
        if '<section class="cover">' in html or '<nav class="toc">' in html:
            laid_out.append(html)
        return lay_out(html, *args, **kwargs)

    monkeypatch.setattr(pdf, "lay_out_pdf", counted)
    monkeypatch.setattr(report, "lay_out_pdf", counted)
    return laid_out


def test_a_long_contents_is_laid_out_at_once_and_an_edit_lays_out_the_pages_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _long_contents(tmp_path)
    _kept_in(tmp_path, monkeypatch)
    laid_out = _count_layouts(monkeypatch)
    sheet = rendered("2024/targets/finance-culture-research.pdf").path.read_bytes()
    with pikepdf.open(io.BytesIO(sheet)) as opened:
        sheet_pages = len(opened.pages)
    ctx = shipped_context(project)

    book = _book(ctx, 2024, sheet)
    projects = ctx.content.projects_of(2024)
    assert len(projects) == 5 + EXTRA_PROJECTS
    assert len(laid_out) == 3, "the cover, the contents at once, the last page with the note"
    contents = [
        report.ContentsLine(n, report.sheet_title(p), first)
        for n, (p, first) in enumerate(zip(projects, first_pages([sheet_pages] * len(projects)), strict=True), start=1)
    ]
    everything = FrontPart(cover=True, stop=len(projects), title=True, note=True)
    whole = pdf.render_pdf(
        report.render_html(
            ctx,
            report.TARGETS_TEMPLATE,
            (report.PRINT_FOLDER, report.TARGETS_FOLDER),
            book=report.targets_book(ctx, 2024, contents, everything),
        ),
        report._asset_roots(ctx),
    )
    assert whole.pages == 4, "a cover and three pages of contents"
    front = _pdf_texts(book, tmp_path)[: whole.pages]
    assert front == _pdf_texts(whole.data, tmp_path), "page by page, the front matter laid out as one document"
    (tmp_path / "book.pdf").write_bytes(book)
    (tmp_path / "whole.pdf").write_bytes(whole.data)
    placed, flowed = _leftmost(tmp_path / "book.pdf"), _leftmost(tmp_path / "whole.pdf")
    mirror = float(report.type_area_mirror(report.page_number_specimen(ctx)) or 0)
    assert mirror < 0
    for page in range(2, whole.pages + 1):  # laid out as right-hand pages; on a left-hand page, its margins
        assert flowed[page] == pytest.approx(flowed[3], abs=0.05), page
        assert placed[page] == pytest.approx(flowed[page] + (mirror if page % 2 == 0 else 0), abs=0.05), page

    laid_out.clear()
    assert _book(ctx, 2024, sheet) == book and not laid_out, "kept: nothing laid out again"
    kept = sorted((tmp_path / "cache" / "pdf").rglob("*.pickle"))

    renamed = project / "content/projects/2024/copy-30.yaml"  # line 36: the middle of the second contents page
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("第30号", "第三〇号"), encoding="utf-8")
    ctx = shipped_context(project)
    edited = _book(ctx, 2024, sheet)
    assert len(laid_out) == 1, "the page that shows the line (and the line after it), alone"
    assert "40.第三〇号" in _flat(_pdf_texts(edited, tmp_path)[2])
    assert len(sorted((tmp_path / "cache" / "pdf").rglob("*.pickle"))) == len(kept), "the page it replaces removed"

    laid_out.clear()
    renamed = project / "content/projects/2024/copy-02.yaml"  # line 8, on the first page: a line longer
    text = renamed.read_text(encoding="utf-8").replace("第02号", "第02号（名称加长到两行，页末的那一行移到下一页）")
    renamed.write_text(text, encoding="utf-8")
    ctx = shipped_context(project)
    wrapped = _book(ctx, 2024, sheet)
    assert len(laid_out) == 3, "its page, the pages after it at once, the last page with the note"
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    assert _book(ctx, 2024, sheet) == wrapped, "the same bytes as laid out without the cache"
    laid_out.clear()
    renamed.write_text(text.replace("（名称加长到两行，页末的那一行移到下一页）", ""), encoding="utf-8")
    assert _book(shipped_context(project), 2024, sheet) == edited, "without the cache, the same bytes as kept"


def test_the_front_matter_is_laid_out_again_when_what_it_is_made_of_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _shipped_project(tmp_path)
    without_cache = rendered("2024/targets.pdf").path.read_bytes()  # what the other tests read
    _kept_in(tmp_path, monkeypatch)
    laid_out = _count_layouts(monkeypatch)
    ctx = shipped_context(project)

    first = render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 3, "the cover, the page of contents, the page with the note"
    assert render_output(ctx, "2024/targets.pdf") == first and len(laid_out) == 3, "kept: nothing laid out"
    assert first == without_cache, "the same book"

    stylesheet = project / "templates/html/targets/targets.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 6, "a stylesheet changed: laid out again"
    ctx.source_date_epoch = SOURCE_DATE_EPOCH + 1  # the book's build date, in its pages' HTML
    render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 9, "another build date: laid out again"
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    render_output(ctx, "2024/targets.pdf")
    render_output(ctx, "2024/targets.pdf")
    assert len(laid_out) == 15, "no cache: laid out every time"


def _widths_walked(font: pikepdf.Object) -> dict[int, Decimal]:
    """The /W array read object by object (what the book's parser of its text must agree with)."""
    array, widths, index = list(font.DescendantFonts[0].W), {}, 0
    while index < len(array):
        first, following = int(array[index]), array[index + 1]
        if isinstance(following, pikepdf.Array):
            widths.update({first + n: Decimal(str(width)) for n, width in enumerate(following)})
            index += 2
        else:
            widths.update(dict.fromkeys(range(first, int(following) + 1), Decimal(str(array[index + 2]))))
            index += 3
    return widths


def test_the_widths_of_a_font_are_read_from_both_forms_of_its_w_array() -> None:
    from docgen.render.pdf_book import _cid_widths, _cids

    with pikepdf.new() as pdf:
        run = pdf.make_indirect(pikepdf.Array([250, 333.5]))
        w = pikepdf.Array([1, pikepdf.Array([500, 600.5]), 10, 12, 1000, 20, run])
        font = pikepdf.Dictionary(DescendantFonts=[pikepdf.Dictionary(W=w)])
        expected = {1: 500, 2: Decimal("600.5"), 10: 1000, 11: 1000, 12: 1000, 20: 250, 21: Decimal("333.5")}
        assert _cid_widths(font) == expected == _widths_walked(font)
        assert _cids(font) == set(expected)
        assert _cids(pikepdf.Dictionary(DescendantFonts=[pikepdf.Dictionary()])) == set()


def test_the_page_number_specimen_is_laid_out_once_and_again_when_its_stylesheet_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _shipped_project(tmp_path)
    _kept_in(tmp_path, monkeypatch)
    laid_out: list[str] = []
    lay_out = pdf.lay_out_pdf
    monkeypatch.setattr(pdf, "lay_out_pdf", lambda html, *a, **k: laid_out.append(html) or lay_out(html, *a, **k))
    ctx = shipped_context(project)
    first = report.page_number_specimen(ctx)
    assert report.page_number_specimen(ctx) == first and len(laid_out) == 1, "kept"
    stylesheet = project / "templates/html/print/print.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    assert report.page_number_specimen(ctx).data == first.data and len(laid_out) == 2, "laid out again, same bytes"
    assert len(list((tmp_path / "cache" / "pdf").rglob("*.pickle"))) == 1, "the specimen it replaces removed"


def test_the_shared_fonts_keep_every_glyph_the_sheets_give_a_width() -> None:
    from docgen.render.pdf_book import _cid_widths, _cids

    with pikepdf.open(rendered("2021/targets/reguarantee-fee-subsidy.pdf").path) as sheet:
        fonts = [font for page in sheet.pages for font in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            assert _cids(font) == set(_cid_widths(font)) and _cids(font)
            assert _cid_widths(font) == _widths_walked(font)


def test_a_template_warning_is_reported_once_for_the_whole_front_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _long_contents(tmp_path)
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    stylesheet = project / "templates/html/targets/targets.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.toc li { docgen-unknown: 1; }\n", "utf-8")
    sheet = rendered("2024/targets/finance-culture-research.pdf").path.read_bytes()
    ctx = shipped_context(project)
    _book(ctx, 2024, sheet)
    warnings = [d for d in ctx.diagnostics if d.code == "pdf-warning" and "docgen-unknown" in d.message]
    assert len(warnings) == 1, [d.format() for d in warnings]


def _leftmost(pdf: Path) -> dict[int, float]:
    """Each page (1-based) → the x of its leftmost word above the footer: where its type area starts, near enough."""
    found: dict[int, float] = {}
    for word in words(pdf):
        if word.y0 < TYPE_AREA_BOTTOM:
            found[word.page] = min(found.get(word.page, word.x0), word.x0)
    return found


@pytest.mark.parametrize("year", [2021, 2024])
def test_every_sheet_page_keeps_the_margins_of_the_side_it_falls_on_in_the_book(year: int) -> None:
    ctx = shipped_context()
    mirror = report.type_area_mirror(report.page_number_specimen(ctx))
    assert mirror is not None and float(mirror) == pytest.approx(-2 * 72 / 25.4, abs=0.01), "订口 28 mm, 翻口 26 mm"
    book = _leftmost(rendered(f"{year}/targets.pdf").path)
    sheets = [_leftmost(rendered(f"{year}/targets/{p.id}.pdf").path) for p in ctx.content.projects_of(year)]
    page = max(book) - sum(len(sheet) for sheet in sheets) + 1  # the body's first page
    moved = 0
    for sheet in sheets:
        for alone_page, x in sorted(sheet.items()):
            alone_right, book_right = alone_page % 2 == 1, page % 2 == 1
            expected = x if alone_right == book_right else x + float(mirror if alone_right else -mirror)
            assert book[page] == pytest.approx(expected, abs=0.05), (page, alone_page)
            moved += alone_right != book_right
            page += 1
    assert moved, "some sheet falls on the other side: the test sees a move"


def test_a_contents_template_without_the_lines_ids_gets_the_front_matter_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _long_contents(tmp_path)
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    sheet = rendered("2024/targets/finance-culture-research.pdf").path.read_bytes()
    paged = _pdf_texts(_book(shipped_context(project), 2024, sheet), tmp_path)
    template = project / "templates/html/targets/targets.html"
    text = template.read_text(encoding="utf-8")
    assert 'id="contents-{{ entry.number }}" ' in text
    template.write_text(text.replace('id="contents-{{ entry.number }}" ', ""), encoding="utf-8")  # an older template
    laid_out = _count_layouts(monkeypatch)
    whole = _pdf_texts(_book(shipped_context(project), 2024, sheet), tmp_path)
    assert whole == paged, "the same book"
    assert len(laid_out) == 3, "the cover, the contents (no line found on its first page), then all of it at once"
    assert laid_out[-1].count("toc-level-1") == 5 + EXTRA_PROJECTS and '<section class="cover">' in laid_out[-1]


def test_the_sheets_glyphs_kept_between_builds_give_the_same_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book joined with every sheet's glyphs kept reads none of the sheets' font widths and is the
    same PDF (the front matter's fonts and the page numbers', from the specimen, are read every time)."""
    from docgen.render import pdf_book

    book_path = "2024/targets.pdf"
    without_cache = rendered(book_path).path.read_bytes()  # what the other tests read: made with the cache off
    ctx = shipped_context()
    planned = {o.path: o for o in report.plan(ctx)}[book_path]
    ctx.built = {path: rendered(path).path.read_bytes() for path in planned.after}
    read: list[int] = []
    cids = pdf_book._cids
    monkeypatch.setattr(pdf_book, "_cids", lambda font: read.append(1) or cids(font))
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    assert report.render_targets_book(ctx, 2024) == without_cache
    every_font = len(read)
    read.clear()
    for path in planned.after:
        with pikepdf.open(io.BytesIO(ctx.built[path])) as sheet:
            pdf_book.glyphs_of(sheet)
    sheet_fonts = len(read)
    assert sheet_fonts and every_font > sheet_fonts

    _kept_in(tmp_path, monkeypatch)
    assert report.render_targets_book(ctx, 2024) == without_cache  # nothing kept yet: read, then kept
    assert list((tmp_path / "cache" / "targets-glyphs").glob("*.pickle"))
    read.clear()
    assert report.render_targets_book(ctx, 2024) == without_cache
    assert len(read) == every_font - sheet_fonts, "the sheets' glyphs were kept"


def test_the_fonts_subsets_kept_between_builds_give_the_same_book_and_a_new_glyph_subsets_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book whose glyphs are those of the last join takes its fonts' subsets from the cache (no
    face read, none subset) and is the same PDF; one glyph more and its family is subset again."""
    from docgen.render import pdf_book

    book_path = "2024/targets.pdf"
    without_cache = rendered(book_path).path.read_bytes()  # made with the cache off
    ctx = shipped_context()
    planned = {o.path: o for o in report.plan(ctx)}[book_path]
    ctx.built = {path: rendered(path).path.read_bytes() for path in planned.after}
    subset: list[int] = []
    real_subset = pdf_book._subset
    monkeypatch.setattr(pdf_book, "_subset", lambda face, ids: subset.append(len(ids)) or real_subset(face, ids))
    faces_read: list[str] = []
    monkeypatch.setattr(report, "role_face", lambda family: faces_read.append(family) or pdf.role_face(family))
    _kept_in(tmp_path, monkeypatch)
    assert report.render_targets_book(ctx, 2024) == without_cache  # nothing kept yet: subset, then kept
    families = len(subset)
    assert families >= 3 and len(faces_read) == families
    assert list((tmp_path / "cache" / "targets-subsets").glob("*.pickle"))
    subset.clear()
    faces_read.clear()
    assert report.render_targets_book(ctx, 2024) == without_cache
    assert subset == [] and faces_read == [], "every subset was kept"

    glyphs = pdf_book.GlyphMemo.of
    first = planned.after[0]

    def one_glyph_more(memo: pdf_book.GlyphMemo, sheet: pdf_book.Sheet, part: pikepdf.Pdf) -> Any:
        found = dict(glyphs(memo, sheet, part))
        if sheet.data is ctx.built[first]:
            family = sorted(found)[0]
            found[family] = {*found[family], max(found[family]) + 1}
        return found

    monkeypatch.setattr(pdf_book.GlyphMemo, "of", one_glyph_more)
    report.render_targets_book(ctx, 2024)
    assert len(subset) == 1 and len(faces_read) == 1, "only the family with a new glyph is subset again"


def _font_descriptors(pdf_file: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Object, str]]:
    """(family, descriptor, the key of its program) of every embedded font of ``pdf_file``, the
    page-number forms' fonts included."""
    from docgen.render.pdf_book import _embedded_fonts

    seen: set[tuple[int, int]] = set()
    for page in pdf_file.pages:
        for family, _font, descriptor, _in_form in _embedded_fonts(page, seen):
            yield family, descriptor, "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"


def _programs(pdf_file: pikepdf.Pdf) -> dict[str, set[bytes]]:
    """Every embedded font program of ``pdf_file``, by family."""
    programs: dict[str, set[bytes]] = {}
    for family, descriptor, key in _font_descriptors(pdf_file):
        programs.setdefault(family, set()).add(bytes(descriptor[key].read_bytes()))
    return programs


def test_the_front_matter_leaves_its_fonts_programs_to_the_book_which_embeds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint subsets every font of every page it writes; the book replaces the front pages'
    programs with its own, so the front pages are written with a placeholder instead. The book is
    the same PDF as one whose front pages WeasyPrint subset, but for the program of a family that
    only one front page uses (the cover's year, in 楷体), which WeasyPrint's subset was and the
    book's own subset of the face now is."""
    from fontTools.ttLib import TTFont

    project = _shipped_project(tmp_path)
    _kept_in(tmp_path, monkeypatch)
    ctx = shipped_context(project)
    book = render_output(ctx, "2024/targets.pdf")

    slot = pdf.KeptPdfs(f"{project.resolve()}|targets-front|2024", []).folder
    assert slot is not None
    kept = [pickle.loads(entry.read_bytes()) for entry in slot.glob("*.pickle")]
    front_pages = [entry for entry in kept if isinstance(entry, pdf.RenderedPdf)]
    assert front_pages, "the cover and the page of contents, kept"
    for page in front_pages:
        with pikepdf.open(io.BytesIO(page.data)) as opened:
            programs = _programs(opened)
        assert programs and all(p.endswith(FONT_PROGRAM_LEFT_OUT) for group in programs.values() for p in group)

    with pikepdf.open(io.BytesIO(book)) as opened:
        in_book = _programs(opened)
    assert in_book.keys() >= {"docgen-xiaobiaosong", "docgen-heiti", "docgen-fangsong"}
    for family, group in in_book.items():
        assert len(group) == 1, f"{family}: one program for the whole book"
        (program,) = group
        assert not program.endswith(FONT_PROGRAM_LEFT_OUT)
        assert TTFont(io.BytesIO(program)).getGlyphOrder(), family

    monkeypatch.setattr(report, "font_programs_left_out", lambda families: contextlib.nullcontext())
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    subset_by_weasyprint = render_output(ctx, "2024/targets.pdf")
    assert _without_programs(subset_by_weasyprint) == _without_programs(book), "the same book but for programs"
    with pikepdf.open(io.BytesIO(subset_by_weasyprint)) as opened:
        theirs = _programs(opened)
    assert theirs.keys() == in_book.keys()
    once = {family for family, group in theirs.items() if group != in_book[family]}
    assert once == {"docgen-kaiti"}, "only the family of the cover's year, which no other page uses"


def _without_programs(data: bytes) -> bytes:
    """``data`` saved again with every embedded font program emptied."""
    with pikepdf.open(io.BytesIO(data)) as opened:
        for _family, descriptor, key in list(_font_descriptors(opened)):
            descriptor[key] = opened.make_stream(b"")
        out = io.BytesIO()
        del opened.trailer.ID  # derived from the programs (and qpdf would keep its first half)
        opened.save(out, static_id=True)
        return out.getvalue()


def test_a_font_the_front_matter_left_out_is_embedded_from_its_face_even_when_used_once() -> None:
    """A family that only one part uses keeps that part's program, unless the part left it out."""
    from docgen.render.pdf_book import BookError, share_fonts

    with pikepdf.open(rendered("2021/targets/reguarantee-fee-subsidy.pdf").path) as sheet:
        family, face = next((f, next(iter(p))) for f, p in _programs(sheet).items())
    with pikepdf.new() as book:
        left_out = book.make_stream(face[:4] + FONT_PROGRAM_LEFT_OUT, Subtype=pikepdf.Name.OpenType)
        descriptor = book.make_indirect(pikepdf.Dictionary(FontFamily=pikepdf.String(family), FontFile3=left_out))
        font = pikepdf.Dictionary(
            Subtype=pikepdf.Name.Type0,
            DescendantFonts=[pikepdf.Dictionary(FontDescriptor=descriptor, W=pikepdf.Array([3, [500]]))],
        )
        book.add_blank_page()
        book.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=book.make_indirect(font)))
        with pytest.raises(BookError, match=family):
            share_fonts(book, lambda _family: None)
        share_fonts(book, lambda name: face if name == family else None)
        embedded = bytes(descriptor.FontFile3.read_bytes())
        assert not embedded.endswith(FONT_PROGRAM_LEFT_OUT) and embedded[:4] == face[:4] and len(embedded) > 1000


def _pages_apart(monkeypatch: pytest.MonkeyPatch) -> list[pdf_apart.PagesApart]:
    """Let this process fork copies of itself to lay out pages, as the PDF helper does; each copy's handle."""
    monkeypatch.setattr(pdf_apart, "_allowed", True)
    started: list[pdf_apart.PagesApart] = []
    lay_out_apart = pdf_apart.lay_out_apart

    def counted(html: str, asset_roots: Any) -> pdf_apart.PagesApart | None:
        pending = lay_out_apart(html, asset_roots)
        if pending is not None:
            started.append(pending)
        return pending

    monkeypatch.setattr(report, "lay_out_apart", counted)
    return started


def _wrap_an_early_line(project: Path) -> None:
    renamed = project / "content/projects/2024/copy-02.yaml"  # line 8, on the first contents page
    text = renamed.read_text(encoding="utf-8").replace("第02号", "第02号（名称加长到两行，页末的那一行移到下一页）")
    renamed.write_text(text, encoding="utf-8")


def test_a_wrapping_line_has_the_later_half_of_the_contents_laid_out_in_a_forked_copy_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _long_contents(tmp_path, extra=115)  # 120 lines: 7 pages of 目录
    _kept_in(tmp_path, monkeypatch)
    started = _pages_apart(monkeypatch)
    laid_out = _count_layouts(monkeypatch)
    sheet = rendered("2024/targets/finance-culture-research.pdf").path.read_bytes()
    _book(shipped_context(project), 2024, sheet)
    assert not started, "a first book has no breaks to predict from"

    laid_out.clear()
    _wrap_an_early_line(project)
    ctx = shipped_context(project)
    wrapped = _book(ctx, 2024, sheet)
    assert len(started) == 1
    assert len(laid_out) == 3, "here: its page, the pages up to the predicted start, the last page with the note"
    assert started[0].result() is not None, "the copy's pages were taken"
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0]._pid, os.WNOHANG)  # the copy has ended and been waited for
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    assert _book(ctx, 2024, sheet) == wrapped, "the same bytes as laid out in one process, without the cache"


def test_a_forked_copy_that_fails_leaves_its_pages_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _long_contents(tmp_path, extra=115)
    _kept_in(tmp_path, monkeypatch)
    started = _pages_apart(monkeypatch)
    sheet = rendered("2024/targets/finance-culture-research.pdf").path.read_bytes()
    _book(shipped_context(project), 2024, sheet)

    def fails(*_: object) -> pdf.Layout:
        raise RuntimeError("the copy fails")

    monkeypatch.setattr(pdf_apart, "lay_out_pdf", fails)  # only the copy lays out through it
    laid_out = _count_layouts(monkeypatch)
    _wrap_an_early_line(project)
    ctx = shipped_context(project)
    wrapped = _book(ctx, 2024, sheet)
    assert len(started) == 1 and started[0].result() is None
    assert len(laid_out) == 4, "the half the copy did not send, laid out here"
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    assert _book(ctx, 2024, sheet) == wrapped
