"""Finished Word tables kept between builds (成表缓存), so that a large document finishes only its new tables.

附件3 holds every project's 绩效目标表: 250 tables at 1,000 projects. Finishing a table
(:func:`~docgen.render.docx_tables.finish_tables`: merges, grid, property order) is a pure
function of the table as rendered, and it is half of what rendering 附件3 costs (~0.3 s); an
edit changes one table. So a document rendered with a :class:`FinishedTables` memo keeps, for
each top-level table it rendered, the table's finished XML as the document's part was written,
keyed by the sha256 of the table's rendered XML. The next render puts the kept XML in place of
every table rendered the same, before the body is parsed, and finishes only the others.

Same input, same bytes: the kept XML is what writing the finished tree gave, and parsing then
writing it again gives it back, so a document made with kept tables is the document made
without them (a test renders both). Used only where that holds for certain: the rendered part
has no comment or CDATA section (where a table tag could hide), the tables found in its text are
the tables of its tree, and no table holds a drawing (docxtpl renumbers drawings across the
whole document). Otherwise every table is finished.

The memo is JSON in the user's cache folder (:func:`docgen.cache_home.cache_home`), one file per
document, named by the document and by docgen's code and libraries
(:func:`docgen.build.inputs.code_digest`), and keeps the tables of the document's last render only.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from docgen.cache_home import kept_file, read_entry, write_entry

_TABLE_TAG = re.compile(r"<(/?)w:tbl([ />])")
"""A table's start tag (``<w:tbl>``, ``<w:tbl …>``, ``<w:tbl/>``) or end tag; not ``<w:tblPr>``."""
_UNSAFE = ("<!--", "<![CDATA[")
"""Text where a table tag would not be a tag."""
_POSITIONED = "docPr"
"""A drawing's properties (``<wp:docPr id=…>``): docxtpl numbers them across the whole document."""


def top_level_tables(xml: str) -> list[tuple[int, int]]:
    """The (start, end) of each table in ``xml`` that no other table holds, in document order;
    [] when the tags do not nest (the memo is not used then)."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for match in _TABLE_TAG.finditer(xml):
        if match.group(1):  # </w:tbl>
            depth -= 1
            if depth < 0:
                return []
            if depth == 0:
                spans.append((start, match.end()))
        elif match.group(2) == "/":  # <w:tbl/>: an empty table
            if depth == 0:
                end = xml.find(">", match.end())
                spans.append((match.start(), end + 1))
        else:
            if depth == 0:
                start = match.start()
            depth += 1
    return spans if depth == 0 else []


class FinishedTables:
    """The finished tables of one document (``slot``), kept from its last render.

    ``substitute`` the rendered body, parse it, finish the tables it did not replace, write the
    part, then ``learn`` from the written part and ``save``.
    """

    def __init__(self, slot: str) -> None:
        self.file: Path | None = kept_file("docx-tables", slot, ".json")
        self._kept: dict[str, str] | None = None
        self._keys: list[str | None] = []  # the rendered tables' keys, in order (None: not kept)
        self._used: dict[str, str] = {}

    def substitute(self, xml: str) -> tuple[str, list[int]]:
        """``xml`` with every kept table in place of the table rendered the same, and the indices
        (among the top-level tables) of the tables put in; ``(xml, [])`` when the memo cannot be used."""
        self._keys = []
        if any(marker in xml for marker in _UNSAFE):
            return xml, []
        spans = top_level_tables(xml)
        kept = self._load()
        pieces: list[str] = []
        replaced: list[int] = []
        position = 0
        for index, (start, end) in enumerate(spans):
            table = xml[start:end]
            key = None if _POSITIONED in table else hashlib.sha256(table.encode("utf-8", "surrogatepass")).hexdigest()
            self._keys.append(key)
            finished = kept.get(key) if key is not None else None
            if finished is not None and key is not None:
                pieces += [xml[position:start], finished]
                position = end
                replaced.append(index)
                self._used[key] = finished
        if not replaced:
            return xml, []
        pieces.append(xml[position:])
        return "".join(pieces), replaced

    @property
    def tables_rendered(self) -> int:
        """How many top-level tables the last :meth:`substitute` found in the rendered body."""
        return len(self._keys)

    def forget_render(self) -> None:
        """The substituted body could not be used (its tree has other tables): learn nothing from it."""
        self._keys = []

    def learn(self, part: bytes) -> None:
        """Keep the finished tables of the written part (``word/document.xml``)."""
        if not self._keys:
            return
        text = part.decode("utf-8", "surrogatepass")
        if any(marker in text for marker in _UNSAFE):
            return
        spans = top_level_tables(text)
        if len(spans) != len(self._keys):
            return
        for key, (start, end) in zip(self._keys, spans, strict=True):
            if key is not None:
                self._used[key] = text[start:end]

    def save(self) -> None:
        """Write the tables of this render, when they differ from the kept ones."""
        if self.file is not None and self._keys and self._used.keys() != self._load().keys():
            write_entry(self.file, json.dumps(self._used, ensure_ascii=False).encode("utf-8", "surrogatepass"))

    def _load(self) -> dict[str, str]:
        if self._kept is None:
            self._kept = {}
            data = read_entry(self.file)
            if data is not None:
                try:
                    kept = json.loads(data)
                except ValueError:  # damaged: finish every table
                    kept = {}
                if isinstance(kept, dict):
                    self._kept = {k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, str)}
        return self._kept
