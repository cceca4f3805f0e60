"""The front matter laid out a page per document (docgen.render.front_matter), against a model of flow layout.

The model places blocks (the 目录 heading, the lines, the note) down pages of a fixed height,
never splitting one, as WeasyPrint does with ``break-inside: avoid``. Whatever the lines'
heights, the pages made one document at a time are the pages the whole front matter makes as
one flow. The real layout is tested in test_pdf_book.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.render.front_matter import CONTENTS_ANCHOR, FrontPart, lay_out_front
from docgen.render.pdf import RenderedPdf

PAGE = 100
TITLE = 15


@dataclass
class Flow:
    """Front matter whose lines have ``heights``; pages of height PAGE."""

    heights: list[int]
    note: int  # 0: no note
    anchors: bool = True  # False: a template that writes no ids

    def blocks(self, part: FrontPart) -> list[tuple[str, int]]:
        if part.cover:
            blocks = [("cover", PAGE)]
            if part.stop or part.note:  # the whole front matter in one document
                blocks.append(("break", 0))
        else:
            blocks = []
        if part.title:
            blocks.append(("title", TITLE))
        blocks += [(f"{CONTENTS_ANCHOR}{i + 1}", self.heights[i]) for i in range(part.start, part.stop)]
        if part.note and self.note:
            blocks.append(("note", self.note))
        return blocks

    def pages(self, part: FrontPart) -> list[list[str]]:
        pages: list[list[str]] = [[]]
        room = PAGE
        for name, height in self.blocks(part):
            if name == "break" or (height > room and pages[-1]):
                pages.append([])
                room = PAGE
            if name != "break":
                pages[-1].append(name)
                room -= height
        return pages

    def render(self, part: FrontPart, first_page_only: bool) -> RenderedPdf:
        pages = self.pages(part)
        written = pages[:1] if first_page_only else pages
        first = {name: (0.0, 0.0) for name in pages[0] if self.anchors or not name.startswith(CONTENTS_ANCHOR)}
        return RenderedPdf(json.dumps(written).encode(), len(pages), (), (), (first,))


def _pages(documents: list[RenderedPdf]) -> list[list[str]]:
    return [page for document in documents for page in json.loads(document.data)]


lines = st.lists(st.integers(min_value=5, max_value=40), min_size=1, max_size=120)


@settings(max_examples=200, deadline=None)
@given(heights=lines, note=st.sampled_from([0, 10, 60, 95]))
def test_the_pages_are_those_of_the_whole_front_matter_laid_out_as_one_flow(heights: list[int], note: int) -> None:
    flow = Flow(heights, note)
    paged = _pages(lay_out_front(len(heights), bool(note), flow.render))
    whole = flow.pages(FrontPart(cover=True, stop=len(heights), title=True, note=bool(note)))
    assert paged == whole


def test_each_page_is_laid_out_once_and_an_edit_lays_out_the_pages_it_changes() -> None:
    flow = Flow([10] * 60, 10)
    texts = [f"line {i}" for i in range(60)]
    kept: dict[object, RenderedPdf] = {}  # what KeptPdfs keeps: by the part's text
    laid_out: list[FrontPart] = []

    def render(part: FrontPart, first_page_only: bool) -> RenderedPdf:
        key = (part, first_page_only, tuple(texts[part.start : part.stop]), tuple(flow.heights[part.start : part.stop]))
        if key not in kept:
            laid_out.append(part)
            kept[key] = flow.render(part, first_page_only)
        return kept[key]

    documents = lay_out_front(60, True, render)
    assert len(documents) == 1 + 7  # the cover; 8 lines under the heading, 10 × 5, the last 2 and the note
    assert len(laid_out) == 1 + 1 + 2 + 4 + 1, "one layout a page, two for the page after the heading's"
    laid_out.clear()
    assert lay_out_front(60, True, render) == documents and not laid_out, "nothing changed: nothing laid out"

    texts[32] = "line 32, renamed"  # on the 4th contents page (lines 29-38)
    assert lay_out_front(60, True, render) == documents
    assert [(part.start, part.stop) for part in laid_out] == [(28, 39)], "its page alone"

    laid_out.clear()
    flow.heights[32] = 20  # the renamed line wraps: its page holds one line fewer, the pages after it move
    after = _pages(lay_out_front(60, True, render))
    assert after == flow.pages(FrontPart(cover=True, stop=60, title=True, note=True))
    assert laid_out[0].start == 28, "the pages before it are kept"


def test_a_template_without_the_lines_ids_gets_the_front_matter_laid_out_whole() -> None:
    flow = Flow([10] * 30, 10, anchors=False)
    documents = lay_out_front(30, True, flow.render)
    assert len(documents) == 1
    assert _pages(documents) == flow.pages(FrontPart(cover=True, stop=30, title=True, note=True))


def test_a_note_that_does_not_fit_after_the_last_line_gets_a_page_of_its_own() -> None:
    flow = Flow([10] * 8, 60)  # title 15 + 80 of lines: 5 left
    pages = _pages(lay_out_front(8, True, flow.render))
    assert pages[-1] == ["note"] and pages[-2][-1] == f"{CONTENTS_ANCHOR}8"
