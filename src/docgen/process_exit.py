"""Ending the docgen process quickly: clean up what must be, then skip the interpreter's teardown.

After a build the interpreter would spend 0.2–0.3 s freeing every object it holds (the content
model, WeasyPrint's and fontconfig's structures) just before the process ends and the system
frees them anyway. The command line (:func:`docgen.cli.main`) therefore ends with
:func:`exit_now` (as mypy does): it runs the clean-ups registered with :func:`at_exit`, flushes
the output and leaves with ``os._exit`` — unless a profiler or coverage is watching, which
writes its data at the normal exit. A clean-up registered here is also an ordinary
``atexit`` handler, so that docgen used as a library cleans up the same way.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Callable

_cleanups: list[Callable[[], None]] = []


def at_exit(cleanup: Callable[[], None]) -> None:
    """Run ``cleanup`` when this process ends (it may run twice: make it idempotent).

    Only in this process: a process forked from it (a build of ``docgen build --watch``, the PDF
    helper) ends without it, so that it never removes what its parent still uses (WeasyPrint's
    copies of the fonts)."""
    owner = os.getpid()

    def owned() -> None:
        if os.getpid() == owner:
            cleanup()

    _cleanups.append(owned)
    atexit.register(owned)


def exit_now(code: int | str | None) -> None:
    """End the process with ``code`` (as ``sys.exit`` takes it) after the registered clean-ups."""
    for cleanup in reversed(_cleanups):
        try:
            cleanup()
        except Exception as exc:  # a clean-up that fails must not change the exit status
            print(f"docgen: clean-up failed: {exc}", file=sys.stderr)
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # a profiler or coverage writes its data at the normal exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed, or a broken pipe: nothing more can be said
            stream.flush()
    os._exit(code or 0)
