"""The front matter of a book (封面、目录), laid out so that an edit lays out only the pages it changes.

The year's 绩效目标表 book lists every sheet in its contents: 250 lines at 1,000 projects, ~14
pages. Each contents page is its own one-page PDF, kept (:class:`~docgen.render.pdf.KeptPdfs`)
under the HTML of the lines it holds and the line that did not fit after them: laid out as a
flow, a page depends only on those, so the page is the same whichever document laid it out
(lines never split across pages: ``break-inside: avoid`` in targets.css; and every front page is
laid out as a right-hand page, which the book moves to the side it falls on). Which page holds
which lines is what the flow layout of the whole contents gives, found from the content alone:
a kept page is used only when its lines and the next are the same, and the last run's page
breaks (hints) only say which kept pages to try.

* Nothing changed: every page is kept, nothing is laid out.
* A line changed and its page holds the same lines: the page and the line after it are laid out
  again (one page), the pages after it are kept.
* A line changed and its page holds more or fewer lines (a renamed line wraps onto one more
  line), or nothing is kept: every page from there on holds other lines, so the rest of the
  contents is laid out as one document and written a page at a time (~0.1 s a page to lay
  out, ~0.07 s to write, its fonts' programs left to the book; one document per page cost ~0.3 s
  a page).

The last page carries the note when the note fits on it whole; otherwise the note follows on a
page of its own. When a page holds no line's anchor (a template edited without them, or a line
taller than a page), the front matter is laid out whole, as one document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from docgen.render.pdf import RenderedPdf

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
    def anchors(self) -> tuple[dict[str, tuple[float, float]], ...]: ...

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


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The front matter's documents in order (cover, contents page by page, note) and where its
    contents pages end (the next run's hints)."""

    documents: list[RenderedPdf]
    page_ends: list[int]


def lay_out_front(lines: int, has_note: bool, renderer: FrontRenderer, hints: Sequence[int] = ()) -> FrontMatter:
    """The front matter of ``lines`` contents lines; ``hints``: where the last run's contents pages ended."""
    cover = renderer.document(FrontPart(cover=True))
    hinted = dict(zip((0, *hints), hints, strict=False))  # a page's first line → the line after its last
    pages: list[tuple[int, RenderedPdf]] = []  # each contents page: its first line and its PDF
    start, window = 0, None  # window: the last layout, whose pages are written as they are reached
    while start < lines:
        end = hinted.get(start)
        if end is not None and start < end <= lines:
            kept = renderer.kept_page(_page_part(start, end, lines))
            if kept is not None and _lines_on(kept, 0) == end - start:
                pages.append((start, kept))
                start = end
                continue
        found = window.page_from(start, lines) if window is not None else None
        if found is not None and not found.right_hand:  # a template that lays out left-hand front pages
            end, found = found.end, None
        if found is None:  # lay out the page as it was and the line after it, else all that is left
            stop = min(end + 1, lines) if end is not None and start < end <= lines else lines
            window = _Window(renderer.lay_out(FrontPart(start=start, stop=stop, title=start == 0)), start, stop)
            found = window.page_from(start, lines)
            if found is None and stop < lines:  # the page holds more lines than it did
                window = _Window(renderer.lay_out(FrontPart(start=start, stop=lines, title=start == 0)), start, lines)
                found = window.page_from(start, lines)
        if found is None or found.end == start:  # no line's anchor, or a line taller than a page
            return FrontMatter([renderer.document(FrontPart(cover=True, stop=lines, title=True, note=has_note))], [])
        assert window is not None  # what was found, was found in it
        end = found.end
        page = window.layout.page(found.index)
        renderer.keep_page(_page_part(start, end, lines), page)
        pages.append((start, page))
        start = end
    documents = [cover, *(page for _, page in pages)]
    if has_note:
        with_note = None
        if pages:  # the last page again, with the note after its lines
            last = pages[-1][0]
            with_note = renderer.document(FrontPart(start=last, stop=lines, title=last == 0, note=True))
        if with_note is not None and with_note.pages == 1:
            documents[-1] = with_note
        else:
            documents.append(renderer.document(FrontPart(note=True)))
    return FrontMatter(documents, [start for start, _ in pages[1:]] + ([lines] if pages else []))


def _page_part(start: int, end: int, lines: int) -> FrontPart:
    """What a contents page is kept under: its lines and the line that did not fit after them."""
    return FrontPart(start=start, stop=min(end + 1, lines), title=start == 0)


def _lines_on(page: RenderedPdf | FrontLayout, index: int) -> int:
    return sum(1 for anchor in page.anchors[index] if anchor.startswith(CONTENTS_ANCHOR)) if page.anchors else 0


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


@dataclass(frozen=True, slots=True)
class _Found:
    """A page of a window: its index, the line after its last, whether it can be written alone from the window."""

    index: int
    end: int
    right_hand: bool


def _line_x(anchors: dict[str, tuple[float, float]]) -> float | None:
    return next((x for name, (x, _) in anchors.items() if name.startswith(CONTENTS_ANCHOR)), None)
