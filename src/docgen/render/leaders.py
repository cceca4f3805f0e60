"""Leaders (前导符) laid out as one run of dots a line, not one text box a dot.

The contents of the year's book and of the reports lead each line to its page number with
``leader(".")``. WeasyPrint places the dots by copying the dot's text box once per dot
(``weasyprint.layout.leader``): ~15 a line, ~3,700 for the contents of 1,000 projects, each
then drawn as a text object of its own (its Pango layout set up again, ``BT … ET``): a third of
writing a page of contents. :func:`install` has WeasyPrint's placing of the dots followed by
:func:`_one_run`, which puts the dots of a leader back as one text box of as many dots, where the
first one was: the run advances by the dot's width for each dot (checked: a font that kerns dots
keeps WeasyPrint's boxes), so every dot stays where WeasyPrint put it and the page looks the same,
with one text object per leader.

A WeasyPrint whose leader code is not what this expects (another version) keeps its own boxes.
"""

from __future__ import annotations

from typing import Any

WIDTH_TOLERANCE = 1e-3
"""CSS px: how far the run's width may be from the dots' widths added up (Pango's rounding)."""

_installed = False


def install() -> None:
    """Lay out leaders as one run of dots from now on, in this process (once WeasyPrint is imported)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline, leader

    placed = getattr(inline, "handle_leader", None)
    if placed is None or getattr(leader, "leader_index", None) is None:  # pragma: no cover - another WeasyPrint
        return

    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        placed(context, line, containing_block)
        _one_run(context, line)

    inline.handle_leader = handle_leader
    _installed = True


def _one_run(context: Any, line: Any) -> None:
    """Replace the dots WeasyPrint placed in ``line``'s leader by one text box of the same dots."""
    from weasyprint.layout.leader import leader_index
    from weasyprint.text.line_break import split_first_line

    _, box = leader_index(line)
    if box is None or len(box.children) < 2:
        return
    dots = sorted(box.children, key=lambda other: other.position_x)
    dot = dots[0]
    if any(
        other.text != dot.text or abs(other.position_x - (dot.position_x + index * dot.width)) > WIDTH_TOLERANCE
        for index, other in enumerate(dots)
    ):  # not a row of the same dot, side by side
        return
    text = dot.text * len(dots)
    layout, _, resume_at, width, _, _ = split_first_line(text, dot.style, context, None, dot.justification_spacing)
    if resume_at is not None or abs(width - dot.width * len(dots)) > WIDTH_TOLERANCE:
        return
    run = dot.copy_with_text(text)
    run.pango_layout = layout
    run.width = width
    run.position_x = dot.position_x
    box.children = (run,)
