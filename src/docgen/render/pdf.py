"""HTML to PDF with WeasyPrint: one font configuration per process, every URL through the fetcher.

The print setup (the role fonts fontconfig resolved, their ``@font-face`` stylesheet and one
``FontConfiguration``) is made once per process: a new ``FontConfiguration`` per document
reloads the CJK collections (~26 MB each) and lets memory saw-tooth to 650 MB
(performance.md §0.3). It fails with :class:`~docgen.render.fonts.FontSetupError` when a role
has no font or WeasyPrint cannot subset with HarfBuzz (7 s more per PDF).

The build imports this module to plan (:func:`plan`) and asks each worker for
:func:`font_config` once: WeasyPrint, fontTools and pygal are imported only when a PDF is
rendered.

The document has no base URL: relative URLs (a Markdown image or link in content) resolve to
nothing and never to a file of the build machine, and the templates name their assets by
absolute URL (:func:`asset_url`). Reproducible: the same HTML gives the same bytes
(``dcterms.created`` comes from SOURCE_DATE_EPOCH, fonts are subset by HarfBuzz, no PDF
identifier).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.cache_home import cache_home, write_entry
from docgen.process_exit import at_exit
from docgen.render.fonts import (
    FontSetupError,
    ResolvedFont,
    face_bytes,
    face_file,
    font_face_css,
    resolved_fonts,
    restore_extracted_faces,
)
from docgen.render.native import import_weasyprint

if TYPE_CHECKING:
    from docgen.render.context import Output, RenderContext
    from docgen.render.fetcher import FontSource, Refusal

GENERATED_SCHEME = "docgen"  # the URLs of generated resources: docgen:charts/directions.svg
FONTS_STYLESHEET = "fonts.css"
"""The generated stylesheet of the role fonts (``docgen:fonts.css``)."""


@dataclass(frozen=True, slots=True)
class Generated:
    """A resource made in memory for one document (a chart, the fonts stylesheet)."""

    data: bytes
    media_type: str


AnchorBox = tuple[float, float, float, float]
"""Where an anchor's element is on its page: (x1, y1, x2, y2), its border box in CSS px from the top left."""


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """A rendered PDF and what the renderer noticed on the way."""

    data: bytes
    pages: int
    refused: tuple[Refusal, ...]  # URLs the fetcher would not serve
    warnings: tuple[str, ...]  # WeasyPrint's warnings (an unsupported CSS property …)
    # Each page laid out: its anchors (ids) and where their elements are.
    anchors: tuple[dict[str, AnchorBox], ...] = ()


@dataclass(frozen=True, slots=True)
class PrintSetup:
    """What every PDF of a process shares: the role fonts and one FontConfiguration."""

    fonts: dict[str, ResolvedFont]
    fonts_css: bytes
    font_config: Any  # weasyprint.text.fonts.FontConfiguration

    def font_sources(self) -> list[FontSource]:
        from docgen.render.fetcher import FontSource

        return [
            FontSource(font.path, font.index if font.is_collection else None, partial(face_bytes, font))
            for font in self.fonts.values()
        ]


@cache
def print_setup() -> PrintSetup:
    """The process's print setup, made on first use (raises FontSetupError when fonts are missing)."""
    import_weasyprint()
    from docgen.render.font_config import RoleFontConfiguration
    from docgen.render.leaders import install as one_run_of_dots_a_leader

    one_run_of_dots_a_leader()
    fonts = resolved_fonts()
    faces = {font.url: face_file(font) for font in fonts.values()}
    config = RoleFontConfiguration({url: file for url, file in faces.items() if file is not None})
    at_exit(partial(_remove_face_copies, config))
    return PrintSetup(fonts, font_face_css(fonts).encode(), config)


def _remove_face_copies(config: Any) -> None:
    """Remove the folder WeasyPrint registered the fonts from (links, or copies of ~86 MB), as its
    ``__del__`` would."""
    folder = getattr(config, "_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None  # its __del__, at the interpreter's teardown, would find rmtree gone


def role_face(family: str) -> bytes | None:
    """The whole face of a role font by its CSS family (``docgen-songti``), as the PDFs embed it; None if not a role."""
    font = _role_font(family)
    return face_bytes(font) if font is not None else None


def role_face_key(family: str) -> str | None:
    """Which face :func:`role_face` gives for ``family``, without reading it: its file (path, face
    index, size, modification time); None if not a role."""
    font = _role_font(family)
    if font is None:
        return None
    stat = font.path.stat()
    return f"{font.path}|{font.index}|{stat.st_size}|{stat.st_mtime_ns}"


def _role_font(family: str) -> ResolvedFont | None:
    """The font of the role whose CSS family is ``family`` on this machine; None if not a role."""
    from docgen.render.fonts import ROLES

    fonts = print_setup().fonts
    return next((fonts[role.key] for role in ROLES if role.css_family == family and role.key in fonts), None)


def role_families() -> frozenset[str]:
    """The CSS families of the role fonts this machine has (those :func:`role_face` gives a face for)."""
    from docgen.render.fonts import ROLES

    fonts = print_setup().fonts
    return frozenset(role.css_family for role in ROLES if role.key in fonts)


@contextmanager
def font_programs_left_out(families: Collection[str]) -> Iterator[None]:
    """Write PDFs (here, in this thread) whose fonts of ``families`` embed no program, only a placeholder.

    For the pages that only a book reads (its front matter): the book embeds one program per
    family, subset to every glyph of the book (:func:`docgen.render.pdf_book.share_fonts`), in
    place of each part's. WeasyPrint subsets every font of every PDF it writes (HarfBuzz, twice per
    font, on the whole CJK face): ~0.05 s a page, ~40 % of writing a page of contents, and the
    program it makes would be thrown away. The widths (/W) and ToUnicode maps, which the book keeps,
    are written as usual; the placeholder keeps the face's first four bytes, so that the font's PDF
    type (TrueType or OpenType) is the same. A WeasyPrint without the method this replaces (its
    ``Font.clean``) writes as usual.
    """
    import_weasyprint()
    from weasyprint.pdf import fonts

    from docgen.render.pdf_book import FONT_PROGRAM_LEFT_OUT

    clean = getattr(fonts.Font, "clean", None)
    if clean is None:  # pragma: no cover - another WeasyPrint: subset as it does
        yield
        return

    def left_out(font: Any, *args: Any, **kwargs: Any) -> None:
        if font.family in families and not font.bitmap and not font.used_in_forms:
            font.file_content = font.file_content[:4] + FONT_PROGRAM_LEFT_OUT
        else:
            clean(font, *args, **kwargs)

    fonts.Font.clean = left_out
    try:
        yield
    finally:
        fonts.Font.clean = clean


def font_config() -> Any:
    """The process's one WeasyPrint FontConfiguration (the build warms each worker with it).

    None when the machine lacks a role font or HarfBuzz subsetting: rendering a PDF then fails
    with the :class:`~docgen.render.fonts.FontSetupError` that says what to install.
    """
    try:
        return print_setup().font_config
    except FontSetupError:
        return None


def warm_up() -> None:
    """Pay now what a process's first PDF would: the render functions' modules, WeasyPrint, the font
    configuration and the role faces registered in it (WeasyPrint registers every ``@font-face`` of a
    document's stylesheets, ~0.5 s)."""
    import docgen.render.report  # noqa: F401  (the PDFs' render functions, and what they import)

    if font_config() is None:
        return  # no role fonts: the first PDF reports what to install
    render_pdf(f'<link rel="stylesheet" href="{generated_url(FONTS_STYLESHEET)}"><p>docgen</p>', [])


_HINTS = "hints.pickle"


class KeptPdfs:
    """PDFs kept in the user's cache folder for one ``slot`` (a document laid out piece by piece).

    For documents laid out again and again with mostly the same text: the year's book lays out
    its front matter one contents page per document (:mod:`docgen.render.front_matter`) and most
    edits change none of them or one. A kept PDF is used only when everything it was made from
    is the same: the HTML (which holds the build date), how it was written (whole, or its first
    page alone), every file under ``asset_roots``, the role fonts (path, size, modification
    time) and their stylesheet, Pango's version, and docgen's code and rendering libraries as the build's
    fingerprints take them (:func:`docgen.build.inputs.code_digest`). :meth:`close` removes
    the slot's PDFs this run did not use, so that the cache does not grow with edits;
    ``DOCGEN_CACHE_DIR=off`` renders every time.
    """

    def __init__(self, slot: str, asset_roots: Sequence[Path]) -> None:
        home = cache_home()
        self.asset_roots = list(asset_roots)
        self.folder = None if home is None else home / "pdf" / hashlib.sha256(slot.encode()).hexdigest()
        self._environment: bytes | None = None
        self._used: set[str] = set()

    def render(self, html: str) -> RenderedPdf:
        """:func:`render_pdf` of ``html``, or the PDF kept from a run that rendered the same."""
        kept = self.get(html)
        if kept is not None:
            return kept
        result = render_pdf(html, self.asset_roots)
        self.put(html, result)
        return result

    def get(self, html: str, *, page: bool = False) -> RenderedPdf | None:
        """The PDF kept for ``html`` (``page``: its first page written alone), or None."""
        entry = self._entry(html, page)
        if entry is None:
            return None
        try:
            kept = pickle.loads(entry.read_bytes())
        except Exception:  # no entry, or a damaged one: render
            return None
        return kept if isinstance(kept, RenderedPdf) else None

    def put(self, html: str, result: RenderedPdf, *, page: bool = False) -> None:
        """Keep ``result`` as the PDF of ``html`` (``page``: its first page written alone)."""
        entry = self._entry(html, page)
        if entry is not None:
            write_entry(entry, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def hints(self) -> object:
        """What the slot's last run noted with :meth:`note_hints` (a guess to check, never trusted): None if nothing."""
        if self.folder is None:
            return None
        self._used.add(_HINTS)
        try:
            return pickle.loads((self.folder / _HINTS).read_bytes())
        except Exception:  # none, or damaged
            return None

    def note_hints(self, hints: object) -> None:
        if self.folder is not None:
            self._used.add(_HINTS)
            write_entry(self.folder / _HINTS, pickle.dumps(hints, protocol=pickle.HIGHEST_PROTOCOL))

    def _entry(self, html: str, page: bool) -> Path | None:
        """The file that keeps the PDF of ``html`` (marked used by this run); None without a cache."""
        if self.folder is None:
            return None
        if self._environment is None:
            self._environment = _environment_digest(self.asset_roots)
        digest = hashlib.sha256(self._environment)
        digest.update(f"{page}\0".encode() + html.encode("utf-8", "surrogatepass"))
        name = f"{digest.hexdigest()}.pickle"
        self._used.add(name)
        return self.folder / name

    def close(self) -> None:
        """Remove the slot's kept PDFs that this run did not use."""
        if self.folder is None or not self._used:
            return
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except OSError:
            return
        for name in names:
            if name not in self._used:
                with suppress(OSError):
                    (self.folder / name).unlink()


def _environment_digest(asset_roots: Sequence[Path]) -> bytes:
    """What a PDF's bytes depend on besides its HTML (see :class:`KeptPdfs`)."""
    from weasyprint.text import ffi

    from docgen.build.inputs import code_digest

    setup = print_setup()
    digest = hashlib.sha256(code_digest().encode())  # docgen's code and the rendering libraries' versions
    digest.update(f"pango {ffi.pango.pango_version()}".encode())  # the build date is in the HTML (dcterms.created)
    digest.update(setup.fonts_css)
    for font in setup.fonts.values():
        stat = font.path.stat()
        digest.update(f"\0{font.path}|{font.index}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    for root in asset_roots:
        for file in sorted(path for path in root.rglob("*") if path.is_file()):
            digest.update(f"\0{file.relative_to(root).as_posix()}\0".encode() + file.read_bytes())
    return digest.digest()


def plan(ctx: RenderContext) -> list[Output]:
    """The PDFs: ``<year>/evaluation-report.pdf`` and ``<year>/targets.pdf`` (see :mod:`docgen.render.report`)."""
    from docgen.render.report import plan as plan_pdfs

    return plan_pdfs(ctx)


def generated_url(name: str) -> str:
    """The URL of a generated resource (``docgen:charts/directions.svg``)."""
    return f"{GENERATED_SCHEME}:{name}"


def asset_url(path: Path) -> str:
    """The URL of a template asset (a stylesheet under templates/html/)."""
    return path.resolve().as_uri()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings (its logger has only a NullHandler: they are lost otherwise)."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def render_pdf(
    html: str,
    asset_roots: Sequence[Path],
    generated: Mapping[str, Generated] | None = None,
) -> RenderedPdf:
    """Lay out ``html`` and write it as PDF; only ``asset_roots``, ``generated`` and the role fonts are readable."""
    return lay_out_pdf(html, asset_roots, generated).whole()


def lay_out_pdf(html: str, asset_roots: Sequence[Path], generated: Mapping[str, Generated] | None = None) -> Layout:
    """Lay out ``html`` (see :func:`render_pdf`) without writing it: its pages are written when asked."""
    import_weasyprint()
    from weasyprint import HTML

    from docgen.render.fetcher import AssetFetcher

    setup = print_setup()
    restore_extracted_faces(setup.fonts.values())  # registered where they are: a face must still be there
    resources = {FONTS_STYLESHEET: Generated(setup.fonts_css, "text/css"), **(generated or {})}
    fetcher = AssetFetcher(asset_roots, resources, setup.font_sources())
    with _weasyprint_warnings() as messages:
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(font_config=setup.font_config)
    return Layout(document, fetcher, messages)


class Layout:
    """A document WeasyPrint laid out, written whole (:meth:`whole`) or a page at a time (:meth:`page`).

    A page written alone is the same PDF whichever document laid it out, as long as it holds the
    same boxes in the same places: its first page of a document of exactly its lines, or the
    fifth of a longer one (:mod:`docgen.render.front_matter` relies on this).
    """

    def __init__(self, document: Any, fetcher: Any, warnings: list[str]) -> None:
        self.document = document
        self.fetcher = fetcher
        self.warnings = warnings
        # WeasyPrint documents an anchor as (x, y) and gives (x1, y1, x2, y2), its element's border box
        self.anchors = tuple(
            {name: (float(at[0]), float(at[1]), float(at[2]), float(at[3])) for name, at in page.anchors.items()}
            for page in document.pages
        )

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def whole(self) -> RenderedPdf:
        """Every page, one PDF."""
        return self._write(self.document)

    def page(self, index: int) -> RenderedPdf:
        """Page ``index`` written alone: a PDF of one page, with that page's anchors."""
        written = self._write(self.document.copy(self.document.pages[index : index + 1]))
        return RenderedPdf(written.data, 1, written.refused, written.warnings, written.anchors[index : index + 1])

    def _write(self, document: Any) -> RenderedPdf:
        with _weasyprint_warnings() as messages:
            data = document.write_pdf()
        refused_urls = {refusal.url for refusal in self.fetcher.refused}
        found = [*self.warnings, *messages]
        warnings = tuple(m for m in found if not any(url in m for url in refused_urls))
        return RenderedPdf(data, self.pages, tuple(self.fetcher.refused), warnings, self.anchors)
