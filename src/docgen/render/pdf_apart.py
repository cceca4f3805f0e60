"""Pages laid out apart (另进程排版): a forked copy of this process lays out and writes part of a document.

The year's book lays out its contents page by page (:mod:`docgen.render.front_matter`); a
renamed line that wraps moves every later page, ~12 pages at 1,000 projects, laid out and written
one after another in the PDF helper while the build process, its own work done, waits for the
book. Here the helper forks: the copy has WeasyPrint, the fonts and the book's state already
loaded (no warm-up; its memory is shared until written), lays out the second half and writes its
pages, and sends them back through a pipe while the helper does the first half.

Only a process that :func:`allow` was called in forks (the PDF helper: one job at a time, the
build process on the other core); elsewhere :func:`lay_out_apart` answers None and the caller
lays out everything itself. The copy dies with the process that forked it (``PR_SET_PDEATHSIG``),
ends with ``os._exit`` (no exit handlers: the helper's font copies stay its own), and a copy that
fails or is cancelled only costs the work it did: its pages are never used unless the caller
takes them.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from docgen.render.pdf import AnchorBox, RenderedPdf, lay_out_pdf

_PR_SET_PDEATHSIG = 1
_allowed = False


def allow() -> None:
    """Let this process fork copies of itself to lay out pages (the PDF helper, at its start)."""
    global _allowed
    _allowed = sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


@dataclass(frozen=True, slots=True)
class WrittenLayout:
    """A document laid out with every page written alone (what the copy sends back): a
    :class:`~docgen.render.front_matter.FrontLayout`."""

    written: tuple[RenderedPdf, ...]

    @property
    def pages(self) -> int:
        return len(self.written)

    @property
    def anchors(self) -> tuple[dict[str, AnchorBox], ...]:
        return tuple(page.anchors[0] if page.anchors else {} for page in self.written)

    def page(self, index: int) -> RenderedPdf:
        return self.written[index]


class PagesApart:
    """A forked copy laying out a document and writing its pages (:class:`~docgen.render.front_matter.LayoutApart`)."""

    def __init__(self, pid: int, pipe: int) -> None:
        self._pid = pid
        self._pipe: int | None = pipe
        self._result: WrittenLayout | None = None

    def result(self) -> WrittenLayout | None:
        """Its pages (waits for the copy to send them); None when it failed or was cancelled."""
        if self._pipe is None:
            return self._result
        chunks = []
        with suppress(OSError):
            while chunk := os.read(self._pipe, 1 << 20):
                chunks.append(chunk)
        os.close(self._pipe)
        self._pipe = None
        _, status = os.waitpid(self._pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            with suppress(Exception):
                received = pickle.loads(b"".join(chunks))
                self._result = received if isinstance(received, WrittenLayout) else None
        return self._result

    def cancel(self) -> None:
        """Stop the copy, unless its result was taken."""
        if self._pipe is None:
            return
        with suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        os.close(self._pipe)
        self._pipe = None


def lay_out_apart(html: str, asset_roots: Sequence[Path]) -> PagesApart | None:
    """Lay out ``html`` and write each of its pages (:meth:`~docgen.render.pdf.Layout.page`) in a copy
    of this process; None when this process may not fork (see :func:`allow`)."""
    if not _allowed:
        return None
    read_end, write_end = os.pipe()
    parent = os.getpid()
    with warnings.catch_warnings():
        # Python 3.12 warns of forking with threads: the helper's one other thread only waits for the
        # build process to end (runner._exit_with_parent), holding nothing the copy could need.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the copy: never returns
        _lay_out_and_send(html, asset_roots, parent, read_end, write_end)
    os.close(write_end)
    return PagesApart(pid, read_end)


def _lay_out_and_send(html: str, asset_roots: Sequence[Path], parent: int, read_end: int, write_end: int) -> None:
    code = 1
    try:
        os.close(read_end)
        _die_with(parent)
        layout = lay_out_pdf(html, asset_roots)
        written = WrittenLayout(tuple(layout.page(index) for index in range(layout.pages)))
        data = pickle.dumps(written, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
        code = 0
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """End this copy when ``parent`` ends (Linux ``prctl``); at once if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
