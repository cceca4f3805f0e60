"""Benchmark: ``docgen diff`` between two revisions of a 1,000-project corpus (goal: under 5 s).

    python bench/bench_diff.py [--projects 1000] [--repeat 3] [--keep DIR]

The corpus comes from bench/synthetic.py (1,000 projects over 2021–2024 with evaluations and
notices). It is committed in a throwaway git repository, then edited and committed again, in
the scenarios a reviewer meets:

* one-target     a pull request that edits one target value (the common case);
* one-year       10% of the projects of one year get new amounts and targets;
* every-year     5% of the projects of every year change (every year must be loaded);

and, without git, ``docgen diff 2023 2024`` on the whole working content. Each is timed in
process (median of --repeat runs: git, loading, comparing, Markdown) and as the whole command
(``docgen diff A B --format markdown``, one run, including Python's start-up). Prints numbers only.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from synthetic import generate  # noqa: E402

from docgen.diff import compare_revisions, render_markdown  # noqa: E402
from docgen.diff.run import run_diff  # noqa: E402
from docgen.project import ProjectPaths  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
GOAL_SECONDS = 5.0
_TARGET = re.compile(r'^( +annual: "?)([^"\d\n]*)(\d[\d,]*)', re.M)
_AMOUNT = re.compile(r"^allocated: (\d+)", re.M)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr or done.stdout}")
    return done.stdout.strip()


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def edit_project(path: Path, rng: random.Random, *, amount: bool) -> bool:
    """Raise the first annual target of a project (and its amount); False when it has none."""
    text = path.read_text(encoding="utf-8")
    match = _TARGET.search(text)
    if match is None:
        return False
    number = int(match.group(3).replace(",", "")) + rng.randint(1, 50)
    text = text[: match.start(3)] + str(number) + text[match.end(3) :]
    if amount:
        text = _AMOUNT.sub(lambda m: f"allocated: {int(m.group(1)) + rng.randint(1, 99)}", text, count=1)
    path.write_text(text, encoding="utf-8")
    return True


def projects_of(root: Path, year: int) -> list[Path]:
    return sorted((root / "content" / "projects" / str(year)).glob("*.yaml"))


def timed(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def command_seconds(root: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "diff", *args, "--format", "markdown", "--root", str(root)],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the corpus here and keep it")
    options = parser.parse_args(argv)
    rng = random.Random(6)

    with tempfile.TemporaryDirectory(prefix="docgen-bench-diff-") as temp:
        root = options.keep or Path(temp) / "corpus"
        start = time.perf_counter()
        generate(root, options.projects, [2021, 2022, 2023, 2024])
        files = sum(1 for p in (root / "content").rglob("*") if p.is_file())
        git(root, "init", "-q", "-b", "main")
        base = commit(root, "corpus")
        print(
            f"corpus: {options.projects} projects, {files} content files ({time.perf_counter() - start:.1f} s to make)"
        )

        scenarios: list[tuple[str, Callable[[], int]]] = [
            ("one-target", lambda: int(edit_project(projects_of(root, 2024)[7], rng, amount=False))),
            (
                "one-year",
                lambda: sum(edit_project(p, rng, amount=True) for p in projects_of(root, 2023)[::10]),
            ),
            (
                "every-year",
                lambda: sum(
                    edit_project(p, rng, amount=True) for y in range(2021, 2025) for p in projects_of(root, y)[::20]
                ),
            ),
        ]
        paths = ProjectPaths(root)
        heading = f"{'scenario':<12} {'edited':>6} {'changes':>8} {'in process':>11} {'command':>9}"
        print(f"{heading}   (goal < {GOAL_SECONDS:g} s)")
        worst = 0.0
        for name, make_edits in scenarios:
            git(root, "checkout", "-q", base)
            git(root, "checkout", "-q", "-B", name)
            edited = make_edits()
            commit(root, name)

            def run() -> object:
                result = compare_revisions(paths, base, "HEAD")
                render_markdown(result)
                return result

            seconds, result = timed(run, options.repeat)
            wall = command_seconds(root, base, "HEAD")
            worst = max(worst, wall)
            changes = result.difference_count  # type: ignore[attr-defined]
            print(f"{name:<12} {edited:>6} {changes:>8} {seconds:>10.2f}s {wall:>8.2f}s")

        git(root, "checkout", "-q", base)

        def years() -> object:
            result = run_diff(paths, "2023", "2024")
            render_markdown(result)
            return result

        seconds, result = timed(years, options.repeat)
        wall = command_seconds(root, "2023", "2024")
        changes = result.difference_count  # type: ignore[attr-defined]
        row = f"{'2023→2024':<12} {'-':>6} {changes:>8} {seconds:>10.2f}s {wall:>8.2f}s"
        print(f"{row}   (two years of the working content)")
        print(f"slowest revision diff: {worst:.2f} s — {'within' if worst < GOAL_SECONDS else 'OVER'} the goal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
