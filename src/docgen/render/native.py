"""Importing WeasyPrint without its slow search for native libraries (Pango, HarfBuzz, fontconfig, GObject).

WeasyPrint opens each library by trying up to six names, one per platform
(``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``, ``libpango-1.0.so.0``, …). For every
name the dynamic loader cannot open as given, cffi asks :func:`ctypes.util.find_library`,
which on Linux runs ``ldconfig -p`` and then, when that finds nothing, ``gcc`` and ``ld``:
24 subprocesses, 0.3–0.5 s of every process that renders a PDF (a one-project edit pays it
once in the build process and once in each worker).

Every list holds the library's Linux soname (``libpango-1.0.so.0``), which the dynamic loader
opens itself. So on Linux, while WeasyPrint loads its libraries, ``find_library`` answers
None: the names of other platforms fail at once and the soname loads as before. A library
that is really missing still fails the same way, with WeasyPrint's own message. Elsewhere
(macOS, Windows) the import is left as it is.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def import_weasyprint() -> None:
    """Import WeasyPrint's library bindings (``weasyprint.text.ffi``), the fast way on Linux; then a no-op."""
    if "weasyprint.text.ffi" in sys.modules:
        return
    with _no_library_search():
        import weasyprint.text.ffi  # noqa: F401


@contextmanager
def _no_library_search() -> Iterator[None]:
    if not sys.platform.startswith("linux"):
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _not_searched(name: str) -> str | None:
    """What ``find_library`` answers while WeasyPrint loads: nothing (it tries the soname next)."""
    return None
