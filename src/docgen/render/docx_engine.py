"""The Word engine: docxtpl with docgen's table tags, strict escaping and reproducible bytes.

Templates in ``templates/docx/`` are ordinary .docx files with Jinja tags (docxtpl). This
module renders one template with one context and returns the .docx bytes:

* **Escaping.** The Jinja environment is :func:`docgen.render.jinja_env.make_env` (autoescape,
  StrictUndefined, the formatting filters of :mod:`docgen.facts.format`) without the filters
  that produce unescaped markup (``safe``, ``markdown``…). Content reaches the template only
  as data; every string in the context is first stripped of the characters XML 1.0 cannot
  hold (:mod:`docgen.render.docx_text`).
* **Table tags.** docxtpl's ``{% vm %}`` cannot nest, so docgen adds three cell tags whose
  ranges are computed in code: ``{% vmerge cell %}`` (vertical merge from ``cell.rowspan`` /
  ``cell.hidden``), ``{% cellfor x in xs %}`` (one cell per item, sharing the template
  cell's width) and ``{% cellif condition %}`` (the cell, or else its width joins the cell
  to its left). After rendering, every table's grid is rebuilt from its cells' widths
  (:mod:`docgen.render.docx_tables`), so Word and LibreOffice agree on the layout whatever
  the number of columns.
* **Reproducible.** Zip entries are sorted and dated from SOURCE_DATE_EPOCH; the core
  properties (title, author, created, modified) are set from the build, never the clock
  (:mod:`docgen.render.docx_package`, which also parses the rendered parts strictly).
* **Fast.** The patched template XML and its compiled Jinja template are cached per process
  (docxtpl would recompile the whole document XML on every render).
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from docxtpl import DocxTemplate
from jinja2 import Environment, Template
from lxml import etree

from docgen.render.docx_package import DOCUMENT_PART, CorruptDocumentError, DocumentProperties, save_reproducibly
from docgen.render.docx_table_memo import FinishedTables
from docgen.render.docx_tables import finish_tables, top_level_tables_of
from docgen.render.docx_text import xml_safe_tree
from docgen.render.jinja_env import make_env

T = TypeVar("T")

MARKUP_FILTERS = ("markdown", "markdown_inline", "safe", "urlize", "xmlattr")
"""Filters that produce unescaped markup: in a Word template they would turn content into
WordprocessingML, so they are not available there (``docgen check`` reports them)."""

# ---------------------------------------------------------------------------- template tags

_CELL_WITH_TAG = r"<w:tc[ >](?:(?!<w:tc[ >]).)*?\{{%\s*{tag}\s+((?:(?!%\}}).)+?)\s*%\}}.*?</w:tc>"
_VMERGE_CELL = re.compile(_CELL_WITH_TAG.format(tag="vmerge"), re.DOTALL)
_CELLIF_CELL = re.compile(_CELL_WITH_TAG.format(tag="cellif"), re.DOTALL)
_CELLFOR_CELL = re.compile(_CELL_WITH_TAG.format(tag="cellfor"), re.DOTALL)
_ANY_DOCGEN_TAG = re.compile(r"\{%\s*(?:vmerge|cellif|cellfor)\s+(?:(?!%\}).)+?%\}", re.DOTALL)
_TC_OPEN = re.compile(r"<w:tc(?: [^>]*)?>")
_TCPR_OPEN = re.compile(r"<w:tcPr(?: [^>]*)?>")
_TCPR_EMPTY = re.compile(r"<w:tcPr(?: [^>]*)?/>")
_TCPR_WHOLE = re.compile(r"<w:tcPr(?: [^>]*)?(?:/>|>.*?</w:tcPr>)", re.DOTALL)
_TCW_WIDTH = re.compile(r'(<w:tcW\b[^>]*\bw:w=")(\d+)(")')

DOCGEN_TAGS: dict[str, str] = {
    "{% vmerge <cell> %}": "Merges the cell vertically as docgen computed: a cell with `rowspan` > 1 starts a "
    "merge, a `hidden` one continues it (Word shows one cell per group). "
    "Example: `{% vmerge row.level1 %}{{ row.level1.text }}`.",
    "{% cellfor <item> in <list> %}": "Repeats the cell once per item; the copies share the template cell's width. "
    "Example: `{% cellfor value in row.values %}{{ value }}`.",
    "{% cellif <condition> %}": "Keeps the cell only when the condition holds; otherwise the cell to its left "
    "spans its width. Example: `{% cellif not row.name_spans_measure %}{{ row.measure }}`.",
}
"""docgen's own table-cell tags (documented on the template reference page)."""


def _add_to_tcpr(cell_xml: str, addition: str) -> str:
    """Insert ``addition`` into the cell's ``<w:tcPr>`` (creating it); the order is fixed later."""
    if match := _TCPR_OPEN.search(cell_xml):
        return cell_xml[: match.end()] + addition + cell_xml[match.end() :]
    if match := _TCPR_EMPTY.search(cell_xml):
        return cell_xml[: match.start()] + f"<w:tcPr>{addition}</w:tcPr>" + cell_xml[match.end() :]
    opening = _TC_OPEN.match(cell_xml)
    assert opening is not None  # the patterns only match from "<w:tc"
    return cell_xml[: opening.end()] + f"<w:tcPr>{addition}</w:tcPr>" + cell_xml[opening.end() :]


def _vmerge(match: re.Match[str]) -> str:
    expr = match.group(1).strip()
    cell = re.sub(r"\{%\s*vmerge\s+(?:(?!%\}).)+?%\}", "", match.group(0), count=1, flags=re.DOTALL)
    merge = (
        f'{{% if ({expr}).rowspan > 1 %}}<w:vMerge w:val="restart"/>'
        f"{{% elif ({expr}).hidden %}}<w:vMerge/>{{% endif %}}"
    )
    return _add_to_tcpr(cell, merge)


def _cellif(match: re.Match[str]) -> str:
    condition = match.group(1).strip()
    cell = re.sub(r"\{%\s*cellif\s+(?:(?!%\}).)+?%\}", "", match.group(0), count=1, flags=re.DOTALL)
    opening = _TC_OPEN.match(cell)
    assert opening is not None
    tcpr = _TCPR_WHOLE.search(cell)
    tcpr_xml = tcpr.group(0) if tcpr else "<w:tcPr/>"
    merged = _add_to_tcpr(opening.group(0) + tcpr_xml, '<w:hMerge w:val="continue"/>') + "<w:p/></w:tc>"
    return f"{{% if {condition} %}}{cell}{{% else %}}{merged}{{% endif %}}"


def _cellfor(match: re.Match[str]) -> str:
    loop = match.group(1).strip()
    cell = re.sub(r"\{%\s*cellfor\s+(?:(?!%\}).)+?%\}", "", match.group(0), count=1, flags=re.DOTALL)
    cell = _TCW_WIDTH.sub(lambda m: f"{m.group(1)}{{{{ ({m.group(2)} // loop.length) }}}}{m.group(3)}", cell, count=1)
    return f"{{% for {loop} %}}{cell}{{% endfor %}}"


def apply_docgen_tags(xml: str) -> str:
    """Turn docgen's cell tags into plain Jinja around WordprocessingML (after docxtpl's patch)."""
    if "vmerge" in xml:
        xml = _VMERGE_CELL.sub(_vmerge, xml)
    if "cellif" in xml:
        xml = _CELLIF_CELL.sub(_cellif, xml)
    if "cellfor" in xml:
        xml = _CELLFOR_CELL.sub(_cellfor, xml)
    return xml


def stray_docgen_tags(xml: str) -> list[str]:
    """docgen tags left after patching: written outside a table cell (an error in the template)."""
    return [m.group(0) for m in _ANY_DOCGEN_TAG.finditer(xml)]


class _Cache(OrderedDict[str, T]):
    """A small least-recently-used cache keyed by a template part's XML."""

    def remember(self, key: str, make: Callable[[], T]) -> T:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        if len(self) > 64:
            self.popitem(last=False)
        return value


_PATCHED: _Cache[str] = _Cache()
_COMPILED: _Cache[Template] = _Cache()
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_PARAGRAPH_LINE = re.compile(r"\n<w:p([ >])")


class DocgenTemplate(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type hints
    """docxtpl's template with docgen's cell tags, and the patched and compiled XML cached.

    docxtpl patches and compiles the whole document XML on every render; a template part's XML
    is the same for every document rendered from it, so both are kept per process.
    """

    def patch_xml(self, src_xml: str) -> str:
        return _PATCHED.remember(src_xml, lambda: apply_docgen_tags(super(DocgenTemplate, self).patch_xml(src_xml)))

    finished_tables: FinishedTables | None = None
    """Kept finished tables to put in place before parsing (:mod:`docgen.render.docx_table_memo`)."""
    finished_indices: Sequence[int] = ()  # set per render: the top-level tables put in finished

    def fix_tables(self, xml: str) -> Any:
        """The rendered body parsed strictly, without docxtpl's fixing of table grids:
        :func:`~docgen.render.docx_tables.finish_tables` rebuilds every grid after rendering, from
        the cells' widths, so that work would be undone (0.2 s of the 250 tables of 附件3 at 1,000 projects).

        docxtpl parses with ``recover=True``, which would silently drop what a broken template
        made of the XML; here the document fails (:class:`CorruptDocumentError`).

        With :attr:`finished_tables`, every table rendered as in the memo's last render is put in
        finished; the tables put in are listed in :attr:`finished_indices`."""
        self.finished_indices = ()
        memo = self.finished_tables
        if memo is not None:
            substituted, replaced = memo.substitute(xml)
            if replaced:
                try:
                    tree = etree.fromstring(substituted, parser=_STRICT)
                except etree.XMLSyntaxError:
                    tree = None  # a kept table names a namespace this body does not declare
                if tree is not None and len(top_level_tables_of(tree)) == memo.tables_rendered:
                    self.finished_indices = replaced
                    return tree
                memo.forget_render()
        try:
            return etree.fromstring(xml, parser=_STRICT)
        except etree.XMLSyntaxError as exc:
            raise CorruptDocumentError(f"word/document.xml: {exc}") from exc

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Environment) -> str:
        """docxtpl's rendering of one part, without its rewriting of ``{_{`` into ``{{`` in the
        *output* (which would alter content text); one line per paragraph, as docxtpl numbers them.
        Form feeds and BELs, which docxtpl would also turn into breaks, never reach it (docx_text)."""
        self.current_rendering_part = part
        source = _PARAGRAPH_START.sub(r"\n<w:p\1", src_xml)
        key = f"{id(jinja_env)}:{source}"  # compiled for one environment (they live as long as the process)
        template = _COMPILED.remember(key, lambda: jinja_env.from_string(source))
        rendered = _PARAGRAPH_LINE.sub(r"<w:p\1", template.render(context))
        if "\n" in rendered or "\t" in rendered:  # docxtpl: a tab → <w:tab/>, a line feed → <w:br/>
            rendered = self.resolve_listing(rendered)
        return rendered

    def render_properties(self, context: dict[str, Any], jinja_env: Environment | None = None) -> None:
        """Core properties are not template text: docgen sets them from the build (docx_package)."""
        del context, jinja_env


@lru_cache(maxsize=8)
def docx_environment(template_dir: Path) -> Environment:
    """The Jinja environment of Word templates: the shared one, without the markup filters."""
    env = make_env(template_dir)
    for name in MARKUP_FILTERS:
        env.filters.pop(name, None)
    return env


_TEMPLATE_BYTES: dict[Path, tuple[tuple[int, int], bytes]] = {}


def template_bytes(path: Path) -> bytes:
    """The template file's bytes, read once per process while the file is unchanged."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _TEMPLATE_BYTES.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    data = path.read_bytes()
    _TEMPLATE_BYTES[path] = (key, data)
    return data


# ---------------------------------------------------------------------------- rendering


def render_docx(
    template: Path,
    context: Mapping[str, Any],
    properties: DocumentProperties,
    finished_tables: FinishedTables | None = None,
) -> bytes:
    """Render ``template`` with ``context`` (strings made XML-safe) into reproducible .docx bytes;
    ``finished_tables``: the document's kept tables, used and kept again (a large document)."""
    document = DocgenTemplate(io.BytesIO(template_bytes(template)))
    document.finished_tables = finished_tables
    document.render(xml_safe_tree(dict(context)), jinja_env=docx_environment(template.parent))
    finish_tables(document.docx.element.body, skip=document.finished_indices)
    if finished_tables is None:
        return save_reproducibly(document.docx, properties)

    def learn(members: Mapping[str, bytes]) -> None:
        finished_tables.learn(members.get(DOCUMENT_PART, b""))
        finished_tables.save()

    return save_reproducibly(document.docx, properties, written=learn)
