"""Benchmark of ``docgen build`` and ``docgen check``: the shipped content and 1,000 projects, side by side.

``python bench/bench_build.py [--projects 1000] [--jobs 2] [--work DIR]``

For each data set, in one run: ``check`` from a fresh process and an empty parse cache, a
full build into an empty folder, a no-op rebuild, and two rebuilds after one project's YAML is
edited (the first project of the latest year: what a 申报单位 proposing its targets changes): its
name is changed, which makes its line of the year's book contents take two lines and moves every
contents page after it (the costliest one-project edit), then one of its target values (the
commonest edit: units propose targets, evaluators enter results). Every step is a
separate ``docgen`` process (as CI runs it); the script prints its wall time, what it rendered,
and its peak memory: the largest single process (main or worker) and the whole process tree
(sampled every 50 ms). The build's own phase times come from ``--format json``. Then the same
two kinds of edit (the rename taken back, another target value) under ``docgen build --watch``,
each timed from the write to the watch's report of the build it made.

Goals (issue 7): no-op rebuild of 1,000 projects < 0.5 s; one project edited < 3 s; ``check`` of
1,000 projects < 5 s from a fresh process; full build of the shipped content < 20 s on 2 cores;
peak memory < 600 MB.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import REPO, generate

SAMPLE_SECONDS = 0.05
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(slots=True)
class Step:
    seconds: float
    peak_process_mb: float
    peak_tree_mb: float
    report: dict[str, object] = field(default_factory=dict)
    returncode: int = 0


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux: /proc/<pid>/task/<tid>/children)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(child) for child in children.read_text().split())
        except OSError:
            continue
    return found


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def run(command: list[str], env: dict[str, str]) -> Step:
    """Run one docgen process; wall time and peak memory of the process and of its whole tree."""
    # Output goes to files: a pipe read only at the end would fill up and block the build.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        peak_process, peak_tree = _watch(process)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak_process = max(peak_process, _max_child_rss_kb())
    peak_tree = max(peak_tree, peak_process)
    report: dict[str, object] = json.loads(stdout) if stdout.strip().startswith("{") else {}
    if process.returncode != 0:
        print(f"  ! {' '.join(command[1:4])} … exited {process.returncode}: {stderr.strip()[-500:]}", file=sys.stderr)
    return Step(seconds, peak_process / 1024, peak_tree / 1024, report, process.returncode)


def _watch(process: subprocess.Popen[str]) -> tuple[int, int]:
    """Sample the RSS of the process and its descendants until it ends: (largest process, whole tree) in KB."""
    peaks = (0, 0)
    while process.poll() is None:
        peaks = _sample(process.pid, peaks)
        time.sleep(SAMPLE_SECONDS)
    return peaks


def _sample(pid: int, peaks: tuple[int, int]) -> tuple[int, int]:
    """``peaks`` (largest process, whole tree, in KB) raised to the RSS of ``pid`` and its descendants now."""
    tree = [pid]
    index = 0
    while index < len(tree):
        tree.extend(_children(tree[index]))
        index += 1
    sizes = [_rss_kb(member) for member in tree]
    return max(peaks[0], *sizes), max(peaks[1], sum(sizes))


_last_children_maxrss = 0


def _max_child_rss_kb() -> int:
    """ru_maxrss of waited-for children: only grows, so use it when it grew during this step."""
    import resource

    global _last_children_maxrss
    value = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    grew = value if value > _last_children_maxrss else 0
    _last_children_maxrss = max(value, _last_children_maxrss)
    return grew


def edit_one_project(root: Path) -> str:
    """Rename the first project of the latest year (a real edit a person makes); return its file."""
    latest = sorted((root / "content" / "projects").iterdir())[-1]
    project = sorted(latest.glob("*.yaml"))[0]
    text = project.read_text(encoding="utf-8")
    if "\nname: " in text:
        text = text.replace("\nname: ", "\nname: （调整）", 1)
    else:
        text = text.replace("\nseq: ", "\nname: 调整后的项目名称\nseq: ", 1)
    project.write_text(text, encoding="utf-8")
    return project.relative_to(root).as_posix()


_NUMBER_IN_VALUE = re.compile(r"^(\s+(?:annual|stage|cycle): \D*)(\d+)", re.MULTILINE)


def edit_one_target_value(root: Path) -> str:
    """Change the first number in a target value of the first project of the latest year; return its file."""
    latest = sorted((root / "content" / "projects").iterdir())[-1]
    for project in sorted(latest.glob("*.yaml")):
        text = project.read_text(encoding="utf-8")
        if _NUMBER_IN_VALUE.search(text):
            edited = _NUMBER_IN_VALUE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", text, count=1)
            project.write_text(edited, encoding="utf-8")
            return project.relative_to(root).as_posix()
    raise SystemExit(f"no target value with a number in {latest}")


def bench(label: str, root: Path, jobs: int | None, env: dict[str, str]) -> dict[str, Step | str]:
    docgen = [sys.executable, "-m", "docgen"]
    # A parse cache of this data set only, empty at first: "check" is from cold (nothing parsed
    # before), the builds that follow find what the check parsed, as they would on a workstation.
    cache = root / ".bench-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**env, "DOCGEN_CACHE_DIR": str(cache)}
    print(f"… {label}: check", file=sys.stderr)
    results: dict[str, Step | str] = {"check": run([*docgen, "check", "--root", str(root), "--format", "json"], env)}
    out = root / "build"
    shutil.rmtree(out, ignore_errors=True)
    build = [*docgen, "build", "--root", str(root), *(["-j", str(jobs)] if jobs else []), "--format", "json"]
    print(f"… {label}: full build", file=sys.stderr)
    results["full build"] = run(build, env)
    print(f"… {label}: no-op rebuild", file=sys.stderr)
    results["no-op rebuild"] = run(build, env)
    results["edited"] = edit_one_project(root)
    print(f"… {label}: one project edited", file=sys.stderr)
    results["one project edited"] = run(build, env)
    results["value edited"] = edit_one_target_value(root)
    print(f"… {label}: one target value edited", file=sys.stderr)
    results["one value edited"] = run(build, env)
    print(f"… {label}: the same two edits under docgen build --watch", file=sys.stderr)
    results.update(watched(build, root, env))
    return results


def watched(build: list[str], root: Path, env: dict[str, str]) -> dict[str, Step | str]:
    """``docgen build --watch``: the rename undone, then a target value edited, each timed from the
    write to the watch's report of the build it made (a JSON line), with the peak memory meanwhile."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        process = subprocess.Popen([*build, "--watch"], env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            first = _report_line(process)
            if first.get("status") != "nothing-to-do":
                raise SystemExit(f"docgen build --watch began with a build that had work: {first.get('status')}")
            steps: dict[str, Step | str] = {}
            steps["watch undone"], steps["one project edited (--watch)"] = _watched_step(process, undo_rename, root)
            steps["watch value"], steps["one value edited (--watch)"] = _watched_step(
                process, edit_one_target_value, root
            )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    return steps


def _report_line(process: subprocess.Popen[str]) -> dict[str, object]:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise SystemExit("docgen build --watch ended")
    report: dict[str, object] = json.loads(line)
    return report


def _watched_step(process: subprocess.Popen[str], edit: Callable[[Path], str], root: Path) -> tuple[str, Step]:
    """Make ``edit`` and wait for the build of the watch it starts: the file edited, the build's time and memory."""
    assert process.stdout is not None
    started = time.perf_counter()
    edited = edit(root)
    peaks = (0, 0)
    while not select.select([process.stdout], [], [], SAMPLE_SECONDS)[0]:
        peaks = _sample(process.pid, peaks)
    report = _report_line(process)
    return edited, Step(time.perf_counter() - started, peaks[0] / 1024, peaks[1] / 1024, report)


def undo_rename(root: Path) -> str:
    """Take back :func:`edit_one_project`'s new name (its contents line one line shorter again); return the file."""
    latest = sorted((root / "content" / "projects").iterdir())[-1]
    project = sorted(latest.glob("*.yaml"))[0]
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("\nname: （调整）", "\nname: ", 1), encoding="utf-8")
    return project.relative_to(root).as_posix()


STEPS = (
    "check",
    "full build",
    "no-op rebuild",
    "one project edited",
    "one value edited",
    "one project edited (--watch)",
    "one value edited (--watch)",
)
WIDTH = 40


def _rendered(step: Step) -> str:
    rendered = step.report.get("rendered")
    if not isinstance(rendered, list):
        return ""
    kinds: dict[str, int] = {}
    for item in rendered:
        if isinstance(item, dict):
            kinds[str(item["kind"])] = kinds.get(str(item["kind"]), 0) + 1
    text = f"{len(rendered)} rendered" + (
        f" ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})" if kinds else ""
    )
    status = step.report.get("status")
    return f"{status}, {text}" if status != "ok" else text


def _details(step: Step) -> str:
    """What the build reported: what it rendered, its phases, its workers."""
    phases = step.report.get("phases")
    parts = [_rendered(step)] if step.report.get("rendered") is not None else []
    if isinstance(phases, dict) and phases:
        parts.append(" · ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items()))
    workers = step.report.get("workers")
    if isinstance(workers, int) and workers > 1:
        parts.append(f"{workers} workers")
    ahead = step.report.get("ahead")
    if isinstance(ahead, int) and ahead:
        parts.append(f"{ahead} rendered ahead")
    return "; ".join(parts)


def _slowest(step: Step, count: int = 4) -> str:
    """The renders that took longest, each with when it finished (the build's timeline), when few rendered."""
    rendered = step.report.get("rendered")
    if not isinstance(rendered, list) or not rendered or len(rendered) > 500:
        return ""
    items = [item for item in rendered if isinstance(item, dict)]
    slowest = sorted(items, key=lambda item: -float(item.get("seconds", 0)))[:count]
    return ", ".join(
        f"{item['path']} {float(item['seconds']):.2f} s (done at {float(item['finished']):.2f} s)" for item in slowest
    )


def print_table(columns: dict[str, dict[str, Step | str]], header: str) -> None:
    print(header)
    names = list(columns)
    print(f"{'':<30}" + "".join(f"{name:<{WIDTH}}" for name in names))
    for step in STEPS:
        cells = []
        for name in names:
            result = columns[name][step]
            assert isinstance(result, Step)
            cells.append(
                f"{result.seconds:7.2f} s  {result.peak_process_mb:4.0f} MB (tree {result.peak_tree_mb:4.0f} MB)"
            )
        print(f"{step:<30}" + "".join(f"{cell:<{WIDTH}}" for cell in cells))
    print("\n(time: wall clock of the docgen process; MB: peak RSS of its largest process, and of all its processes)")
    for name in names:
        print(f"\n{name} — renamed, then a target value edited: {columns[name]['edited']}")
        for step in STEPS:
            result = columns[name][step]
            assert isinstance(result, Step)
            details = _details(result)
            if details:
                print(f"  {step}: {details}")
            slowest = _slowest(result)
            if slowest:
                print(f"    slowest: {slowest}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="docgen build benchmark")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None, help="docgen build -j (default: docgen's own choice)")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="where to put the two projects (default: a temp folder, removed at the end)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temp folder (its builds: ~0.8 GB at 1,000 projects)"
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _run(args, work)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path) -> int:
    # The builds fingerprint docgen's own code: run a snapshot of it, so that an edit made to the
    # checkout while the benchmark runs cannot turn its no-op rebuild into a full one.
    code = work / "code"
    shutil.rmtree(code, ignore_errors=True)
    shutil.copytree(REPO / "src" / "docgen", code / "docgen", ignore=shutil.ignore_patterns("__pycache__"))
    # Byte-compiled as an installation is (pip compiles what it installs): with PYTHONDONTWRITEBYTECODE
    # set, as on this machine, every docgen process would otherwise compile docgen's modules again
    # (~0.1 s of a no-op rebuild).
    compileall.compile_dir(code, quiet=1)
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")])),
    }

    shipped = work / "shipped"
    shutil.rmtree(shipped, ignore_errors=True)
    shipped.mkdir()
    for part in ("content", "templates"):
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, shipped / part)
    synthetic = work / f"synthetic-{args.projects}"
    started = time.perf_counter()
    generate(synthetic, args.projects, list(range(2021, 2025)))
    generated = time.perf_counter() - started
    shipped_projects = len(list((shipped / "content" / "projects").glob("*/*.yaml")))
    load_before = os.getloadavg()[0]
    columns = {
        f"shipped ({shipped_projects} projects)": bench("shipped", shipped, args.jobs, env),
        f"synthetic ({args.projects} projects)": bench("synthetic", synthetic, args.jobs, env),
    }
    print_table(
        columns,
        f"docgen build benchmark — {os.cpu_count()} cores, -j {args.jobs or 'default'}; "
        f"load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after; synthetic content generated in {generated:.1f} s into {work}"
        + ("" if args.work is not None or args.keep else " (removed at the end; --keep keeps it)")
        + "\n",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
