#!/usr/bin/env python3
"""Benchmark: render the 绩效目标表 of 1,000 projects, in one process and in two.

    python bench/bench_docx.py [--projects 1000] [--workers 2]

The projects are the shipped projects that have an indicator table, repeated under new ids
(a 1,000-project fund-year). Each document is rendered exactly as the build renders it
(``docgen.render.docx.render_target_table``), bytes kept in memory. Prints the time per
document, wall and CPU time (the CPU time, and the wall time it projects on idle cores, do not
depend on other load on the machine); the goal is under 15 s for 1,000 documents on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from docgen.api import check
from docgen.project import ProjectPaths
from docgen.render import docx as docx_renderer
from docgen.render.context import RenderContext

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2030
EPOCH = 1_700_000_000


def synthetic_context(count: int) -> RenderContext:
    """The shipped content with ``count`` projects in one year, copied from the real ones."""
    checked = check(ProjectPaths(ROOT), templates=False)
    content = checked.content
    models = [p for year in content.years for p in content.projects_of(year) if p.indicators]
    projects = {}
    for n in range(count):
        model = models[n % len(models)]
        ident = f"{model.id[:60]}-{n:04d}"
        projects[ident] = model.model_copy(update={"id": ident, "year": YEAR, "seq": n % 999 + 1})
    synthetic = dataclasses.replace(content, projects={YEAR: projects})
    return RenderContext(checked.paths, synthetic, {}, EPOCH)


_CONTEXT: RenderContext | None = None


def _start_worker(count: int) -> None:
    global _CONTEXT
    _CONTEXT = synthetic_context(count)


def _render_many(ids: list[str]) -> tuple[int, float]:
    """Render ``ids`` in a worker: the bytes written and the CPU seconds spent."""
    assert _CONTEXT is not None
    cpu = time.process_time()
    size = sum(len(docx_renderer.render_target_table(_CONTEXT, YEAR, ident)) for ident in ids)
    return size, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    count = args.projects

    started = time.perf_counter()
    ctx = synthetic_context(count)
    ids = sorted(ctx.content.projects[YEAR])
    prepared = time.perf_counter() - started
    print(f"content: {count} projects prepared in {prepared:.2f} s (cpus: {os.cpu_count()})")

    first = time.perf_counter()
    docx_renderer.render_target_table(ctx, YEAR, ids[0])
    print(f"first document (template load and compile): {(time.perf_counter() - first) * 1000:.1f} ms")

    started, cpu = time.perf_counter(), time.process_time()
    total_bytes = sum(len(docx_renderer.render_target_table(ctx, YEAR, ident)) for ident in ids)
    sequential, sequential_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"1 process:  {count} documents in {sequential:.2f} s wall = {sequential / count * 1000:.1f} ms per document;"
        f" CPU {sequential_cpu / count * 1000:.1f} ms per document ({total_bytes / count / 1024:.0f} KB each)"
    )

    started = time.perf_counter()
    chunks = [ids[i :: args.workers * 8] for i in range(args.workers * 8)]
    with ProcessPoolExecutor(args.workers, initializer=_start_worker, initargs=(count,)) as pool:
        results = list(pool.map(_render_many, chunks))
    parallel = time.perf_counter() - started
    assert sum(size for size, _ in results) == total_bytes
    render_cpu = sum(seconds for _, seconds in results)
    print(
        f"{args.workers} processes: {count} documents in {parallel:.2f} s wall"
        f" = {parallel / count * 1000:.1f} ms per document (starting the workers and loading the content included);"
        f" rendering CPU {render_cpu / count * 1000:.1f} ms per document"
    )
    projected = render_cpu / args.workers + prepared  # each worker also loads the content once, in parallel
    load = os.getloadavg()[0]
    print(
        f"projected on {args.workers} idle cores: {projected:.1f} s (rendering CPU shared by the workers,"
        f" plus loading the content once; load average now {load:.1f})"
    )
    per_thousand = 1000 / count
    print(
        "goal: 1,000 documents under 15 s on 2 cores ->"
        f" wall {parallel * per_thousand:.1f} s, projected {projected * per_thousand:.1f} s"
    )


if __name__ == "__main__":
    main()
