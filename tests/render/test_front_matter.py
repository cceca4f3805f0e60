"""The front matter laid out page by page (docgen.render.front_matter), against a model of flow layout.

The model places blocks (the 目录 heading, the lines, the note) down pages of a fixed height,
never splitting one, as WeasyPrint does with ``break-inside: avoid``. Whatever the lines'
heights and whatever was kept, the pages are the pages the whole front matter makes as one
flow. The real layout is tested in test_pdf_book.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.render.front_matter import CONTENTS_ANCHOR, Breaks, FrontPart, lay_out_front
from docgen.render.pdf import AnchorBox, RenderedPdf

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

    def anchors(self, pages: list[list[str]], part: FrontPart) -> tuple[dict[str, AnchorBox], ...]:
        """Each page's ids and their boxes, down the page, at x 0 (a right-hand page) or, with
        ``left_x``, its even pages at another x."""
        height = dict(self.blocks(part))
        found = []
        for index, page in enumerate(pages):
            x, y, boxes = self.left_x if index % 2 else 0.0, 0.0, {}
            for name in page:
                if self.anchors_written or not name.startswith(CONTENTS_ANCHOR):
                    boxes[name] = (x, float(y), x + 50, float(y + height[name]))
                y += height[name]
            found.append(boxes)
        return tuple(found)

    def lay_out(self, part: FrontPart) -> FlowLayout:
        pages = self.pages(part)
        if self.left_x:  # what a left-hand page draws is elsewhere: another PDF than the page laid out alone
            pages = [[*page, f"at x {self.left_x}"] if index % 2 else page for index, page in enumerate(pages)]
        return FlowLayout(pages, self.anchors(self.pages(part), part))

    def document(self, part: FrontPart) -> RenderedPdf:
        return self.lay_out(part).whole()


@dataclass
class FlowLayout:
    """A part of the model laid out: a page written is its blocks' names, as JSON."""

    laid: list[list[str]]
    anchors: tuple[dict[str, AnchorBox], ...]

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
class Apart:
    """A part laid out "in another process": here, at once; or failing, as a process can."""

    layout: FlowLayout | None
    cancelled: bool = False
    taken: bool = False

    def result(self) -> FlowLayout | None:
        assert not self.cancelled, "the result of a part laid out apart is asked for after it was cancelled"
        self.taken = True
        return self.layout

    def cancel(self) -> None:
        if not self.taken:
            self.cancelled = True


@dataclass
class Renderer:
    """The model of docgen's renderer: parts kept by their text (KeptPdfs: by HTML), layouts counted.

    ``apart``: whether it can lay out parts in another process (``"fails"``: it starts them, and
    they fail)."""

    flow: Flow
    texts: list[str]
    kept: dict[object, RenderedPdf] = field(default_factory=dict)
    laid_out: list[FrontPart] = field(default_factory=list)
    apart: bool | str = False
    laid_out_apart: list[tuple[FrontPart, Apart]] = field(default_factory=list)
    breaks: Breaks = field(default_factory=Breaks)

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

    def lay_out_apart(self, part: FrontPart) -> Apart | None:
        if not self.apart:
            return None
        pending = Apart(None if self.apart == "fails" else self.flow.lay_out(part))
        self.laid_out_apart.append((part, pending))
        return pending

    def run(self) -> list[RenderedPdf]:
        """Lay out the front matter with the last run's breaks, and keep its own for the next."""
        front = lay_out_front(len(self.texts), bool(self.flow.note), self, self.breaks)
        self.breaks = front.breaks
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
    apart=st.sampled_from([False, True, "fails"]),
)
def test_the_pages_are_those_of_the_whole_front_matter_laid_out_as_one_flow(
    heights: list[int], note: int, edits: list[tuple[int, int]], left_x: float, apart: bool | str
) -> None:
    flow = Flow(heights, note, left_x=left_x)
    renderer = Renderer(flow, [f"line {i}" for i in range(len(heights))], apart=apart)
    for line, height in [(0, heights[0]), *edits]:  # a first run, then edits, each with what the runs before kept
        line %= len(heights)
        flow.heights[line] = height
        renderer.texts[line] += "′"
        paged = _pages(renderer.run())
        assert paged == flow.pages(FrontPart(cover=True, stop=len(heights), title=True, note=bool(note)))


def test_each_page_is_laid_out_once_and_an_edit_lays_out_the_pages_it_changes() -> None:
    flow = Flow([10] * 60, 10)
    renderer = Renderer(flow, [f"line {i}" for i in range(60)])
    documents = renderer.run()
    assert len(documents) == 1 + 7  # the cover; 8 lines under the heading, 10 × 5, the last 2 and the note
    whole = FrontPart(start=0, stop=60, title=True)
    assert renderer.laid_out == [FrontPart(cover=True), whole, FrontPart(start=58, stop=60, note=True)], (
        "the cover, the contents at once, the last page with the note"
    )
    assert renderer.breaks.ends == (8, 18, 28, 38, 48, 58, 60)
    renderer.laid_out.clear()
    assert renderer.run() == documents and not renderer.laid_out, "nothing changed: nothing laid out"

    renderer.texts[32] = "line 32, renamed"  # on the 4th contents page (lines 28-37)
    assert renderer.run() == documents
    assert renderer.laid_out == [FrontPart(start=28, stop=39)], "its page and the line after it"

    renderer.laid_out.clear()
    flow.heights[32] = 20  # the renamed line wraps: its page holds one line fewer, the pages after it move
    after = _pages(renderer.run())
    assert after == flow.pages(FrontPart(cover=True, stop=60, title=True, note=True))
    assert renderer.laid_out[:2] == [FrontPart(start=28, stop=39), FrontPart(start=37, stop=60)], (
        "the pages before it kept; its page, then the rest at once"
    )
    assert renderer.breaks.ends == (8, 18, 28, 37, 47, 57, 60)


def test_a_template_that_lays_out_left_hand_front_pages_gets_those_pages_laid_out_alone() -> None:
    flow = Flow([10] * 60, 10, left_x=7.5)
    renderer = Renderer(flow, [f"line {i}" for i in range(60)])
    documents = renderer.run()
    assert _pages(documents) == flow.pages(FrontPart(cover=True, stop=60, title=True, note=True))
    starts = [part.start for part in renderer.laid_out if not part.cover and not part.note]
    assert starts == [0, 8, 18, 28, 38, 48, 58], "the rest at once from each right-hand page, each left-hand one alone"


def test_a_template_without_the_lines_ids_gets_the_front_matter_laid_out_whole() -> None:
    flow = Flow([10] * 30, 10, anchors_written=False)
    renderer = Renderer(flow, [f"line {i}" for i in range(30)])
    documents = renderer.run()
    assert len(documents) == 1
    assert _pages(documents) == flow.pages(FrontPart(cover=True, stop=30, title=True, note=True))


def test_a_note_that_does_not_fit_after_the_last_line_gets_a_page_of_its_own() -> None:
    flow = Flow([10] * 8, 60)  # title 15 + 80 of lines: 5 left
    pages = _pages(Renderer(flow, [f"line {i}" for i in range(8)]).run())
    assert pages[-1] == ["note"] and pages[-2][-1] == f"{CONTENTS_ANCHOR}8"


def test_a_wrapping_line_has_the_rest_laid_out_in_two_halves_one_of_them_apart() -> None:
    flow = Flow([10] * 120, 10)
    renderer = Renderer(flow, [f"line {i}" for i in range(120)], apart=True)
    renderer.run()
    assert renderer.breaks.ends == (8, 18, 28, 38, 48, 58, 68, 78, 88, 98, 108, 118, 120)
    assert not renderer.laid_out_apart, "a first run has no breaks to predict from: it lays out the contents itself"

    renderer.laid_out.clear()
    renderer.texts[32] = "line 32, renamed onto two lines"
    flow.heights[32] = 20  # on the 4th contents page (lines 28-37), which now ends at 37
    after = _pages(renderer.run())
    assert after == flow.pages(FrontPart(cover=True, stop=120, title=True, note=True))
    assert renderer.breaks.ends == (8, 18, 28, 37, 47, 57, 67, 77, 87, 97, 107, 117, 120)
    # the pages after it start at 37, 47 … 117: this process lays out 37-76 and the line after, the other 77-119
    assert [part for part, _ in renderer.laid_out_apart] == [FrontPart(start=77, stop=120)]
    assert renderer.laid_out[:2] == [FrontPart(start=28, stop=39), FrontPart(start=37, stop=78)]
    assert renderer.laid_out_apart[0][1].taken

    renderer.laid_out.clear()
    renderer.laid_out_apart.clear()
    flow.heights[32] = 10  # back onto one line: its page holds a line more, the pages after it move a line on
    assert _pages(renderer.run()) == flow.pages(FrontPart(cover=True, stop=120, title=True, note=True))
    assert renderer.breaks.ends == (8, 18, 28, 38, 48, 58, 68, 78, 88, 98, 108, 118, 120)
    assert renderer.laid_out[:2] == [FrontPart(start=28, stop=38), FrontPart(start=28, stop=79)]
    assert [part for part, _ in renderer.laid_out_apart] == [FrontPart(start=78, stop=120)]
    assert renderer.laid_out_apart[0][1].taken


def test_pages_laid_out_apart_from_a_start_the_edit_did_not_keep_are_not_used() -> None:
    flow = Flow([10] * 120, 10)
    renderer = Renderer(flow, [f"line {i}" for i in range(120)], apart=True)
    renderer.run()
    renderer.texts[32] += ", renamed"
    flow.heights[32] = 20  # its page ends a line sooner …
    renderer.texts[60] += ", renamed"
    flow.heights[60] = 30  # … and another line, on a page after it, is taller than it was: the prediction is off
    after = _pages(renderer.run())
    assert after == flow.pages(FrontPart(cover=True, stop=120, title=True, note=True))
    assert [part for part, _ in renderer.laid_out_apart] == [FrontPart(start=77, stop=120)]
    assert renderer.laid_out_apart[0][1].cancelled, "the pages before it end at 76: the guess of 77 is cancelled"
    assert renderer.laid_out[-2].start < 77 and renderer.laid_out[-2].stop == 120, "this process lays out the rest"


def test_a_process_that_fails_to_lay_out_its_half_leaves_it_to_this_one() -> None:
    flow = Flow([10] * 120, 10)
    renderer = Renderer(flow, [f"line {i}" for i in range(120)], apart="fails")
    renderer.run()
    renderer.texts[32] += ", renamed"
    flow.heights[32] = 20
    after = _pages(renderer.run())
    assert after == flow.pages(FrontPart(cover=True, stop=120, title=True, note=True))
    assert renderer.laid_out_apart[0][1].taken
    assert FrontPart(start=77, stop=120) in renderer.laid_out, "the half that failed, laid out here"


def test_the_page_starts_are_predicted_by_stacking_the_lines_down_pages_as_tall_as_the_last_runs() -> None:
    breaks = Breaks(ends=(3, 6), heights=(10.0,) * 6, top=20.0, bottom=50.0, gap=0.0)
    heights = [10.0, 20.0, 10.0, 10.0, 10.0, 10.0, 10.0, 20.0, 10.0, 10.0]
    assert breaks.starts_after(0, 20.0, heights) == [2, 5, 7, 9], "30 px a page: 10+20, 10+10+10, 10+10, 20+10, 10"
    assert breaks.starts_after(2, 20.0, heights) == [5, 7, 9]
    assert breaks.starts_after(0, 40.0, heights) == [1, 3, 6, 8], "a first page that starts lower holds less"
    assert breaks.starts_after(0, 20.0, [40.0, 10.0]) == [], "a line taller than a page: no prediction"


def test_the_last_runs_breaks_keep_each_lines_height_where_every_line_was_seen() -> None:
    flow = Flow([10, 20, 10] * 10, 10)
    renderer = Renderer(flow, [f"line {i}" for i in range(30)])
    renderer.run()
    assert renderer.breaks.heights == (10.0, 20.0, 10.0) * 10
    assert renderer.breaks.top == 0.0 and renderer.breaks.gap == 0.0
    assert renderer.breaks.bottom == max(sum(flow.heights[a:b]) for a, b in pairwise((0, *renderer.breaks.ends)))

    without_ids = Renderer(Flow([10] * 30, 10, anchors_written=False), [f"line {i}" for i in range(30)])
    without_ids.run()
    assert without_ids.breaks == Breaks(), "laid out whole: nothing to go by"
