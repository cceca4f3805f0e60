"""The only way WeasyPrint reads anything: a URL fetcher that serves the project's own assets.

WeasyPrint fetches every URL a document names (stylesheets, images, fonts, SVG references)
and, left to itself, reads any local file, any device and any web address. Content is
untrusted (a Markdown image is a URL), so :class:`AssetFetcher` serves exactly:

* files under the asset folders (``templates/html/print`` …): regular files whose real path
  stays inside a folder (no ``..``, no symlink leaving the tree, no device or FIFO), up to a size;
* generated resources (the fonts stylesheet, the charts) by their ``docgen:`` name, from memory;
* the font files fontconfig resolved for the 公文 roles: exactly those (file, face) pairs;
* small ``data:`` URLs;

and refuses everything else (http, https, ftp, other files), recording what it refused and why,
so that the renderer can report it instead of leaving a silent gap in the PDF.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse  # after native.import_weasyprint(): pdf.render_pdf

from docgen.render.pdf import GENERATED_SCHEME, Generated

MAX_ASSET_BYTES = 8 * 1024 * 1024
MAX_DATA_URL_BYTES = 64 * 1024
MAX_URL_CHARS = 4096


@dataclass(frozen=True, slots=True)
class Refusal:
    """A URL the fetcher would not serve, and why."""

    url: str
    reason: str

    def describe(self) -> str:
        shown = self.url if len(self.url) <= 120 else self.url[:117] + "..."
        return f"{shown}: {self.reason}"


class RefusedURL(ValueError):
    """Raised to WeasyPrint for a refused URL (it logs it and leaves the resource out)."""


@dataclass(frozen=True, slots=True)
class FontSource:
    """A font the fetcher may serve: its file, its face, and how to read that face."""

    path: Path
    face: int | None  # the ``#face=N`` fragment of a collection's URL; None for a single font
    read: Callable[[], bytes]


_MEDIA_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff2": "font/woff2",
}


class AssetFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no type information
    """Serve the project's assets, generated resources and role fonts; refuse the rest."""

    def __init__(
        self,
        asset_roots: Sequence[Path],
        generated: Mapping[str, Generated] | None = None,
        fonts: Sequence[FontSource] = (),
    ) -> None:
        super().__init__(allowed_protocols=set(), allow_redirects=False, fail_on_errors=False)
        self.asset_roots = tuple(Path(os.path.realpath(root)) for root in asset_roots)
        self.generated = dict(generated or {})
        self.fonts = {(Path(os.path.realpath(f.path)), f.face): f for f in fonts}
        self.refused: list[Refusal] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        del headers
        try:
            response = self._serve(url)
        except RefusedURL as refusal:
            self.refused.append(Refusal(url, str(refusal)))
            raise
        self.served.append(url)
        return response

    def _serve(self, url: str) -> URLFetcherResponse:
        if len(url) > MAX_URL_CHARS and not url.startswith("data:"):
            raise RefusedURL(f"URL longer than {MAX_URL_CHARS} characters")
        scheme, _, rest = url.partition(":")
        scheme = scheme.lower()
        if scheme == GENERATED_SCHEME:
            return self._generated(url, unquote(rest))
        if scheme == "data":
            return self._data(url, rest)
        if scheme == "file":
            return self._file(url)
        raise RefusedURL(
            f"the {scheme or 'relative'} scheme is not served: documents use only the project's own assets"
        )

    def _generated(self, url: str, name: str) -> URLFetcherResponse:
        resource = self.generated.get(name)
        if resource is None:
            raise RefusedURL(f"no generated resource {name!r}")
        return URLFetcherResponse(url, resource.data, {"Content-Type": resource.media_type})

    def _data(self, url: str, rest: str) -> URLFetcherResponse:
        header, comma, payload = rest.partition(",")
        if not comma:
            raise RefusedURL("malformed data URL")
        is_base64 = header.endswith(";base64")
        estimated = len(payload) * 3 // 4 if is_base64 else len(payload)
        if estimated > MAX_DATA_URL_BYTES:
            raise RefusedURL(f"data URL larger than {MAX_DATA_URL_BYTES // 1024} KiB")
        media_type = (header.removesuffix(";base64").split(";")[0] or "text/plain").strip()
        try:
            data = base64.b64decode(payload, validate=True) if is_base64 else unquote_to_bytes(payload)
        except ValueError as error:
            raise RefusedURL(f"malformed data URL ({error})") from error
        return URLFetcherResponse(url, data, {"Content-Type": media_type})

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.query:
            raise RefusedURL("only local file URLs without a host or query are served")
        requested = Path(unquote(parts.path))
        if not requested.is_absolute():
            raise RefusedURL("not an absolute path")
        real = Path(os.path.realpath(requested))
        font = self._font(real, parts.fragment)
        if font is not None:
            return URLFetcherResponse(url, font.read(), {"Content-Type": "font/otf"})
        if parts.fragment:
            raise RefusedURL("not a face of a role font: a fragment only names the face of a role font's collection")
        root = next((r for r in self.asset_roots if real.is_relative_to(r)), None)
        if root is None:
            leaves_by_link = real != Path(os.path.normpath(requested))
            where = "a symlink leaving the asset folders" if leaves_by_link else "outside the asset folders"
            raise RefusedURL(f"{where}: only template assets and the role fonts are served")
        try:
            info = real.stat()
        except OSError as error:
            raise RefusedURL(f"cannot read it ({error.strerror})") from error
        if not stat.S_ISREG(info.st_mode):
            raise RefusedURL("not a regular file")
        if info.st_size > MAX_ASSET_BYTES:
            raise RefusedURL(f"larger than {MAX_ASSET_BYTES // (1024 * 1024)} MiB")
        media_type = _MEDIA_TYPES.get(real.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, real.read_bytes(), {"Content-Type": media_type})

    def _font(self, real: Path, fragment: str) -> FontSource | None:
        face: int | None = None
        if fragment:
            key, _, value = fragment.partition("=")
            if key != "face" or not value.isdigit():
                return None
            face = int(value)
        return self.fonts.get((real, face))
