"""The garbage collector of a docgen process: collected for a batch job, not for a long-lived server.

A build holds a large graph of objects for its whole life (the content model: ~1.5 million
objects at 1,000 projects) and allocates millions more while it renders. With CPython's default
thresholds a young collection runs every 700 allocations and every tenth of those looks at the
older generations, so the collector walks the whole content model again and again:
~0.5 s of a one-project edit's 4 s at 1,000 projects, measured with ``bench/bench_build.py``.
docgen creates little cyclic garbage, so it collects far less often (as a batch job may);
the peak memory of that edit stayed within 1 MB.

:func:`collect_for_batch_work` is called where a docgen process starts (the command line,
each worker process); docgen used as a library leaves the host's collector as it is.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 100_000
"""Allocations (minus deallocations) between two collections of the youngest generation (CPython: 700)."""

OLDER_THRESHOLDS = (50, 100)
"""Young collections per middle one, middle ones per full one (CPython: 10, 10)."""


def collect_for_batch_work() -> None:
    """Collect this process's cyclic garbage less often: it holds a large, long-lived object graph."""
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
