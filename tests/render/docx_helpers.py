"""Reading generated .docx files back for the Word tests: tables as grid cells, styles, fonts.

python-docx repeats a merged cell in every grid position it covers, which hides how a table
is merged; these helpers read the WordprocessingML itself: each row's cells with their grid
column, grid span and vertical-merge state, and the text as Word shows it (paragraphs joined
by line feeds, ``<w:br/>`` as a line feed, ``<w:tab/>`` as a tab).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import docx
from lxml import etree

from docgen.api import Checked
from docgen.render.context import RenderContext

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
REPO = Path(__file__).resolve().parents[2]


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def render_context(checked: Checked, epoch: int = EPOCH) -> RenderContext:
    return RenderContext(checked.paths, checked.content, checked.facts, epoch)


def part(data: bytes, name: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def document(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def paragraph_text(paragraph: etree._Element) -> str:
    """A paragraph's text as Word shows it (line breaks and tabs included, page breaks not)."""
    pieces = []
    for node in paragraph.iter(q("t"), q("br"), q("tab"), q("cr")):
        if node.tag == q("t"):
            pieces.append(node.text or "")
        elif node.tag == q("tab"):
            pieces.append("\t")
        elif node.get(q("type")) not in ("page", "column"):
            pieces.append("\n")
    return "".join(pieces)


@dataclass(frozen=True)
class GridCell:
    """A table cell where it stands in the grid."""

    column: int
    span: int
    vmerge: str | None  # "restart", "continue" or None
    paragraphs: tuple[str, ...]
    element: etree._Element

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def grid_rows(table: etree._Element) -> list[list[GridCell]]:
    """The table's rows as grid cells (direct rows and cells only: nested tables stay inside)."""
    rows = []
    for row in table.findall("w:tr", NS):
        column = 0
        cells = []
        for cell in row.findall("w:tc", NS):
            span_element = cell.find("w:tcPr/w:gridSpan", NS)
            span = int(span_element.get(q("val"))) if span_element is not None else 1
            vmerge_element = cell.find("w:tcPr/w:vMerge", NS)
            vmerge = None if vmerge_element is None else vmerge_element.get(q("val"), "continue")
            paragraphs = tuple(paragraph_text(p) for p in cell.findall("w:p", NS))
            cells.append(GridCell(column, span, vmerge, paragraphs, cell))
            column += span
        rows.append(cells)
    return rows


def top_tables(data: bytes) -> list[etree._Element]:
    return part(data).findall("w:body/w:tbl", NS)


def grid_widths(table: etree._Element) -> list[int]:
    return [int(col.get(q("w"))) for col in table.findall("w:tblGrid/w:gridCol", NS)]


def money(text: str) -> Decimal:
    """1,361.47 → Decimal('1361.47')."""
    return Decimal(text.replace(",", ""))


def style_font(data: bytes, style_name: str) -> tuple[str | None, int | None]:
    """The East Asian font and size (half-points) a paragraph style gives, following basedOn."""
    styles = document(data).styles
    style = styles[style_name]
    east_asia = size = None
    while style is not None and (east_asia is None or size is None):
        rpr = style.element.rPr
        if rpr is not None:
            fonts = rpr.find(q("rFonts"))
            if east_asia is None and fonts is not None:
                east_asia = fonts.get(q("eastAsia"))
            size_element = rpr.find(q("sz"))
            if size is None and size_element is not None:
                size = int(size_element.get(q("val")))
        style = style.base_style
    return east_asia, size
