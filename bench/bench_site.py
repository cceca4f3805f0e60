"""Benchmark of the website build, beside Hugo building the same number of similar pages.

``python bench/bench_site.py [--projects 1000] [--jobs 2] [--repeat 3] [--work DIR]``

Two data sets in one run: the shipped content and ``--projects`` synthetic projects
(bench/synthetic.py). For each, the documents the site links to are built first (a full
``docgen build``, timed but not counted); then the site alone is built again from scratch
(``site/`` removed, ``docgen build --only site``: every page, asset, search file, feed and
document copy), ``--repeat`` times, each a fresh ``docgen`` process as CI runs it.

Hugo (Debian's package) then builds a site with the same pages: each page of docgen's site
becomes a Hugo content file holding the same body (tables, text), under a layout with the same
header and footer and stylesheet; Hugo adds its own RSS feed and sitemap. Hugo has no search
index and copies no documents, so docgen's site does more work. Prints numbers only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, generate

SOURCE_DATE_EPOCH = "1700000000"


@dataclass(frozen=True, slots=True)
class Timing:
    """One measured build: wall seconds from process start to exit, and what it made."""

    seconds: float
    pages: int
    files: int
    render_cpu: float  # docgen: seconds spent in the site's render functions (all workers); Hugo: 0


def docgen(root: Path, out: Path, jobs: int, *options: str) -> tuple[float, dict[str, object]]:
    command = [sys.executable, "-m", "docgen", "build", "--root", str(root), "--out", str(out)]
    command += ["-j", str(jobs), "--format", "json", *options]
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"docgen build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    report: dict[str, object] = json.loads(done.stdout)
    return seconds, report


def site_build(root: Path, out: Path, jobs: int) -> Timing:
    shutil.rmtree(out / "site", ignore_errors=True)
    seconds, report = docgen(root, out, jobs, "--only", "site")
    per_kind = report["per_kind"]
    assert isinstance(per_kind, dict)
    site = per_kind.get("site", {})
    files = [p for p in (out / "site").rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix == ".html")
    return Timing(seconds, pages, len(files), float(site.get("seconds", 0.0)))


# ---------------------------------------------------------------------------- Hugo

_MAIN = re.compile(r"(<main\b[^>]*>)(.*)(</main>)", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def hugo_project(site: Path, folder: Path, base_url: str) -> int:
    """A Hugo project with one content file per page of ``site`` (same body, same header and footer)."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "layouts/_default").mkdir(parents=True)
    home = (site / "index.html").read_text(encoding="utf-8")
    body = _MAIN.search(home)
    assert body is not None, "docgen's pages have a <main>"
    head, tail = home[: body.start()], home[body.end() :]
    head = _TITLE.sub("<title>{{ .Title }}</title>", head).replace('href="assets/', 'href="/assets/')
    head = head.replace('src="assets/', 'src="/assets/')
    baseof = f'{head}<main id="main" class="wrap main">{{{{ block "main" . }}}}{{{{ end }}}}</main>{tail}'
    (folder / "layouts/_default/baseof.html").write_text(baseof, encoding="utf-8")
    (folder / "layouts/_default/single.html").write_text('{{ define "main" }}{{ .Content }}{{ end }}', encoding="utf-8")
    listing = '{{ define "main" }}{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}'  # noqa: E501
    (folder / "layouts/_default/list.html").write_text(listing, encoding="utf-8")
    (folder / "layouts/index.html").write_text(listing, encoding="utf-8")
    config = f'baseURL = "{base_url}"\nlanguageCode = "zh-CN"\nhasCJKLanguage = true\n'
    config += 'disableKinds = ["taxonomy", "term"]\n'
    (folder / "hugo.toml").write_text(config, encoding="utf-8")
    shutil.copytree(site / "assets", folder / "static/assets")
    count = 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        html = page.read_text(encoding="utf-8")
        match = _MAIN.search(html)
        title = _TITLE.search(html)
        if match is None or title is None:
            continue
        target = folder / "content" / (rel[: -len("index.html")] + "_index.html" if rel.endswith("index.html") else rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        front = json.dumps({"title": title.group(1)}, ensure_ascii=False)
        target.write_text(f"{front}\n{match.group(2)}", encoding="utf-8")
        count += 1
    return count


def hugo_build(folder: Path) -> Timing:
    public = folder / "public"
    shutil.rmtree(public, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        ["hugo", "--quiet", "--source", str(folder), "--destination", str(public)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"hugo failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    files = [p for p in public.rglob("*") if p.is_file()]
    return Timing(seconds, sum(1 for p in files if p.suffix == ".html"), len(files), 0.0)


def _median(timings: list[Timing]) -> Timing:
    middle = statistics.median(t.seconds for t in timings)
    return min(timings, key=lambda t: abs(t.seconds - middle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=1000, help="synthetic projects (default 1000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="docgen worker processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build; the median is shown")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    args = parser.parse_args(argv)
    if shutil.which("hugo") is None:
        raise SystemExit("hugo is missing: scripts/setup-system.sh installs Debian's hugo")
    work = args.work or Path(tempfile.mkdtemp(prefix="docgen-bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=False).stdout.split()[1]
    print(f"docgen site vs Hugo {version}; {args.jobs} docgen worker(s); median of {args.repeat} runs; {work}")

    sets = [("shipped content", REPO)]
    synthetic = generate(work / "synthetic", args.projects, [2021, 2022, 2023, 2024])
    sets.append((f"{args.projects:,} synthetic projects", synthetic))
    rows = []
    for label, root in sets:
        out = work / re.sub(r"\W+", "-", label) / "build"
        seconds, _ = docgen(root, out, args.jobs)
        print(f"{label}: documents built first in {seconds:.1f} s (not counted)")
        ours = _median([site_build(root, out, args.jobs) for _ in range(args.repeat)])
        hugo = out.parent / "hugo"
        made = hugo_project(out / "site", hugo, _base_url(root))
        theirs = _median([hugo_build(hugo) for _ in range(args.repeat)])
        rows.append((label, ours, made, theirs))

    print()
    print(f"{'data set':<26}{'docgen pages':>13}{'files':>8}{'site build':>12}{'render CPU':>12}"
          f"{'Hugo pages':>12}{'Hugo build':>12}{'ratio':>8}")  # fmt: skip
    for label, ours, _made, theirs in rows:
        print(
            f"{label:<26}{ours.pages:>13,}{ours.files:>8,}{ours.seconds:>11.2f}s{ours.render_cpu:>11.2f}s"
            f"{theirs.pages:>12,}{theirs.seconds:>11.2f}s{ours.seconds / theirs.seconds:>7.1f}×"
        )
    print()
    print("site build: wall time of `docgen build --only site` (process start, check, plan, render, write);")
    print("render CPU: seconds in the site's render functions, summed over workers; Hugo pages: content")
    print(f"files made from docgen's pages ({sum(r[2] for r in rows):,}), Hugo adds list pages, RSS and sitemap.")
    return 0


def _base_url(root: Path) -> str:
    match = re.search(r"^base_url:\s*(\S+)", (root / "content/site.yaml").read_text(encoding="utf-8"), re.M)
    return match.group(1).strip("\"'") if match else "https://example.invalid/"


if __name__ == "__main__":
    sys.exit(main())
