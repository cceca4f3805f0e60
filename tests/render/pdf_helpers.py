"""Helpers of the PDF tests: render the shipped content once, and read PDFs back as a reader would.

* :func:`rendered` renders an output of the shipped content (cached for the test session);
* :func:`read_table` reads a table back as a reader sees it: the words (``pdftotext -bbox``) are
  put into the cells the table's drawn borders enclose (the ruling lines of the page's content
  stream, through ``qpdf --json``), so that merged cells (rowspan, colspan), wrapped text and
  any alignment read right; a row is the cells whose top border is the same line;
* :func:`text_runs` reads every text-showing operator of a PDF (``qpdf --json``) with the font
  it uses and the glyph ids it draws, and maps them back to characters with the font's ToUnicode.

None of this uses docgen's own knowledge of what it rendered: it reads the PDF.
"""

from __future__ import annotations

import atexit
import base64
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from docgen.api import check
from docgen.diagnostics import Diagnostics
from docgen.project import ProjectPaths
from docgen.render import report
from docgen.render.context import RenderContext

REPO = Path(__file__).resolve().parents[2]
SOURCE_DATE_EPOCH = 1700000000  # 2023-11-14T22:13:20Z
XHTML = "{http://www.w3.org/1999/xhtml}"
PAGE_HEIGHT = 841.89  # pt, A4
TYPE_AREA_BOTTOM = PAGE_HEIGHT - 35 * 72 / 25.4  # the 公文 35 mm bottom margin; below it, the page number
TOLERANCE = 0.6  # pt: a border is 0.5 pt wide


# ---------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Rendered:
    path: Path
    diagnostics: Diagnostics


@cache
def _out_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="docgen-pdf-tests-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def shipped_context(root: Path = REPO) -> RenderContext:
    checked = check(ProjectPaths(root), templates=False)
    assert not checked.diagnostics.errors, [d.format() for d in checked.diagnostics.errors]
    return RenderContext(
        paths=checked.paths, content=checked.content, facts=checked.facts, source_date_epoch=SOURCE_DATE_EPOCH
    )


@cache
def rendered(output: str) -> Rendered:
    """Render ``output`` (a path of report.plan: "2023/evaluation-report.pdf") from the shipped content."""
    ctx = shipped_context()
    data = render_output(ctx, output)
    path = _out_dir() / output.replace("/", "-")
    path.write_bytes(data)
    return Rendered(path, ctx.diagnostics)


def render_output(ctx: RenderContext, output: str) -> bytes:
    """Render a PDF output as the build does: first what it reads (``after``: a book's sheets), then itself."""
    planned = {o.path: o for o in report.plan(ctx)}[output]
    built = {dep: rendered(dep).path.read_bytes() for dep in planned.after}
    render = getattr(report, planned.renderer.split(":")[1])
    ctx.built = built
    try:
        return bytes(render(ctx, *planned.args))
    finally:
        ctx.built = {}


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (pdftotext -layout), in page order."""
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


# ---------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def y_centre(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Cell:
    text: str
    words: tuple[Word, ...] = field(default=(), compare=False)


@cache
def words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its page (1-based) and box, in pdftotext's reading order."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout
    root = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
    result = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        for word in page.iter(f"{XHTML}word"):
            box = (float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            result.append(Word(number, *box, word.text or ""))
    return result


def find_caption(all_words: list[Word], caption: str, occurrence: int = 0) -> int:
    """The index of the last word of a caption (``表1-2 资金支持方向情况表``, over one or more lines).

    A caption is a run of consecutive words whose text is the caption (spaces ignored);
    ``occurrence``: which one (-1: the last, e.g. a heading that the table of contents repeats).
    """
    target = re.sub(r"\s", "", caption)
    found = []
    for i in range(len(all_words)):
        text, j = "", i
        while j < len(all_words) and len(text) < len(target) and target.startswith(text + all_words[j].text):
            text += all_words[j].text
            j += 1
        if text == target:
            found.append(j - 1)
    if not found:
        raise LookupError(f"no caption {caption!r} in the PDF")
    return found[occurrence]


@dataclass(frozen=True)
class Table:
    """A table read back from the PDF."""

    header: list[str]
    rows: list[list[Cell]]  # without the header, and without its repetitions
    pages: list[int]
    headers_seen: int  # the header row on each page the table spans, when it is repeated

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


@dataclass(frozen=True)
class Rule:
    """A ruling line of a page: a horizontal one at ``y`` from ``start`` to ``end`` (x), or vertical."""

    horizontal: bool
    at: float
    start: float
    end: float

    def spans(self, value: float) -> bool:
        return self.start - TOLERANCE <= value <= self.end + TOLERANCE


_PATH_TOKEN = re.compile(rb"(-?[\d.]+)|\b(q|Q|cm|m|l|S|re|f|BT|ET)\b")


@cache
def rules(pdf: Path) -> dict[int, list[Rule]]:
    """The straight lines each page strokes (table borders), in pdftotext's coordinates (pt, from the top)."""
    objects = qpdf_objects(pdf)
    pages = [objects[ref]["value"] for ref in page_refs(pdf)]
    result: dict[int, list[Rule]] = {}
    for number, page in enumerate(pages, start=1):
        height = float(page["/MediaBox"][3])
        contents = page["/Contents"]
        data = b"".join(_stream(objects, ref)[1] for ref in (contents if isinstance(contents, list) else [contents]))
        ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        stack: list[tuple[float, ...]] = []
        operands: list[float] = []
        current: tuple[float, float] | None = None
        segments: list[tuple[tuple[float, float], tuple[float, float]]] = []
        pending: list[tuple[tuple[float, float], tuple[float, float]]] = []
        in_text = False

        def apply(x: float, y: float, ctm: tuple[float, ...], height: float) -> tuple[float, float]:
            a, b, c, d, e, f = ctm
            return (a * x + c * y + e, height - (b * x + d * y + f))

        for match in _PATH_TOKEN.finditer(data):
            if match.group(1) is not None:
                operands.append(float(match.group(1)))
                continue
            op = match.group(2)
            if op == b"BT":
                in_text = True
            elif op == b"ET":
                in_text = False
            elif in_text:
                pass
            elif op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop() if stack else ctm
            elif op == b"cm" and len(operands) >= 6:
                a2, b2, c2, d2, e2, f2 = operands[-6:]
                a, b, c, d, e, f = ctm
                ctm = (
                    a2 * a + b2 * c,
                    a2 * b + b2 * d,
                    c2 * a + d2 * c,
                    c2 * b + d2 * d,
                    e2 * a + f2 * c + e,
                    e2 * b + f2 * d + f,
                )
            elif op == b"m" and len(operands) >= 2:
                current = apply(*operands[-2:], ctm, height)
            elif op == b"l" and len(operands) >= 2 and current is not None:
                point = apply(*operands[-2:], ctm, height)
                pending.append((current, point))
                current = point
            elif op == b"S":
                segments.extend(pending)
                pending = []
            elif op in (b"f", b"re"):
                pending = [] if op == b"f" else pending
            operands = []
        page_rules = []
        for (x1, y1), (x2, y2) in segments:
            if abs(y1 - y2) < TOLERANCE:
                page_rules.append(Rule(True, (y1 + y2) / 2, min(x1, x2), max(x1, x2)))
            elif abs(x1 - x2) < TOLERANCE:
                page_rules.append(Rule(False, (x1 + x2) / 2, min(y1, y2), max(y1, y2)))
        result[number] = page_rules
    return result


def _edge(candidates: list[float], value: float, before: bool) -> float | None:
    side = [c for c in candidates if (c <= value if before else c >= value)]
    if not side:
        return None
    return max(side) if before else min(side)


def read_table(pdf: Path, caption: str, end_marker: str | None, occurrence: int = 0) -> Table:
    """The table captioned ``caption``: its rows, each a list of cells, left to right.

    The table is what lies between the caption line and the first word after it that contains
    ``end_marker`` (the next element; None: the end of the document), by position on the page.
    A cell covered by a merged one (rowspan, colspan) reads as empty. The first row is the header.
    """
    all_words = words(pdf)
    start = find_caption(all_words, caption, occurrence)
    first = all_words[start]
    if end_marker is None:
        end = (all_words[-1].page + 1, 0.0)
    else:
        last = next(w for w in all_words[start + 1 :] if end_marker in w.text)
        end = (last.page, last.y0)
    body = [
        w
        for w in all_words
        if (first.page, first.y1) < (w.page, w.y0) < end and w.y0 < TYPE_AREA_BOTTOM and not w.text.startswith("单位：")
    ]
    rows: list[list[Cell]] = []
    header: list[str] | None = None
    headers_seen = 0
    pages = sorted({w.page for w in body})
    for page in pages:
        on_page = [w for w in body if w.page == page]
        page_rules = rules(pdf)[page]
        top_of_table = min(w.y0 for w in on_page) - 10
        bottom_of_table = max(w.y1 for w in on_page) + 10
        verticals = [r for r in page_rules if not r.horizontal and r.end > top_of_table and r.start < bottom_of_table]
        column_edges = sorted({round(r.at, 1) for r in verticals})
        cells: dict[tuple[float, float], list[Word]] = {}
        for word in on_page:
            cx, cy = (word.x0 + word.x1) / 2, word.y_centre
            left = _edge([r.at for r in verticals if r.spans(cy)], cx, before=True)
            top = _edge([r.at for r in page_rules if r.horizontal and r.spans(cx)], cy, before=True)
            assert left is not None and top is not None, f"{word} is outside the table's borders"
            cells.setdefault((round(top, 1), round(left, 1)), []).append(word)
        for row_top in sorted({top for top, _ in cells}):
            row = []
            for column_left in column_edges[:-1]:
                in_cell = sorted(cells.get((row_top, column_left), []), key=lambda w: (round(w.y0, 1), w.x0))
                row.append(Cell("".join(w.text for w in in_cell), tuple(in_cell)))
            texts = [c.text for c in row]
            if header is None:
                header = texts
            if texts == header:
                headers_seen += 1
                continue
            rows.append(row)
    assert header is not None, f"no table after {caption!r}"
    return Table(header, rows, pages, headers_seen)


# ---------------------------------------------------------------------------- glyphs


@dataclass(frozen=True)
class TextRun:
    """One text-showing operator: the font (BaseFont without subset tag) and what it draws."""

    font: str
    glyphs: tuple[int, ...]
    text: str  # through the font's ToUnicode; U+FFFD where a glyph has none


_CONTENT_TOKEN = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\bBT\b|\bET\b")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    text = cmap.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


@cache
def qpdf_objects(pdf: Path) -> dict[str, dict[str, object]]:
    """The PDF's objects as ``qpdf --json`` gives them, streams decoded."""
    out = run("qpdf", "--json", "--json-stream-data=inline", "--decode-level=generalized", str(pdf))
    objects: dict[str, dict[str, object]] = json.loads(out)["qpdf"][1]
    return {key.removeprefix("obj:"): value for key, value in objects.items() if key.startswith("obj:")}


def page_refs(pdf: Path) -> list[str]:
    """The page objects in page order (the page tree's, not the objects' order: a joined book differs)."""
    out = run("qpdf", "--json=2", "--json-key=pages", str(pdf))
    return [page["object"] for page in json.loads(out)["pages"]]


def _stream(objects: dict[str, dict[str, object]], ref: str) -> tuple[dict[str, object], bytes]:
    stream = objects[ref]["stream"]
    assert isinstance(stream, dict)
    return stream["dict"], base64.b64decode(stream.get("data", ""))


def base_font_name(base_font: str) -> str:
    """/ABCDEF+docgen-fangsong → docgen-fangsong (the subset tag dropped)."""
    return base_font.lstrip("/").split("+", 1)[-1]


def font_texts(pdf: Path) -> list[tuple[str, str]]:
    """The text runs with consecutive runs of one font joined: (font, a heading or a line …)."""
    merged: list[tuple[str, str]] = []
    for text_run in text_runs(pdf):
        if merged and merged[-1][0] == text_run.font:
            merged[-1] = (text_run.font, merged[-1][1] + text_run.text)
        else:
            merged.append((text_run.font, text_run.text))
    return merged


@cache
def text_runs(pdf: Path) -> list[TextRun]:
    """Every run of text the PDF draws (pages and form XObjects: the chart), with its font."""
    objects = qpdf_objects(pdf)

    def value(ref_or_value: object) -> object:
        if isinstance(ref_or_value, str) and ref_or_value.endswith(" R"):
            return objects[ref_or_value].get("value")
        return ref_or_value

    # Resource names are scoped to a page or form (a book joined from several PDFs reuses them):
    # each content stream reads the fonts of its own page or form.
    streams: list[tuple[list[str], dict[str, tuple[str, dict[int, str]]]]] = []
    for ref, entry in objects.items():
        if "stream" in entry:
            dictionary, _ = _stream(objects, ref)
            if dictionary.get("/Subtype") != "/Form":
                continue
            refs, holder = [ref], value(dictionary.get("/Resources"))
        else:
            data = entry.get("value")
            if not isinstance(data, dict) or data.get("/Type") != "/Page":
                continue
            contents = data["/Contents"]
            refs, holder = (contents if isinstance(contents, list) else [contents]), value(data.get("/Resources"))
        font_resources = value(holder.get("/Font")) if isinstance(holder, dict) else None
        fonts: dict[str, tuple[str, dict[int, str]]] = {}  # resource name → (BaseFont, ToUnicode)
        for name, font_ref in (font_resources or {}).items():
            font = value(font_ref)
            assert isinstance(font, dict) and font.get("/Type") == "/Font", font
            _, cmap = _stream(objects, str(font["/ToUnicode"]))
            fonts[name] = (base_font_name(str(font["/BaseFont"])), _to_unicode(cmap))
        streams.append((refs, fonts))
    runs: list[TextRun] = []
    for refs, fonts in streams:
        data = b"\n".join(_stream(objects, ref)[1] for ref in refs)
        current: str | None = None
        in_text = False
        for match in _CONTENT_TOKEN.finditer(data):
            token = match.group(0)
            if token == b"BT":
                in_text = True
            elif token == b"ET":
                in_text = False
            elif match.group(1) is not None:
                current = "/" + match.group(1).decode()
            elif in_text and match.group(2) is not None and current is not None:
                raw = bytes.fromhex(match.group(2).decode())
                glyphs = tuple(int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2))
                base, unicode = fonts[current]
                runs.append(TextRun(base, glyphs, "".join(unicode.get(g, "\ufffd") for g in glyphs)))
    return runs
