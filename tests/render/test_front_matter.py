"""The front matter laid out page by page (docgen.render.front_matter), against a model of flow layout.

The model places blocks (the 目录 heading, the lines, the note) down pages of a fixed height,
never splitting one, as WeasyPrint does with ``break-inside: avoid``. Whatever the lines'
heights and whatever was kept, the pages are the pages the whole front matter makes as one
flow. The real layout is tested in test_pdf_book.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

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
    anchors_written: bool = True  # False: a template that writes no ids
    left_x: float = 0.0  # another x: a template that lays out left-hand front pages (other margins)

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

    def anchors(self, pages: list[list[str]]) -> tuple[dict[str, tuple[float, float]], ...]:
        """Each page's ids, at x 0 (a right-hand page) or, with ``left_x``, its even pages at another x."""
        return tuple(
            {
                name: (self.left_x if index % 2 else 0.0, 0.0)
                for name in page
                if self.anchors_written or not name.startswith(CONTENTS_ANCHOR)
            }
            for index, page in enumerate(pages)
        )

    def lay_out(self, part: FrontPart) -> FlowLayout:
        pages = self.pages(part)
        if self.left_x:  # what a left-hand page draws is elsewhere: another PDF than the page laid out alone
            pages = [[*page, f"at x {self.left_x}"] if index % 2 else page for index, page in enumerate(pages)]
        return FlowLayout(pages, self.anchors(self.pages(part)))

    def document(self, part: FrontPart) -> RenderedPdf:
        return self.lay_out(part).whole()


@dataclass
class FlowLayout:
    """A part of the model laid out: a page written is its blocks' names, as JSON."""

    laid: list[list[str]]
    anchors: tuple[dict[str, tuple[float, float]], ...]

    @property
    def pages(self) -> int:
        return len(self.laid)

    def page(self, index: int) -> RenderedPdf:
        return RenderedPdf(
            json.dumps(self.laid[index : index + 1]).encode(), 1, (), (), self.anchors[index : index + 1]
        )

    def whole(self) -> RenderedPdf:
        return RenderedPdf(json.dumps(self.laid).encode(), self.pages, (), (), self.anchors)


@dataclass
class Renderer:
    """The model of docgen's renderer: parts kept by their text (KeptPdfs: by HTML), layouts counted."""

    flow: Flow
    texts: list[str]
    kept: dict[object, RenderedPdf] = field(default_factory=dict)
    laid_out: list[FrontPart] = field(default_factory=list)

    def key(self, part: FrontPart, page: bool) -> object:
        lines = slice(part.start, part.stop)
        return part, page, tuple(self.texts[lines]), tuple(self.flow.heights[lines])

    def document(self, part: FrontPart) -> RenderedPdf:
        key = self.key(part, False)
        if key not in self.kept:
            self.laid_out.append(part)
            self.kept[key] = self.flow.document(part)
        return self.kept[key]

    def lay_out(self, part: FrontPart) -> FlowLayout:
        self.laid_out.append(part)
        return self.flow.lay_out(part)

    def kept_page(self, part: FrontPart) -> RenderedPdf | None:
        return self.kept.get(self.key(part, True))

    def keep_page(self, part: FrontPart, page: RenderedPdf) -> None:
        self.kept[self.key(part, True)] = page

    def run(self, hints: list[int]) -> list[RenderedPdf]:
        """Lay out the front matter with ``hints``, which become the next run's."""
        front = lay_out_front(len(self.texts), bool(self.flow.note), self, hints)
        hints[:] = front.page_ends
        return front.documents


def _pages(documents: list[RenderedPdf]) -> list[list[str]]:
    return [page for document in documents for page in json.loads(document.data)]


lines = st.lists(st.integers(min_value=5, max_value=40), min_size=1, max_size=120)


@settings(max_examples=200, deadline=None)
@given(
    heights=lines,
    note=st.sampled_from([0, 10, 60, 95]),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=5, max_value=40)), max_size=4),
    left_x=st.sampled_from([0.0, 7.5]),
)
def test_the_pages_are_those_of_the_whole_front_matter_laid_out_as_one_flow(
    heights: list[int], note: int, edits: list[tuple[int, int]], left_x: float
) -> None:
    flow = Flow(heights, note, left_x=left_x)
    renderer = Renderer(flow, [f"line {i}" for i in range(len(heights))])
    hints: list[int] = []
    for line, height in [(0, heights[0]), *edits]:  # a first run, then edits, each with what the runs before kept
        line %= len(heights)
        flow.heights[line] = height
        renderer.texts[line] += "′"
        paged = _pages(renderer.run(hints))
        assert paged == flow.pages(FrontPart(cover=True, stop=len(heights), title=True, note=bool(note)))


def test_each_page_is_laid_out_once_and_an_edit_lays_out_the_pages_it_changes() -> None:
    flow = Flow([10] * 60, 10)
    renderer = Renderer(flow, [f"line {i}" for i in range(60)])
    hints: list[int] = []
    documents = renderer.run(hints)
    assert len(documents) == 1 + 7  # the cover; 8 lines under the heading, 10 × 5, the last 2 and the note
    whole = FrontPart(start=0, stop=60, title=True)
    assert renderer.laid_out == [FrontPart(cover=True), whole, FrontPart(start=58, stop=60, note=True)], (
        "the cover, the contents at once, the last page with the note"
    )
    assert hints == [8, 18, 28, 38, 48, 58, 60]
    renderer.laid_out.clear()
    assert renderer.run(hints) == documents and not renderer.laid_out, "nothing changed: nothing laid out"

    renderer.texts[32] = "line 32, renamed"  # on the 4th contents page (lines 28-37)
    assert renderer.run(hints) == documents
    assert renderer.laid_out == [FrontPart(start=28, stop=39)], "its page and the line after it"

    renderer.laid_out.clear()
    flow.heights[32] = 20  # the renamed line wraps: its page holds one line fewer, the pages after it move
    after = _pages(renderer.run(hints))
    assert after == flow.pages(FrontPart(cover=True, stop=60, title=True, note=True))
    assert renderer.laid_out[:2] == [FrontPart(start=28, stop=39), FrontPart(start=37, stop=60)], (
        "the pages before it kept; its page, then the rest at once"
    )
    assert hints == [8, 18, 28, 37, 47, 57, 60]


def test_a_template_that_lays_out_left_hand_front_pages_gets_those_pages_laid_out_alone() -> None:
    flow = Flow([10] * 60, 10, left_x=7.5)
    renderer = Renderer(flow, [f"line {i}" for i in range(60)])
    documents = renderer.run([])
    assert _pages(documents) == flow.pages(FrontPart(cover=True, stop=60, title=True, note=True))
    starts = [part.start for part in renderer.laid_out if not part.cover and not part.note]
    assert starts == [0, 8, 18, 28, 38, 48, 58], "the rest at once from each right-hand page, each left-hand one alone"


def test_a_template_without_the_lines_ids_gets_the_front_matter_laid_out_whole() -> None:
    flow = Flow([10] * 30, 10, anchors_written=False)
    renderer = Renderer(flow, [f"line {i}" for i in range(30)])
    documents = renderer.run([])
    assert len(documents) == 1
    assert _pages(documents) == flow.pages(FrontPart(cover=True, stop=30, title=True, note=True))


def test_a_note_that_does_not_fit_after_the_last_line_gets_a_page_of_its_own() -> None:
    flow = Flow([10] * 8, 60)  # title 15 + 80 of lines: 5 left
    pages = _pages(Renderer(flow, [f"line {i}" for i in range(8)]).run([]))
    assert pages[-1] == ["note"] and pages[-2][-1] == f"{CONTENTS_ANCHOR}8"
