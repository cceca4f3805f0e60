"""The front matter of a book (封面、目录), laid out one page per document so that an edit lays out one page again.

The year's 绩效目标表 book lists every sheet in its contents: 250 lines at 1,000 projects, which
WeasyPrint lays out in 1.6–2.0 s as one document. Renaming one project changes one line, so the
contents are laid out as a cover and then one document per contents page, each kept by its
HTML (:class:`~docgen.render.pdf.KeptPdfs`): an edit lays out the page that shows the changed
line again (and the page before it when the line opens its page), not the whole contents.

Which lines a page holds is what the flow layout of the whole contents would put there, found
from the content alone, never from what was kept: a part lays out the lines from where the
previous page ended and more; its first page is the page. Laid out as a flow, a page
depends only on the lines placed on it and the line that did not fit, so the page is the same
however many lines follow in the part (a part that fits on one page without reaching the end is
laid out again with more lines). A contents line is never split across pages (``break-inside:
avoid`` in print.css), so the lines of a page are those whose anchor (``contents-<n>``) it holds.

The last page carries the note when the note fits on it whole; otherwise the note follows on
a page of its own. When a page holds no line's anchor (a template edited without them, or a line
taller than a page), the front matter is laid out whole, as one document, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docgen.render.pdf import RenderedPdf

CONTENTS_ANCHOR = "contents-"
"""The id of a contents line is this and its number (1, 2, …): the template writes it."""

FIRST_GUESS = 24  # lines laid out for the first page (a page of 目录 holds ~20 lines at 16 pt)
MORE = 4  # lines added to a part that fitted on one page before its end


@dataclass(frozen=True, slots=True)
class FrontPart:
    """What one document of the front matter shows: the cover, or contents lines ``start:stop`` (0-based)."""

    cover: bool = False
    start: int = 0
    stop: int = 0
    title: bool = False  # the 目录 heading: on the first contents page
    note: bool = False  # the closing note


PartRenderer = Callable[[FrontPart, bool], RenderedPdf]
"""Lay out a part and write it (``True``: its first page only)."""


def lay_out_front(lines: int, has_note: bool, render: PartRenderer) -> list[RenderedPdf]:
    """The front matter's documents in order: the cover, the contents page by page, the note."""
    documents = [render(FrontPart(cover=True), False)]
    start, guess, note_placed = 0, FIRST_GUESS, not has_note
    while start < lines:
        stop = min(lines, start + guess)
        part = FrontPart(start=start, stop=stop, title=start == 0, note=has_note and stop == lines)
        laid = render(part, True)
        if laid.pages == 1:
            if stop < lines:  # room for more: lay out more lines
                guess += MORE
                continue
            documents.append(laid)
            note_placed = note_placed or part.note
            break
        placed = sum(1 for anchor in laid.first_page_anchors if anchor.startswith(CONTENTS_ANCHOR))
        if placed == 0:  # a template without the lines' anchors, or a line taller than a page
            return [render(FrontPart(cover=True, stop=lines, title=True, note=has_note), False)]
        if start + placed == lines and part.note:  # every line fits, the note does not: without it
            documents.append(render(FrontPart(start=start, stop=lines, title=start == 0), False))
            break
        documents.append(laid)
        start += placed
        guess = placed + 1  # one line past what this page held: an edit lays out one page, seldom two
    if not note_placed:
        documents.append(render(FrontPart(note=True), False))
    return documents
