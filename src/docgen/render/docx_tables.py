"""Tables after rendering: valid, consistent WordprocessingML whatever the loops produced.

docxtpl's loops and docgen's cell tags leave tables whose cells no longer match the template's
grid (a value column more or less, a merged 口径 cell, an empty loop). :func:`finish_tables`
makes every table valid and consistent for Word and LibreOffice alike:

* a cell marked ``<w:hMerge w:val="continue"/>`` (``{% cellif %}``) joins the cell to its left;
* the grid (``<w:tblGrid>``) and every cell's span are rebuilt from the cells' widths;
* cell properties are put in schema order (Word refuses some files otherwise);
* a cell continuing a vertical merge shows nothing (one empty paragraph);
* every cell ends with a paragraph, and the body does not end with a table.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
TBL, TR, TC, P, TCPR, PPR = (f"{_W}{n}" for n in ("tbl", "tr", "tc", "p", "tcPr", "pPr"))
TCW, GRID_SPAN, HMERGE, VMERGE, TBL_GRID, GRID_COL = (
    f"{_W}{n}" for n in ("tcW", "gridSpan", "hMerge", "vMerge", "tblGrid", "gridCol")
)
VAL, WIDTH, TYPE = f"{_W}val", f"{_W}w", f"{_W}type"
SECT_PR = f"{_W}sectPr"

_TCPR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
    "tcPrChange",
)  # fmt: skip
_TCPR_RANK = {f"{_W}{name}": rank for rank, name in enumerate(_TCPR_ORDER)}
SNAP_TWIPS = 40
"""Cell edges closer than this (40 twips ≈ 0.7 mm: rounding of shared widths) are one grid line."""


def finish_tables(body: etree._Element, skip: Collection[int] = ()) -> None:
    """Make every table in ``body`` valid and consistent (innermost tables first); ``skip``: the
    indices, among the top-level tables (:func:`top_level_tables_of`), of tables already finished."""
    top = top_level_tables_of(body) if skip else []
    done = [table for index in skip for table in top[index].iter(TBL)]  # held: an element's id is its proxy's
    skipped = {id(table) for table in done}
    for table in reversed(list(body.iter(TBL))):
        if id(table) in skipped:
            continue
        rows = [[_Cell(cell) for cell in row if cell.tag == TC] for row in table if row.tag == TR]
        rows = [_resolve_horizontal_merges(cells) for cells in rows]
        _rebuild_grid(table, rows)
        for cells in rows:
            for cell in cells:
                cell.finish()
    blocks = [child for child in body if child.tag != SECT_PR]
    if blocks and blocks[-1].tag == TBL:
        blocks[-1].addnext(etree.Element(P))


def top_level_tables_of(tree: etree._Element) -> list[etree._Element]:
    """The tables in ``tree`` that no other table holds, in document order."""
    return [table for table in tree.iter(TBL) if next(table.iterancestors(TBL), None) is None]


class _Cell:
    """A table cell and its properties (``<w:tcPr>``, created when missing), indexed by tag."""

    __slots__ = ("element", "properties", "tcpr")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        if len(element) and element[0].tag == TCPR:
            self.tcpr = element[0]
        else:
            self.tcpr = etree.Element(TCPR)
            element.insert(0, self.tcpr)
        self.properties = {child.tag: child for child in self.tcpr}

    @property
    def span(self) -> int:
        span = self.properties.get(GRID_SPAN)
        value = span.get(VAL, "1") if span is not None else "1"
        return int(value) if value.isdigit() and int(value) > 0 else 1

    @property
    def width(self) -> int | None:
        """The cell's width in twips, when given as such."""
        tcw = self.properties.get(TCW)
        if tcw is None or tcw.get(TYPE, "dxa") != "dxa":
            return None
        try:
            width = int(float(tcw.get(WIDTH, "0")))
        except ValueError:
            return None
        return width if width > 0 else None

    def set(self, tag: str, attributes: dict[str, str] | None) -> None:
        """Set (or, with None, remove) a property element."""
        child = self.properties.get(tag)
        if attributes is None:
            if child is not None:
                self.tcpr.remove(child)
                del self.properties[tag]
            return
        if child is None:
            child = self.properties[tag] = etree.SubElement(self.tcpr, tag)
        for name, value in attributes.items():
            child.set(name, value)

    def finish(self) -> None:
        """Properties in schema order; a merge continuation emptied; a final paragraph."""
        children = list(self.tcpr)
        ordered = sorted(children, key=lambda c: _TCPR_RANK.get(str(c.tag), len(_TCPR_ORDER)))
        if ordered != children:
            self.tcpr[:] = ordered
        cell = self.element
        vmerge = self.properties.get(VMERGE)
        if vmerge is not None and vmerge.get(VAL, "continue") == "continue":
            # A cell continuing a vertical merge shows nothing: keep one empty paragraph (its style).
            first = next((child for child in cell if child.tag == P), None)
            paragraph_properties = next((c for c in first if c.tag == PPR), None) if first is not None else None
            cell[1:] = [etree.Element(P)]
            if paragraph_properties is not None:
                cell[1].append(paragraph_properties)
            return
        if cell[-1].tag != P:
            etree.SubElement(cell, P)


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    for child in parent:
        if child.tag == tag:
            return child
    return None


def _resolve_horizontal_merges(cells: list[_Cell]) -> list[_Cell]:
    """Cells marked ``hMerge continue`` join the cell to their left; return the remaining cells."""
    kept: list[_Cell] = []
    for cell in cells:
        hmerge = cell.properties.get(HMERGE)
        if hmerge is None:
            kept.append(cell)
            continue
        cell.set(HMERGE, None)
        if hmerge.get(VAL, "continue") != "continue" or not kept:
            kept.append(cell)
            continue
        left = kept[-1]
        width = (left.width or 0) + (cell.width or 0)
        left.set(TCW, {WIDTH: str(width), TYPE: "dxa"})
        left.set(GRID_SPAN, {VAL: str(left.span + cell.span)})
        cell.element.getparent().remove(cell.element)  # type: ignore[union-attr]
    return kept


def _rebuild_grid(table: etree._Element, rows: list[list[_Cell]]) -> None:
    """Derive the grid from the cells' widths; set every cell's width and span to match it."""
    grid = _child(table, TBL_GRID)
    old_columns = [int(float(c.get(WIDTH, "0") or 0)) for c in grid if c.tag == GRID_COL] if grid is not None else []
    widths: list[list[int]] = []
    for cells in rows:
        column = 0
        row_widths = []
        for cell in cells:
            span = cell.span
            row_widths.append(cell.width or sum(old_columns[column : column + span]) or 1)
            column += span
        widths.append(row_widths)
    if not any(widths):
        return
    table_width = max(sum(row_widths) for row_widths in widths)
    edges = {table_width}
    for row_widths in widths:
        position = 0
        for width in row_widths:
            position += width
            edges.add(position)
    boundaries = _snap(sorted(edges))
    for cells, row_widths in zip(rows, widths, strict=True):
        start_index, start, position = 0, 0, 0
        for index, (cell, width) in enumerate(zip(cells, row_widths, strict=True)):
            position = table_width if index == len(cells) - 1 else position + width
            end_index = max(bisect_nearest(boundaries, position), start_index)
            end = boundaries[end_index]
            cell.set(TCW, {WIDTH: str(max(end - start, 1)), TYPE: "dxa"})
            span = end_index - start_index + 1
            cell.set(GRID_SPAN, {VAL: str(span)} if span > 1 else None)
            start_index, start = end_index + 1, end
    if grid is None:
        grid = etree.Element(TBL_GRID)
        table.insert(1, grid)
    for child in list(grid):
        grid.remove(child)
    previous = 0
    for boundary in boundaries:
        etree.SubElement(grid, GRID_COL).set(WIDTH, str(boundary - previous))
        previous = boundary
    tblpr = _child(table, f"{_W}tblPr")
    tblw = _child(tblpr, f"{_W}tblW") if tblpr is not None else None
    if tblw is not None and tblw.get(TYPE) == "dxa":
        tblw.set(WIDTH, str(table_width))


def bisect_nearest(boundaries: list[int], position: int) -> int:
    """The index of the grid line nearest to ``position`` (``boundaries`` ascending; ties: the lower)."""
    index = bisect_left(boundaries, position)
    if index == 0:
        return 0
    if index == len(boundaries):
        return index - 1
    before, after = boundaries[index - 1], boundaries[index]
    return index - 1 if position - before <= after - position else index


def _snap(edges: list[int]) -> list[int]:
    """Cell edges as grid lines: edges closer than :data:`SNAP_TWIPS` become one (the last)."""
    snapped: list[int] = []
    for edge in edges:
        if snapped and edge - snapped[-1] < SNAP_TWIPS:
            snapped[-1] = edge
        else:
            snapped.append(edge)
    return snapped
