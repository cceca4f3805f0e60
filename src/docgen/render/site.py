"""The publication website (信息公开网站): a static site in build/site/ the bureau copies as it is.

``plan(ctx)`` lists every file of the site: the pages (:mod:`docgen.render.site_pages`), their
stylesheet and scripts, the Atom feed of notices, sitemap.xml, robots.txt, the search index
(:mod:`docgen.render.site_search`) and a copy of every generated document the pages link to
(:mod:`docgen.render.site_documents`). The render functions return bytes and never write.

Safety: content is untrusted. Templates autoescape, Markdown has raw HTML off and keeps only
safe link schemes, bidirectional-control characters are shown as visible code points, and each
page carries a Content-Security-Policy that forbids inline scripts and styles: the site's own
scripts are same-origin files. Nothing is loaded from elsewhere, so the site works offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, TemplateError, TemplateSyntaxError
from markupsafe import Markup

from docgen.diagnostics import display_path
from docgen.facts import format as fmt
from docgen.model.content import Content, Notice
from docgen.render.context import Output, RenderContext, built_sizes
from docgen.render.jinja_env import make_env
from docgen.render.markdown import render_markdown
from docgen.render.site_documents import FILES_FOLDER, planned_documents
from docgen.render.site_pages import (
    Page,
    changes_path,
    notice_path,
    page_context,
    project_path,
    site_pages,
    year_path,
)
from docgen.render.site_search import INDEX_FILES, index_from_built, page_record, record_path

SITE_FOLDER = "site"
"""The site's folder inside build/."""

TEMPLATE_FOLDER = "site"
"""The site's templates inside templates/html/."""

STATIC_FOLDER = "static"
"""Stylesheets, scripts and icons inside the template folder; copied to assets/."""

ASSETS = "assets"
SEARCH_INDEX_BATCH = "site-search-index"
"""The index files render together: each is cut from one index of every page, made once per process."""

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'"
)
"""No inline script or style, nothing from another origin (the search fetches its own index files)."""

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that reorder the text around them (Trojan Source): shown, never obeyed."""


def visible_controls(value: Any) -> Any:
    """Replace bidirectional controls in a template value by their code point, ``[U+202E]``."""
    if isinstance(value, str) and BIDI_CONTROLS.search(value):
        replaced = BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", value)
        return Markup(replaced) if isinstance(value, Markup) else replaced
    return value


def _markdown_with_visible_controls(text: str | None) -> Markup:
    return Markup(visible_controls(render_markdown(text or "")))  # markdown-it escapes; raw HTML is off


def _atom_time(notice: Notice) -> str:
    """When a notice was published, as Atom writes it (RFC 3339, the bureau's time zone)."""
    return f"{notice.meta.date.isoformat()}T{notice.meta.time or '00:00'}:00+08:00"


@lru_cache(maxsize=4)
def _environment(html_templates: Path) -> Environment:
    filters: dict[str, Callable[..., Any]] = {
        "markdown": _markdown_with_visible_controls,
        "file_size": fmt.file_size,
        "signed_delta": fmt.signed_delta,
        "year_month_cn": fmt.year_month_cn,
        "atom_time": _atom_time,
    }
    env = make_env(html_templates, extra_filters=filters)
    env.finalize = visible_controls
    env.globals.update(  # the site's paths, relative to its root: {{ root }}{{ project_path(project) }}
        notice_path=notice_path, year_path=year_path, project_path=project_path, changes_path=changes_path
    )
    return env


def _site_output(path: str, renderer: str, *args: str, **fields: Any) -> Output:
    return Output(f"{SITE_FOLDER}/{path}", "site", f"docgen.render.site:{renderer}", args, **fields)


def plan(ctx: RenderContext) -> list[Output]:
    """Every file of the website, with what it is made from."""
    if ctx.content.site is None:
        return []
    available = planned_documents(ctx)
    pages = _pages(ctx)
    templates = _template_files(ctx)
    outputs = [
        _site_output(
            page.path,
            "render_page",
            page.path,
            content_files=page.content_files,
            templates=templates,
            after=tuple(d.built for d in page.linked(available)),
        )
        for page in pages
    ]
    outputs += [
        _site_output(f"{ASSETS}/{name}", "render_asset", name, templates=(display_path(path, ctx.root),))
        for name, path in _static_files(ctx)
    ]
    linked = sorted({d.built for page in pages for d in page.linked(available)})
    outputs += [
        _site_output(f"{FILES_FOLDER}/{built}", "render_download", built, after=(built,), copy_of=built)
        for built in linked
    ]
    indexed = [page for page in pages if page.indexed]
    outputs += [  # made from the page's own sources, not from the built page: see render_search_record
        _site_output(
            record_path(page.path),
            "render_search_record",
            page.path,
            *(d.built for d in page.linked(available)),
            content_files=page.content_files,
            templates=templates,
        )
        for page in indexed
    ]
    records = tuple(f"{SITE_FOLDER}/{record_path(page.path)}" for page in indexed)
    outputs += [
        _site_output(name, "render_search_index", name, after=records, batch=SEARCH_INDEX_BATCH) for name in INDEX_FILES
    ]
    every_file = tuple(sorted(ctx.content.files.values()))
    for name in ("feed.xml", "sitemap.xml", "robots.txt"):
        outputs.append(_site_output(name, "render_meta_file", name, content_files=every_file, templates=templates))
    return outputs


def _render_template(ctx: RenderContext, name: str, **variables: Any) -> bytes:
    """A template of templates/html/site/ rendered; a broken template is a diagnostic at its line."""
    try:
        text = _environment(ctx.paths.html_templates).get_template(name).render(**variables)
    except TemplateError as exc:
        where, line = _template_line(ctx, exc, name)
        ctx.diagnostics.error(where, line, 1, f"template error: {exc}", "site-template")
        return b""
    return text.encode("utf-8")


def _template_line(ctx: RenderContext, exc: TemplateError, name: str) -> tuple[str, int]:
    """The template file and line an error comes from (Jinja puts template lines into tracebacks)."""
    folder = ctx.paths.html_templates.resolve()
    found = (folder / name, getattr(exc, "lineno", None) or 1)
    traceback = exc.__traceback__
    while traceback is not None:
        file = Path(traceback.tb_frame.f_code.co_filename)
        if file.is_absolute() and folder in file.resolve().parents:
            found = (file, traceback.tb_lineno)
        traceback = traceback.tb_next
    filename = getattr(exc, "filename", None)
    if isinstance(exc, TemplateSyntaxError) and filename:
        found = (Path(filename), exc.lineno)
    return display_path(found[0], ctx.root), found[1]


def render_page(ctx: RenderContext, path: str) -> bytes:
    """One page of the site as HTML."""
    return _page_html(ctx, path, ctx.built, built_sizes(ctx.built))


class _SizesLeftOut(dict[str, int]):
    """The download sizes of a page rendered for its search record, which leaves them out: any size is 0."""

    def __missing__(self, key: str) -> int:
        return 0


def _page_html(ctx: RenderContext, path: str, available: Iterable[str], sizes: Mapping[str, int]) -> bytes:
    """The page at ``path``, linking to the documents of ``available`` (their ``sizes``)."""
    page = next(page for page in _pages(ctx) if page.path == path)
    context = page_context(ctx, page, available)
    return _render_template(
        ctx,
        page.template,
        site=ctx.content.site,
        page=page,
        crumbs=context.breadcrumb,
        root=_site_base_path(ctx) if page.kind == "not-found" else page.root,
        canonical=_canonical(ctx, page),
        csp=CONTENT_SECURITY_POLICY,
        sizes=sizes,
        **context.values,
    )


def render_asset(ctx: RenderContext, name: str) -> bytes:
    """A stylesheet, script or icon of the site, as written in templates/html/site/static/."""
    static = dict(_static_files(ctx))
    return static[name].read_bytes()


def render_download(ctx: RenderContext, built: str) -> bytes:
    """The site's copy of a generated document (the same bytes as build/<built>).

    What the output is; the build links the file instead (``Output.copy_of``).
    """
    return ctx.built[built]


def render_search_record(ctx: RenderContext, path: str, *linked: str) -> bytes:
    """search/pages/<page>.json: what the search knows of one page (its text, for the excerpts).

    Made from the page rendered here from its own sources, linking to the documents ``linked``
    (those the page links to) with every size left out: the search leaves the sizes out
    (``data-search-ignore``), so the record is the built page's, and it need not wait for the
    documents (an edit's book and bundle, whose sizes the year's page shows)."""
    return page_record(path, _page_html(ctx, path, linked, _SizesLeftOut()))


def render_search_index(ctx: RenderContext, name: str) -> bytes:
    """search/pages.json or a shard of character pairs: made from every page's record, the records
    it reads (``after``, in the site's order), so from no content of its own."""
    return index_from_built(ctx.built, list(ctx.built), ctx.built_hashes, slot=str(ctx.paths.root.resolve()))[name]


def render_meta_file(ctx: RenderContext, name: str) -> bytes:
    """feed.xml (Atom feed of the notices), sitemap.xml or robots.txt."""
    pages = [page for page in _pages(ctx) if page.kind != "not-found"]
    notices = [(notice, notice_path(notice)) for notice in ctx.content.notices]
    return _render_template(
        ctx, f"{TEMPLATE_FOLDER}/{name}", site=ctx.content.site, pages=pages, notices=notices, base_url=_base_url(ctx)
    )


_pages_of: list[tuple[Content, list[Page]]] = []


def _pages(ctx: RenderContext) -> list[Page]:
    """The site's pages, listed once per loaded content (every output of the site asks for them)."""
    if not _pages_of or _pages_of[0][0] is not ctx.content:
        _pages_of[:] = [(ctx.content, site_pages(ctx))]
    return _pages_of[0][1]


def _base_url(ctx: RenderContext) -> str:
    assert ctx.content.site is not None  # plan() makes no output without site.yaml
    return ctx.content.site.base_url


def _site_base_path(ctx: RenderContext) -> str:
    """The path of the site on its server ("/"), for the 404 page, which any URL may show."""
    return urlsplit(_base_url(ctx)).path


def _canonical(ctx: RenderContext, page: Page) -> str:
    return _base_url(ctx) + page.public_path


def _template_files(ctx: RenderContext) -> tuple[str, ...]:
    folder = ctx.paths.html_templates / TEMPLATE_FOLDER
    return tuple(
        display_path(path, ctx.root)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and STATIC_FOLDER not in path.relative_to(folder).parts
    )


def _static_files(ctx: RenderContext) -> list[tuple[str, Path]]:
    folder = ctx.paths.html_templates / TEMPLATE_FOLDER / STATIC_FOLDER
    return [(path.relative_to(folder).as_posix(), path) for path in sorted(folder.rglob("*")) if path.is_file()]
