"""Benchmark of the PDFs: pages per second of the 2023 绩效评价报告 and of a 200-page 绩效目标表 book.

One process, one WeasyPrint FontConfiguration (as each build worker has): the first render pays
for the print setup (fontconfig, extracting the Noto/UKai faces from their collections, loading
them); the next ones do not. The targets book is the shipped projects of every year, repeated
with new ids until the book has about 200 pages. It is made as the build makes it: every
project's sheet rendered on its own (WeasyPrint), then the book joined from them (front matter,
page numbers, links: docgen.render.pdf_book); both are reported.

    python bench/bench_pdf.py [--repeat 3] [--pages 200]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DATE_EPOCH = 1700000000


def pages_of(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders of each document after the first")
    parser.add_argument("--pages", type=int, default=200, help="pages of the targets book (about)")
    args = parser.parse_args()

    started = time.perf_counter()
    from docgen.api import check
    from docgen.project import ProjectPaths
    from docgen.render import pdf, report
    from docgen.render.context import RenderContext

    checked = check(ProjectPaths(ROOT), templates=False)
    ctx = RenderContext(checked.paths, checked.content, checked.facts, SOURCE_DATE_EPOCH)
    print(f"load and check content: {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    config = pdf.font_config()
    setup = time.perf_counter() - started
    print(f"print setup (fonts resolved, one FontConfiguration per process): {setup:.2f} s")

    def measure(name: str, render: object, *render_args: object) -> None:
        times = []
        data = b""
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            data = render(ctx, *render_args)  # type: ignore[operator]
            times.append(time.perf_counter() - t)
        pages = pages_of(data)
        steady = statistics.median(times[1:]) if len(times) > 1 else times[0]
        print(
            f"{name}: {pages} pages, {len(data) / 1024:.0f} KiB; first render {times[0]:.2f} s, "
            f"then median {steady:.2f} s = {pages / steady:.1f} pages/s ({steady / pages * 1000:.0f} ms/page)"
        )

    measure("2023 evaluation report", report.render_evaluation_report, 2023)

    # The targets book: every shipped project, repeated under new ids until ~args.pages pages.
    years = sorted(ctx.content.projects)
    shipped = [p for year in years for p in ctx.content.projects_of(year)]
    sheet_pages = sum(pages_of(report.render_target_sheet(ctx, p.year, p.id)) for p in shipped)
    count = max(1, round(args.pages * len(shipped) / sheet_pages))
    book = {}
    for n in range(count):
        project = shipped[n % len(shipped)]
        copy = project.model_copy(update={"id": f"{project.id}-{n}", "seq": n + 1, "year": 2022})
        book[copy.id] = copy
    ctx.content.projects[2022] = book

    def sheets() -> dict[str, bytes]:
        return {f"2022/targets/{p.id}.pdf": report.render_target_sheet(ctx, 2022, p.id) for p in book.values()}

    def joined() -> bytes:
        return report.render_targets_book(ctx, 2022)

    started = time.perf_counter()
    ctx.built = sheets()
    seconds = time.perf_counter() - started
    pages = sum(pages_of(data) for data in ctx.built.values())
    print(f"{count} sheets, each its own PDF: {pages} pages in {seconds:.2f} s = {pages / seconds:.1f} pages/s")
    measure(f"targets book joined from {count} sheets", lambda _ctx, _year: joined(), 2022)

    assert pdf.font_config() is config, "the FontConfiguration must be one per process"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"one FontConfiguration for every render: yes; peak RSS {peak:.0f} MiB; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
