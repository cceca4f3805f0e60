"""A book (合订本) of PDFs: front matter and sheets joined into one PDF, with page numbers, links and bookmarks.

The year's 绩效目标表 book holds every project's sheet. Laying all of them out in one
WeasyPrint document costs ~0.15 s a sheet and ~3 MB of memory a page, and one project's edit
would lay out the whole year again. Instead each sheet is its own PDF (an output the build
keeps and reuses), and the book joins them with pikepdf (qpdf):

* the front matter (cover, contents, note) is a small WeasyPrint document whose contents name
  their pages, computed here from the sheets' page counts;
* the body pages are the sheets' pages, numbered “— N —” as GB/T 9704 wants (odd numbers at
  the right, even at the left). The numbers are stamped from a :class:`PageNumberStamp`: a
  specimen page WeasyPrint rendered with the print stylesheet's own footer, whose text drawing is
  reused with other digits, so the numbers look exactly like those of the reports (same font,
  size and place) and extract as text;
* the contents lines are links to their sheets (WeasyPrint writes them as ``docgen-page:N``
  URIs, rewritten here as destinations in the book) and every sheet is a bookmark;
* every page keeps the margins of the side it falls on (GB/T 9704's 订口 on the binding side):
  a sheet laid out alone starts on a right-hand page and every front page is laid out as one,
  and the pages that fall on the other side in the book are moved by the difference of the two
  sides' type areas (−2 mm), which the specimen's two pages measure;
* page labels make the viewer's page box show the printed numbers;
* the fonts are shared: every sheet embeds its own subset of each role font (~100 KB each, a
  65 MB book for 250 sheets), so the book re-subsets each role's face once, to the glyphs all
  its parts use (HarfBuzz, through uharfbuzz, with the flags WeasyPrint uses), and points every
  part's font at it. WeasyPrint keeps the face's glyph ids when it subsets, so the parts' glyph
  codes, widths and ToUnicode maps stay valid. The front pages, which only the book reads, are
  written without programs (:data:`FONT_PROGRAM_LEFT_OUT`): subsetting each face for each page
  was ~40 % of writing it.

Same input, same bytes: qpdf writes deterministically and the document ID is derived from the
content.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
import re
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

import pikepdf

from docgen.cache_home import write_entry

PAGE_LINK_SCHEME = "docgen-page:"
"""Front-matter links to a body page: ``docgen-page:12`` is the page printed “— 12 —”."""

SPECIMEN_NUMBERS = (1234567890, 1234567891)
"""The page numbers of the specimen's two pages: every digit, once at the right and once at the left."""


FONT_PROGRAM_LEFT_OUT = b"docgen: the book embeds this font's program"
"""What a part's font embeds in place of its program (after the face's first four bytes) when
the part was written for a book (:func:`docgen.render.pdf.font_programs_left_out`): the book
always replaces it."""

_LEFT_OUT_LONGEST = 4 * (4 + len(FONT_PROGRAM_LEFT_OUT))
"""The longest the placeholder's stream can be, compressed or not (Flate never grows it fourfold)."""

FaceSource = Callable[[str], bytes | None]
"""The whole face of a font family the parts use (``docgen-songti`` → its font program); None: leave it."""


class BookError(Exception):
    """The parts cannot make a book (a specimen without a page number, an unreadable sheet)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """A part of the book's body: a PDF and the bookmark that leads to its first page."""

    title: str
    data: bytes
    sha256: str = ""  # of ``data``, when known (the build knows every output's): hashed when not


def first_pages(sheets: Sequence[int]) -> list[int]:
    """The printed number of each sheet's first page, the body starting at 1: [2, 1, 3] → [1, 3, 4]."""
    starts, number = [], 1
    for pages in sheets:
        starts.append(number)
        number += pages
    return starts


# ---------------------------------------------------------------------------- page numbers


@dataclass(frozen=True, slots=True)
class _Footer:
    """How the specimen draws the page number of one side of the book."""

    operations: list[pikepdf.ContentStreamInstruction]
    text_matrix_index: int  # the position of the Tm operator in ``operations``
    text_index: int  # the position of the TJ/Tj operator
    start: Decimal  # the x of the text's start (Tm's e)
    width: Decimal  # the specimen text's advance, in the same units
    right_aligned: bool


class PageNumberStamp:
    """Draws “— N —” on a page as the specimen page of that side (odd: right, even: left) draws it.

    A stamp serves one book: the specimen's resources (its font) are copied into it once per side.
    """

    def __init__(self, specimen: bytes) -> None:
        self._pdf = pikepdf.open(io.BytesIO(specimen))
        if len(self._pdf.pages) < 2:
            raise BookError("the page-number specimen must have two pages (a right and a left one)")
        self._codes: dict[str, bytes] = {}
        self._widths: dict[int, Decimal] = {}
        self._size = Decimal(0)
        self._resources: dict[int, pikepdf.Object] = {}  # side → the specimen page's resources, copied into the book
        self._footers = [self._footer(self._pdf.pages[i], SPECIMEN_NUMBERS[i], right=i == 0) for i in (0, 1)]

    def _footer(self, page: pikepdf.Page, number: int, *, right: bool) -> _Footer:
        operations = [
            op for op in pikepdf.parse_content_stream(page) if isinstance(op, pikepdf.ContentStreamInstruction)
        ]
        text = f"— {number} —"
        matrix_index = text_index = -1
        font: pikepdf.Object | None = None
        for index, operation in enumerate(operations):
            name, operands = str(operation.operator), operation.operands
            if name == "Tm":
                matrix_index = index
            elif name == "Tf":
                font = page.Resources.Font[str(operands[0])]
                self._size = Decimal(str(operands[1]))
            elif name in ("TJ", "Tj") and matrix_index >= 0:
                text_index = index
        if matrix_index < 0 or text_index < 0 or font is None:
            raise BookError("the page-number specimen draws no page number (print.css has no @bottom footer?)")
        codes = _glyph_codes(operations[text_index].operands)
        if len(codes) != len(text):
            raise BookError(f"the specimen's page number is {len(codes)} glyphs for {len(text)} characters")
        self._codes.update(zip(text, codes, strict=True))
        self._widths.update(_cid_widths(font))
        start = Decimal(str(operations[matrix_index].operands[4]))
        return _Footer(operations, matrix_index, text_index, start, self._advance(codes), right)

    def _advance(self, codes: Sequence[bytes]) -> Decimal:
        return sum((self._widths.get(int.from_bytes(c, "big"), Decimal(1000)) for c in codes), Decimal(0)) * (
            self._size / 1000
        )

    def form(self, book: pikepdf.Pdf, number: int) -> pikepdf.Object:
        """A form XObject of ``book`` drawing page number ``number`` on a page of the specimen's size."""
        side = 0 if number % 2 else 1
        footer = self._footers[side]
        try:
            codes = [self._codes[ch] for ch in f"— {number} —"]
        except KeyError as exc:  # pragma: no cover - SPECIMEN_NUMBERS hold every digit
            raise BookError(f"the specimen has no glyph for {exc}") from exc
        operations = list(footer.operations)
        matrix: list[Any] = list(operations[footer.text_matrix_index].operands)
        if footer.right_aligned:
            matrix[4] = footer.start + footer.width - self._advance(codes)
        operations[footer.text_matrix_index] = pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("Tm"))
        operations[footer.text_index] = pikepdf.ContentStreamInstruction(
            [pikepdf.String(b"".join(codes))], pikepdf.Operator("Tj")
        )
        page = self._pdf.pages[side]
        if side not in self._resources:
            self._resources[side] = book.make_indirect(book.copy_foreign(page.Resources))
        return book.make_stream(
            pikepdf.unparse_content_stream(operations),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=pikepdf.Array(page.mediabox),  # the specimen's numbers, not its array (pikepdf ≥ 10.18 refuses those)
            Resources=self._resources[side],
        )

    def close(self) -> None:
        self._pdf.close()


def _glyph_codes(operands: Iterable[object]) -> list[bytes]:
    """The 2-byte glyph codes (Identity-H) a TJ or Tj operator shows."""
    data = b""
    for operand in operands:
        items = operand if isinstance(operand, pikepdf.Array) else [operand]
        data += b"".join(bytes(item) for item in items if isinstance(item, pikepdf.String))
    return [data[i : i + 2] for i in range(0, len(data), 2)]


_W_TOKEN = re.compile(rb"\[|\]|R|[-+]?(?:\d+\.?\d*|\.\d+)")


def _width_runs(font: pikepdf.Object) -> Iterator[tuple[range, Sequence[bytes]]]:
    """The runs of a Type0 font's /W array (its descendant's): CIDs and their widths (as written),
    whether written ``c [w1 w2 …]`` or ``c_first c_last w``.

    Read from the array's PDF text in one call (walking it object by object through pikepdf cost
    0.15 s for the ~800 fonts of a book of 250 sheets); an array that refers to other objects
    (WeasyPrint writes none) is walked.
    """
    array = font.DescendantFonts[0].get("/W")
    if array is None:
        return
    tokens = _W_TOKEN.findall(array.unparse())
    if b"R" in tokens:
        tokens = [b"[", *_walked_tokens(array), b"]"]
    index, end = 1, len(tokens) - 1  # inside the outer brackets
    while index < end:
        first = int(tokens[index])
        if tokens[index + 1] == b"[":
            close = tokens.index(b"]", index + 2)
            widths = tokens[index + 2 : close]
            yield range(first, first + len(widths)), widths
            index = close + 1
        else:
            cids = range(first, int(tokens[index + 1]) + 1)
            yield cids, (tokens[index + 2],) * len(cids)
            index += 3


def _walked_tokens(array: pikepdf.Object) -> Iterator[bytes]:
    for item in array:
        if isinstance(item, pikepdf.Array):
            yield b"["
            yield from (str(width).encode() for width in item)
            yield b"]"
        else:
            yield str(item).encode()


def _cids(font: pikepdf.Object) -> set[int]:
    """The CIDs (glyph ids: WeasyPrint writes Identity) a Type0 font gives widths for."""
    return {cid for cids, _widths in _width_runs(font) for cid in cids}


def _cid_widths(font: pikepdf.Object) -> dict[int, Decimal]:
    """The advance widths (1/1000 em) of a Type0 font's CIDs."""
    return {
        cid: Decimal(width.decode())
        for cids, widths in _width_runs(font)
        for cid, width in zip(cids, widths, strict=True)
    }


# ---------------------------------------------------------------------------- the book


class SheetBook:
    """The sheets of a book, each opened once: their first pages' numbers, then the book joined from them.

    ``with SheetBook(sheets) as sheets_: contents from sheets_.first_pages; sheets_.join(front, ...)``.
    """

    def __init__(self, sheets: Sequence[Sheet], glyphs: GlyphMemo | None = None) -> None:
        self.sheets = list(sheets)
        self._parts = [pikepdf.open(io.BytesIO(sheet.data)) for sheet in self.sheets]
        self._glyphs = glyphs if glyphs is not None else GlyphMemo(None)

    def __enter__(self) -> SheetBook:
        return self

    def __exit__(self, *_: object) -> None:
        for part in self._parts:
            part.close()

    @property
    def first_pages(self) -> list[int]:
        """The number each sheet's first page will print (the body counts from 1)."""
        return first_pages([len(part.pages) for part in self._parts])

    def join(
        self,
        front: Sequence[bytes],
        specimen: bytes,
        faces: FaceSource | None = None,
        *,
        mirror: Decimal | None = None,
        subsets: SubsetMemo | None = None,
    ) -> bytes:
        """The book: the ``front`` documents' pages (unnumbered; the first gives the book's metadata),
        then every sheet's pages numbered from 1, with links and bookmarks.

        A blank page after the front matter when it has an odd number of pages, so that page 1 is
        a right-hand page, as the reports' body starts. ``mirror`` is how far the type area of a
        left-hand page is to the right of a right-hand page's (GB/T 9704: 订口 28 mm, 翻口 26 mm,
        so −2 mm): a sheet laid out alone starts on a right-hand page, and one that starts on a
        left-hand page in the book is moved by it, each of its pages to the side it falls on. Every
        front page is laid out as a right-hand page (targets.css: a page of contents is the same
        PDF whichever document laid it out) and moved when it falls on a left-hand page.
        ``subsets`` keeps the fonts' subsets between joins (:class:`SubsetMemo`).
        """
        stamp = PageNumberStamp(specimen)
        fronts = [pikepdf.open(io.BytesIO(data)) for data in front[1:]]
        try:
            with pikepdf.open(io.BytesIO(front[0])) as book:
                # each page's place in the document it comes from; a front page is laid out as a
                # right-hand page wherever it stands in its document (targets.css)
                alone = [0] * len(book.pages)
                for part in fronts:
                    alone += [0] * len(part.pages)
                    book.pages.extend(part.pages)
                front_pages = len(book.pages)
                if front_pages % 2:
                    box = book.pages[-1].mediabox
                    book.add_blank_page(page_size=(float(box[2]), float(box[3])))
                    alone.append(0)  # blank: nothing to move
                    front_pages += 1
                firsts = []
                known: list[tuple[range, Mapping[str, Collection[int]]]] = []
                for sheet, part in zip(self.sheets, self._parts, strict=True):
                    firsts.append(len(book.pages))
                    known.append(
                        (range(len(book.pages), len(book.pages) + len(part.pages)), self._glyphs.of(sheet, part))
                    )
                    alone += range(len(part.pages))
                    book.pages.extend(part.pages)
                self._glyphs.save()
                if mirror:
                    for index, place in enumerate(alone):
                        alone_right = place % 2 == 0  # a document starts on a right-hand page
                        if alone_right != (index % 2 == 0):  # the book's first page is a right-hand page
                            _move(book, book.pages[index], mirror if alone_right else -mirror)
                for index in range(front_pages, len(book.pages)):
                    number = index - front_pages + 1
                    name = pikepdf.Name(f"/DocgenPageNumber{number}")
                    _overlay(book, book.pages[index], stamp.form(book, number), name)
                if faces is not None:
                    share_fonts(book, faces, known, subsets)
                    if subsets is not None:
                        subsets.save()
                _resolve_page_links(book, front_pages)
                _bookmarks(book, [(sheet.title, first) for sheet, first in zip(self.sheets, firsts, strict=True)])
                book.Root.PageLabels = pikepdf.Dictionary(
                    Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.r), front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]
                )
                out = io.BytesIO()
                book.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
                return out.getvalue()
        finally:
            stamp.close()
            for part in fronts:
                part.close()


def share_fonts(
    book: pikepdf.Pdf,
    faces: FaceSource,
    known: Sequence[tuple[range, Mapping[str, Collection[int]]]] = (),
    subsets: SubsetMemo | None = None,
) -> None:
    """One embedded program per font family: the family's face subset to every glyph the book uses.

    ``known``: the glyphs of the fonts of some pages (a sheet's pages, as :func:`glyphs_of` read
    them from the sheet alone), so that their fonts' widths need not be read again. ``subsets``:
    the subsets the last join made, taken when a family's face and glyphs are the same."""
    descriptors: dict[str, list[pikepdf.Object]] = {}
    glyphs: dict[str, set[int]] = {}
    for _pages, part in known:
        for family, ids in part.items():
            glyphs.setdefault(family, set()).update(ids)
    known_pages = {index for pages, _part in known for index in pages}
    seen: set[tuple[int, int]] = set()
    for index, page in enumerate(book.pages):
        for family, font, descriptor, in_form in _embedded_fonts(page, seen):
            descriptors.setdefault(family, []).append(descriptor)
            if index not in known_pages or in_form:  # a form: the page number stamped on the sheet
                glyphs.setdefault(family, set()).update(_cids(font))
    for family, group in sorted(descriptors.items()):
        left_out = any(_program_left_out(descriptor) for descriptor in group)
        if len(group) < 2 and not left_out:
            continue  # one font, with its own program: nothing to share
        program = subsets.get(family, glyphs[family]) if subsets is not None else None
        if program is None:
            face = faces(family)
            if face is None:
                if left_out:
                    raise BookError(f"a part of the book embeds no program of {family}, and there is no face to embed")
                continue
            program = _subset(face, glyphs[family])
            if subsets is not None:
                subsets.put(family, glyphs[family], program)
        key = "/FontFile3" if "/FontFile3" in group[0] else "/FontFile2"
        extra = {"/Subtype": group[0][key].Subtype} if key == "/FontFile3" else {"/Length1": len(program)}
        shared = book.make_stream(program, extra)
        for descriptor in group:
            descriptor[key] = shared


def _program_left_out(descriptor: pikepdf.Object) -> bool:
    """Whether the font of ``descriptor`` embeds the placeholder :data:`FONT_PROGRAM_LEFT_OUT` (read
    only from a stream too short to be a program)."""
    program = descriptor.get("/FontFile3", descriptor.get("/FontFile2"))
    if program is None or int(program.get("/Length", 0)) > _LEFT_OUT_LONGEST:
        return False
    return bytes(program.read_bytes()).endswith(FONT_PROGRAM_LEFT_OUT)


Glyphs = dict[str, set[int]]
"""The glyph ids a PDF's embedded fonts use, by font family."""


def glyphs_of(pdf: pikepdf.Pdf) -> Glyphs:
    """The glyphs of every embedded font of ``pdf`` whose face :func:`share_fonts` may share."""
    glyphs: Glyphs = {}
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for family, font, _descriptor, _in_form in _embedded_fonts(page, seen):
            glyphs.setdefault(family, set()).update(_cids(font))
    return glyphs


def _embedded_fonts(
    page: pikepdf.Page, seen: set[tuple[int, int]]
) -> Iterator[tuple[str, pikepdf.Object, pikepdf.Object, bool]]:
    """The page's Type0 fonts with an embedded program and a family, not in ``seen`` (which they join):
    (family, font, descriptor, whether a form the page draws holds it)."""
    for place, holder in enumerate(_resource_holders(page)):
        for font in holder.get("/Font", {}).values():
            if font.objgen in seen or font.get("/Subtype") != pikepdf.Name.Type0:
                continue
            seen.add(font.objgen)
            descriptor = font.DescendantFonts[0].get("/FontDescriptor")
            if descriptor is None or ("/FontFile3" not in descriptor and "/FontFile2" not in descriptor):
                continue
            family = str(descriptor.get("/FontFamily", ""))
            if family:
                yield family, font, descriptor, place > 0


def _resource_holders(page: pikepdf.Page) -> Iterable[pikepdf.Object]:
    """The page's resources and those of the forms it draws (the page numbers)."""
    resources = page.obj.get("/Resources")
    if resources is None:
        return []
    holders = [resources]
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == pikepdf.Name.Form and "/Resources" in xobject:
            holders.append(xobject.Resources)
    return holders


_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
"""The tables WeasyPrint drops when it subsets (a PDF does not use them)."""


def _subset(face: bytes, glyph_ids: set[int]) -> bytes:
    """``face`` with only ``glyph_ids`` (and .notdef), every glyph keeping its id."""
    import uharfbuzz as hb  # type: ignore[import-untyped]

    subset_input = hb.SubsetInput()
    subset_input.glyph_set.update({0, *glyph_ids})
    subset_input.drop_table_tag_set.update({int.from_bytes(tag.encode("ascii"), "big") for tag in _DROPPED_TABLES})
    subset_input.flags = (
        hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    )
    result = hb.subset(hb.Face(face), subset_input)
    if result is None:
        raise BookError("HarfBuzz could not subset a font of the book")
    return bytes(result.blob.data)


def _move(book: pikepdf.Pdf, page: pikepdf.Page, dx: Decimal) -> None:
    """Move what ``page`` draws, and its links, ``dx`` points to the right."""
    page.contents_add(book.make_stream(f"q 1 0 0 1 {dx:.3f} 0 cm\n".encode()), prepend=True)
    page.contents_add(book.make_stream(b"\nQ\n"))
    for annotation in page.obj.get("/Annots", []):
        rect = [Decimal(str(value)) for value in annotation.Rect]
        annotation.Rect = pikepdf.Array([rect[0] + dx, rect[1], rect[2] + dx, rect[3]])


def _overlay(book: pikepdf.Pdf, page: pikepdf.Page, form: pikepdf.Object, name: pikepdf.Name) -> None:
    """Draw ``form`` over ``page`` as resource ``name``.

    Not pikepdf's add_overlay: it names the resource at random (not reproducible). The name is
    the page's own: the pages of one sheet share one resource dictionary.
    """
    page.add_resource(form, pikepdf.Name.XObject, name)
    page.contents_add(book.make_stream(b"q\n"), prepend=True)
    page.contents_add(book.make_stream(b"\nQ\nq " + bytes(name.unparse()) + b" Do Q\n"))


def _resolve_page_links(book: pikepdf.Pdf, front_pages: int) -> None:
    """``docgen-page:N`` links of the front matter → go to the page printed N."""
    for page in book.pages[:front_pages]:
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith(PAGE_LINK_SCHEME):
                continue
            target = front_pages + int(uri[len(PAGE_LINK_SCHEME) :]) - 1
            del annotation.A
            annotation.Dest = pikepdf.Array([book.pages[target].obj, pikepdf.Name.Fit])


def _bookmarks(book: pikepdf.Pdf, entries: Sequence[tuple[str, int]]) -> None:
    """The outline: one bookmark per sheet (WeasyPrint's outline of the front matter is replaced)."""
    if "/Outlines" in book.Root:
        del book.Root.Outlines
    with book.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(title, index) for title, index in entries)


V = TypeVar("V")


class _LastJoin(Generic[V]):
    """Values a book's join keeps between builds under string keys, in ``file`` (the user's cache
    folder, named by docgen's code and libraries; None: kept nowhere), for its last join only: the
    values it used (:meth:`used`) are what :meth:`save` keeps, so the file does not grow with edits."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._kept: dict[str, V] | None = None
        self._used: dict[str, V] = {}

    def kept(self, key: str) -> V | None:
        """The value the last join kept under ``key`` (now used again), or None."""
        value = self._load().get(key)
        if value is not None:
            self._used[key] = value
        return value

    def used(self, key: str, value: V) -> None:
        self._used[key] = value

    def save(self) -> None:
        if self.file is not None and self._used.keys() != self._load().keys():
            write_entry(self.file, pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL))

    def _valid(self, value: object) -> bool:
        """Whether a value read back from the file is one this memo keeps (the file may be damaged)."""
        raise NotImplementedError

    def _load(self) -> dict[str, V]:
        if self._kept is None:
            self._kept = {}
            if self.file is not None:
                with contextlib.suppress(Exception):  # none yet, or damaged: made again
                    kept = pickle.loads(self.file.read_bytes())
                    if isinstance(kept, dict):
                        self._kept = {k: v for k, v in kept.items() if isinstance(k, str) and self._valid(v)}
        return self._kept


class GlyphMemo(_LastJoin[dict[str, bytes]]):
    """The glyphs of each sheet (:func:`glyphs_of`), kept between builds by the sheet's sha256.

    Reading them from the fonts' widths is ~0.1 s of a book of 250 sheets; an edit changes one
    sheet. Kept as each family's sorted glyph ids packed in 32-bit integers (~10 ms to read), for
    the sheets of the book's last join only.
    """

    def of(self, sheet: Sheet, part: pikepdf.Pdf) -> Mapping[str, Collection[int]]:
        """The sheet's glyphs by family: kept, or read from ``part`` (the sheet opened)."""
        key = sheet.sha256 or hashlib.sha256(sheet.data).hexdigest()
        packed = self.kept(key)
        if packed is None:
            packed = {family: array("I", sorted(ids)).tobytes() for family, ids in glyphs_of(part).items()}
            self.used(key, packed)
        return {family: array("I", data) for family, data in packed.items()}

    def _valid(self, value: object) -> bool:
        return isinstance(value, dict) and all(isinstance(v, bytes) for v in value.values())


class SubsetMemo(_LastJoin[bytes]):
    """The fonts' subsets of a book's last join, kept between builds (~0.09 s a join: reading the
    five faces, ~80 MB, and subsetting them): an edit that brings no new character to the book
    makes the same subsets.

    A subset is kept under its family's face (``face_key``: which file, as the fonts are found;
    None: not a face to keep) and its glyph ids.
    """

    def __init__(self, file: Path | None, face_key: Callable[[str], str | None]) -> None:
        super().__init__(file)
        self.face_key = face_key

    def get(self, family: str, glyph_ids: Collection[int]) -> bytes | None:
        """The subset of ``family``'s face to ``glyph_ids`` the last join made, or None."""
        key = self._key(family, glyph_ids)
        return None if key is None else self.kept(key)

    def put(self, family: str, glyph_ids: Collection[int], program: bytes) -> None:
        key = self._key(family, glyph_ids)
        if key is not None:
            self.used(key, program)

    def _key(self, family: str, glyph_ids: Collection[int]) -> str | None:
        face = self.face_key(family)
        if face is None:
            return None
        digest = hashlib.sha256(f"{family}\0{face}\0".encode("utf-8", "surrogatepass"))
        digest.update(array("I", sorted(glyph_ids)).tobytes())
        return digest.hexdigest()

    def _valid(self, value: object) -> bool:
        return isinstance(value, bytes)
