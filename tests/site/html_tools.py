"""Reading the built site back: pages parsed with lxml, table grids, links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import html as lxml_html
from lxml.html import HtmlElement


def parse(path: Path) -> HtmlElement:
    return lxml_html.document_fromstring(path.read_bytes())


def text(element: HtmlElement) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def grid_merges(table: HtmlElement, columns: int = 3) -> set[tuple[int, int, int]]:
    """(grid column, first row, last row) of every cell of ``tbody`` spanning rows, in its first ``columns``."""
    occupied: set[tuple[int, int]] = set()
    merges: set[tuple[int, int, int]] = set()
    for row_index, row in enumerate(table.xpath("./tbody/tr")):
        col = 0
        for cell in row.xpath("./td|./th"):
            while (row_index, col) in occupied:
                col += 1
            rowspan, colspan = int(cell.get("rowspan", "1")), int(cell.get("colspan", "1"))
            for r in range(row_index, row_index + rowspan):
                for c in range(col, col + colspan):
                    occupied.add((r, c))
            if rowspan > 1 and col < columns:
                merges.add((col, row_index, row_index + rowspan - 1))
            col += colspan
    return merges


URL_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}


def references(page: HtmlElement) -> Iterator[tuple[str, str]]:
    """(tag, URL) of every link, stylesheet, script, image and form target of a page."""
    for tag, attribute in URL_ATTRIBUTES.items():
        for element in page.iter(tag):
            value = element.get(attribute)
            if value is not None:
                yield tag, value


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def css_references(css: str) -> list[str]:
    return CSS_URL.findall(css)
