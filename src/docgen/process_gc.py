"""The garbage collector of a docgen process: collected for a batch job, not for a long-lived server.

A build holds a large graph of objects for its whole life (the content model: ~1.5 million
objects at 1,000 projects) and allocates millions more while it checks, plans and renders Word
files and pages. With CPython's default thresholds a young collection runs every 700
allocations and every tenth of those looks at the older generations, so the collector walks the
whole content model again and again: ~0.5 s of a one-project edit's 4 s at 1,000 projects,
measured with ``bench/bench_build.py``. The build process creates little cyclic garbage, so it
collects far less often (:func:`collect_for_batch_work`, called where the command line starts).

The processes that render PDFs are different: WeasyPrint's layout leaves cycles behind (boxes
and their parents), which a rare collection lets pile up (~40 MB more at the peak of a full
build). They collect as usual (:func:`collect_for_rendering`), and the checked content they
receive once is moved out of the collector's sight (:func:`keep_for_life`: ``gc.freeze``).
docgen used as a library leaves the host's collector as it is.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 100_000
"""Allocations (minus deallocations) between two collections of the youngest generation (CPython: 700)."""

OLDER_THRESHOLDS = (50, 100)
"""Young collections per middle one, middle ones per full one (CPython: 10, 10)."""

DEFAULT_THRESHOLDS = (700, 10, 10)
"""CPython's."""


def collect_for_batch_work() -> None:
    """Collect this process's cyclic garbage less often: it holds a large, long-lived object graph."""
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)


def collect_for_rendering() -> None:
    """Collect as CPython does by default (a worker or the PDF helper: layouts leave cycles behind)."""
    gc.set_threshold(*DEFAULT_THRESHOLDS)


def keep_for_life() -> None:
    """Leave every object alive now out of all later collections (what a worker received to render with)."""
    gc.freeze()
