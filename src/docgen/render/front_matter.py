"""The front matter of a book (封面、目录), laid out so that an edit lays out only the pages it changes.

The year's 绩效目标表 book lists every sheet in its contents: 250 lines at 1,000 projects, ~14
pages. Each contents page is its own one-page PDF, kept (:class:`~docgen.render.pdf.KeptPdfs`)
under the HTML of the lines it holds and the line that did not fit after them: laid out as a
flow, a page depends only on those, so the page is the same whichever document laid it out
(lines never split across pages: ``break-inside: avoid`` in targets.css; and every front page is
laid out as a right-hand page, which the book moves to the side it falls on). Which page holds
which lines is what the flow layout of the whole contents gives, found from the content alone:
a kept page is used only when its lines and the next are the same, and the last run's page
breaks (:class:`Breaks`) only say which kept pages to try.

* Nothing changed: every page is kept, nothing is laid out.
* A line changed and its page holds the same lines: the page and the line after it are laid out
  again (one page), the pages after it are kept.
* A line changed and its page holds more or fewer lines (a renamed line wraps onto one more
  line), or nothing is kept: every page from there on holds other lines, so the rest of the
  contents is laid out as one document and written a page at a time (~0.1 s a page to lay
  out, ~0.07 s to write, its fonts' programs left to the book; one document per page cost ~0.3 s
  a page).

  When another process can lay out pages (:meth:`FrontRenderer.lay_out_apart`: the PDF helper,
  while the build process has the other core), the rest is cut in two at a page start predicted
  from the heights of the last run's lines (those laid out again, the edited one, measured now),
  stacked down pages as tall as the last run's were: the other process lays out and writes the
  pages from there while this one lays out those before. Its pages are used only when the page
  before them ends where they start: they are then the pages the whole flow makes from that
  line on; otherwise they are thrown away and this process lays out the rest.

The last page carries the note when the note fits on it whole; otherwise the note follows on a
page of its own. When a page holds no line's anchor (a template edited without them, or a line
taller than a page), the front matter is laid out whole, as one document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from docgen.render.pdf import AnchorBox, RenderedPdf

CONTENTS_ANCHOR = "contents-"
"""The id of a contents line is this and its number (1, 2, …): the template writes it."""


@dataclass(frozen=True, slots=True)
class FrontPart:
    """What one document of the front matter shows: the cover, or contents lines ``start:stop`` (0-based)."""

    cover: bool = False
    start: int = 0
    stop: int = 0
    title: bool = False  # the 目录 heading: on the first contents page
    note: bool = False  # the closing note


class FrontLayout(Protocol):
    """A part laid out (:class:`~docgen.render.pdf.Layout`): its pages' anchors, each page written when asked."""

    @property
    def pages(self) -> int: ...

    @property
    def anchors(self) -> tuple[dict[str, AnchorBox], ...]: ...

    def page(self, index: int) -> RenderedPdf: ...


class FrontRenderer(Protocol):
    """How the front matter's parts are laid out and kept (by their HTML)."""

    def document(self, part: FrontPart) -> RenderedPdf:
        """The part laid out and written whole (or the kept PDF of the same part)."""
        ...

    def lay_out(self, part: FrontPart) -> FrontLayout:
        """The part laid out, not written."""
        ...

    def kept_page(self, part: FrontPart) -> RenderedPdf | None:
        """The page kept as the first page of ``part``, or None."""
        ...

    def keep_page(self, part: FrontPart, page: RenderedPdf) -> None:
        """Keep ``page`` as the first page of ``part``."""
        ...

    def lay_out_apart(self, part: FrontPart) -> LayoutApart | None:
        """Start laying out ``part``, and writing every page of it, in another process; None when
        there is none to do it (the caller lays out everything itself)."""
        ...


class LayoutApart(Protocol):
    """A part being laid out in another process (:meth:`FrontRenderer.lay_out_apart`)."""

    def result(self) -> FrontLayout | None:
        """The part laid out, its pages written (waits for them); None when the other process failed."""
        ...

    def cancel(self) -> None:
        """Stop the other process: its pages are not wanted (nothing happens once :meth:`result` was taken)."""
        ...


FIT_TOLERANCE = 0.01
"""CSS px: how much lower than the last run's lowest line a line may end and still be predicted to fit."""


@dataclass(frozen=True, slots=True)
class Breaks:
    """What the last run's contents pages were: where each ended, and how tall each line was. The
    next run tries the kept pages they name and predicts page starts from them; both are guesses
    that the layout checks, never trusted."""

    ends: tuple[int, ...] = ()  # the line after each page's last
    heights: tuple[float, ...] = ()  # each line's box, top to bottom (CSS px); () when not every line was seen
    top: float = 0.0  # where a page's first line starts (the pages after the first)
    bottom: float = 0.0  # the lowest any page's last line ended: a line that would end lower does not fit
    gap: float = 0.0  # from a line's bottom to the next line's top

    def starts_after(self, start: int, top: float, heights: Sequence[float]) -> list[int]:
        """Where the pages after the one whose first line is ``start`` (at ``top``) start, the lines
        having ``heights``: the lines stacked down each page while they end no lower than :attr:`bottom`."""
        starts: list[int] = []
        lines = len(heights)
        while True:
            end, y = start, top
            while end < lines and y + heights[end] <= self.bottom + FIT_TOLERANCE:
                y += heights[end] + self.gap
                end += 1
            if end in (start, lines):  # a line taller than a page, or the last page
                return starts
            starts.append(end)
            start, top = end, self.top


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The front matter's documents in order (cover, contents page by page, note) and its contents
    pages' breaks (the next run's :class:`Breaks`)."""

    documents: list[RenderedPdf]
    breaks: Breaks


def lay_out_front(lines: int, has_note: bool, renderer: FrontRenderer, last: Breaks | None = None) -> FrontMatter:
    """The front matter of ``lines`` contents lines; ``last``: the last run's breaks."""
    last = last or Breaks()
    cover = renderer.document(FrontPart(cover=True))
    hinted = dict(zip((0, *last.ends), last.ends, strict=False))  # a page's first line → the line after its last
    pages: list[tuple[int, RenderedPdf]] = []  # each contents page: its first line and its PDF
    start, window = 0, None  # window: the last layout, whose pages are written as they are reached
    apart: _Apart | None = None  # the pages from a predicted start, laid out by another process
    try:
        while start < lines:
            end = hinted.get(start)
            if end is not None and start < end <= lines:
                kept = renderer.kept_page(_page_part(start, end, lines))
                if kept is not None and _lines_on(kept, 0) == end - start:
                    pages.append((start, kept))
                    start = end
                    continue
            found = window.page_from(start, lines) if window is not None else None
            if found is None and apart is not None:  # the pages laid out apart, when they start here
                window, found = apart.window_from(start, lines) or (window, None)
            if found is not None and not found.right_hand:  # a template that lays out left-hand front pages
                end, found = found.end, None
            if found is None and end is not None and start < end < lines:  # the page as it was, and the next line
                window = _Window(
                    renderer.lay_out(FrontPart(start=start, stop=end + 1, title=start == 0)), start, end + 1
                )
                found = window.page_from(start, lines)
            if found is None:  # the page holds more lines than it did, or nothing says where it ends: all the rest
                window, found, apart = _the_rest(renderer, start, lines, apart, _predicted(last, start, lines, window))
            if found is None or found.end == start:  # no line's anchor, or a line taller than a page
                whole = FrontPart(cover=True, stop=lines, title=True, note=has_note)
                return FrontMatter([renderer.document(whole)], Breaks())
            assert window is not None  # what was found, was found in it
            end = found.end
            page = window.layout.page(found.index)
            renderer.keep_page(_page_part(start, end, lines), page)
            pages.append((start, page))
            start = end
    finally:
        if apart is not None:
            apart.cancel()
    documents = [cover, *(page for _, page in pages)]
    if has_note:
        with_note = None
        if pages:  # the last page again, with the note after its lines
            first = pages[-1][0]
            with_note = renderer.document(FrontPart(start=first, stop=lines, title=first == 0, note=True))
        if with_note is not None and with_note.pages == 1:
            documents[-1] = with_note
        else:
            documents.append(renderer.document(FrontPart(note=True)))
    return FrontMatter(documents, _breaks(pages, lines))


PAGES_APART = 2
"""The fewest pages worth laying out in another process (forking it and reading its pages back
cost ~0.02 s; a page of contents ~0.1 s to lay out and write)."""


def _the_rest(
    renderer: FrontRenderer, start: int, lines: int, apart: _Apart | None, predicted: Sequence[int]
) -> tuple[_Window, _Found | None, _Apart | None]:
    """The contents from line ``start`` to the end laid out: the page at ``start`` found in it, and the
    part laid out apart. When another process can take it and the page starts after ``start`` are
    ``predicted`` far enough, the second half goes to it and this process lays out the first half
    (and the line after it); once one prediction was made, the rest is laid out here."""
    if apart is None and len(predicted) >= 2 * PAGES_APART - 1:
        split = predicted[(len(predicted) - 1) // 2]  # this process also has the page at ``start`` and the note
        pending = renderer.lay_out_apart(FrontPart(start=split, stop=lines))
        if pending is not None:
            apart = _Apart(pending, split)
            first = _Window(
                renderer.lay_out(FrontPart(start=start, stop=split + 1, title=start == 0)), start, split + 1
            )
            found = first.page_from(start, lines)
            if found is not None:
                return first, found, apart
            apart.cancel()  # the page at ``start`` reaches past the prediction
    window = _Window(renderer.lay_out(FrontPart(start=start, stop=lines, title=start == 0)), start, lines)
    return window, window.page_from(start, lines), apart


def _predicted(last: Breaks, start: int, lines: int, window: _Window | None) -> list[int]:
    """The page starts after line ``start`` (the first of a page), from the last run's line heights
    and those ``window`` laid out now (the edited line's among them); [] when the last run's lines
    are not these."""
    if len(last.heights) != lines or last.bottom <= 0:
        return []
    heights, top = list(last.heights), last.top
    for anchors in window.layout.anchors if window is not None else ():
        for line, (_, line_top, _, line_bottom) in _line_boxes(anchors):
            if line < lines:
                heights[line] = line_bottom - line_top
                top = line_top if line == start else top
    return last.starts_after(start, top, heights)


def _breaks(pages: Sequence[tuple[int, RenderedPdf]], lines: int) -> Breaks:
    """The breaks of these contents pages, with the heights of their lines when every line has its box."""
    ends = tuple(first for first, _ in pages[1:]) + ((lines,) if pages else ())
    heights: dict[int, float] = {}
    tops: list[float] = []
    gaps: list[float] = []
    bottom = 0.0
    for index, (_, page) in enumerate(pages):
        boxes = sorted(_line_boxes(page.anchors[0])) if page.anchors else []
        gaps += [below[1] - above[3] for (_, above), (_, below) in pairwise(boxes)]
        for line, (_, line_top, _, line_bottom) in boxes:
            heights[line] = line_bottom - line_top
        if boxes:
            bottom = max(bottom, boxes[-1][1][3])
            if index:
                tops.append(boxes[0][1][1])
    if len(heights) != lines or set(heights) != set(range(lines)) or not tops:
        return Breaks(ends)
    return Breaks(ends, tuple(heights[line] for line in range(lines)), tops[0], bottom, min(gaps, default=0.0))


def _page_part(start: int, end: int, lines: int) -> FrontPart:
    """What a contents page is kept under: its lines and the line that did not fit after them."""
    return FrontPart(start=start, stop=min(end + 1, lines), title=start == 0)


def _lines_on(page: RenderedPdf | FrontLayout, index: int) -> int:
    return sum(1 for anchor in page.anchors[index] if anchor.startswith(CONTENTS_ANCHOR)) if page.anchors else 0


def _line_boxes(anchors: dict[str, AnchorBox]) -> list[tuple[int, AnchorBox]]:
    """The contents lines among ``anchors``: each line's index (0-based) and box."""
    found = []
    for name, box in anchors.items():
        number = name[len(CONTENTS_ANCHOR) :] if name.startswith(CONTENTS_ANCHOR) else ""
        if number.isdigit() and int(number) > 0:
            found.append((int(number) - 1, box))
    return found


@dataclass(frozen=True, slots=True)
class _Window:
    """Lines ``start:stop`` laid out as one document, whose pages are written one at a time."""

    layout: FrontLayout
    start: int
    stop: int

    def page_from(self, start: int, lines: int) -> _Found | None:
        """The page that starts at line ``start``, when this layout holds it whole; None otherwise."""
        first = self.start
        for index in range(self.layout.pages):
            placed = _lines_on(self.layout, index)
            if first == start:
                if index + 1 < self.layout.pages or self.stop == lines:
                    return _Found(index, first + placed, self._right_hand(index))
                return None  # its last page: the lines after it were not laid out
            if placed == 0:
                return None
            first += placed
        return None

    def _right_hand(self, index: int) -> bool:
        """Whether page ``index`` has the type area of the first, as targets.css lays out every
        front page (a template that lays out left-hand pages gives the even pages other margins
        than the page laid out alone)."""
        return index == 0 or _line_x(self.layout.anchors[index]) == _line_x(self.layout.anchors[0])


@dataclass(slots=True)
class _Apart:
    """Lines ``start:`` laid out in another process: a window once its pages are back."""

    pending: LayoutApart
    start: int
    wanted: bool = True

    def cancel(self) -> None:
        """The pages are not wanted (the page before them ends elsewhere, or the front matter is done)."""
        if self.wanted:
            self.pending.cancel()
            self.wanted = False

    def window_from(self, start: int, lines: int) -> tuple[_Window, _Found] | None:
        """The window and its page that starts at line ``start``, when the pages laid out apart have one."""
        if start < self.start:  # the pages before it end elsewhere: this process lays out the rest
            self.cancel()
        if not self.wanted:
            return None
        layout = self.pending.result()
        if layout is None:
            return None
        window = _Window(layout, self.start, lines)
        found = window.page_from(start, lines)
        return None if found is None else (window, found)


@dataclass(frozen=True, slots=True)
class _Found:
    """A page of a window: its index, the line after its last, whether it can be written alone from the window."""

    index: int
    end: int
    right_hand: bool


def _line_x(anchors: dict[str, AnchorBox]) -> float | None:
    return next((box[0] for name, box in anchors.items() if name.startswith(CONTENTS_ANCHOR)), None)
