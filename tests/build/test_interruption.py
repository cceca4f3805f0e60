"""A build killed or interrupted while it renders leaves the previous outputs as they were.

The build runs in a real process (tests/build/run_listing_build.py, the test renderer slowed
down by LISTING_RENDER_DELAY) that the test kills with SIGKILL, or interrupts with SIGINT, as
soon as it has staged its first output; test_real_renderers.py does the same to
``docgen build`` with the real renderers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgen.build import Status
from docgen.build.writer import MANIFEST, STAGING, TEMP_MARK
from docgen.project import ProjectPaths
from tests.build.conftest import BuildRunner, every_file, snapshot
from tests.build.listing_renderer import PROJECT_TEMPLATE
from tests.conftest import REPO

DEADLINE_SECONDS = 60


def start_build(root: Path, *args: str, delay: str = "0.05") -> subprocess.Popen[str]:
    env = {**os.environ, "LISTING_RENDER_DELAY": delay, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.build.run_listing_build", str(root), *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_first_staged_output(process: subprocess.Popen[str], out: Path) -> None:
    """Return as soon as the build has staged a rendered output (it is then rendering, not committing)."""
    staging = out / STAGING
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if staging.is_dir() and any(TEMP_MARK not in p.name for p in staging.iterdir()):
            return
        if process.poll() is not None:
            raise AssertionError(f"the build ended before it staged anything: {process.communicate()}")
        time.sleep(0.005)
    process.kill()
    raise AssertionError("the build staged nothing in time")


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def wait_until_gone(pids: set[int]) -> set[int]:
    """The processes of ``pids`` still running after a generous deadline (normally none, at once)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}
        time.sleep(0.05)
    return alive


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _change_everything(paths: ProjectPaths) -> None:
    """Edit a template every project listing uses, so that the interrupted build would change many outputs."""
    template = paths.root / PROJECT_TEMPLATE
    template.write_text(
        template.read_text(encoding="utf-8").replace("申报单位：", "申报单位（新）："), encoding="utf-8"
    )


def _visible_leftovers(out: Path, outputs: set[str]) -> set[str]:
    return {p for p in every_file(out) if p not in outputs and p != MANIFEST and not p.startswith(f"{STAGING}/")}


@pytest.mark.slow
def test_sigkill_while_rendering_leaves_the_previous_build_and_the_next_build_completes(
    build_listing: BuildRunner, listing_project: ProjectPaths, tmp_path: Path
) -> None:
    out = listing_project.build
    assert build_listing().status is Status.OK
    before = snapshot(out)
    manifest_before = (out / MANIFEST).read_bytes()
    _change_everything(listing_project)

    process = start_build(listing_project.root, "--jobs", "2")
    wait_for_first_staged_output(process, out)
    workers = children(process.pid)
    assert len(workers) >= 2  # the two render workers (and multiprocessing's resource tracker)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=DEADLINE_SECONDS)
    assert process.returncode == -signal.SIGKILL
    assert wait_until_gone(workers) == set()  # the workers end with the build, none is left behind

    assert snapshot(out) == before  # every previous output, byte for byte
    assert (out / MANIFEST).read_bytes() == manifest_before
    assert _visible_leftovers(out, set(before)) == set()

    report = build_listing()
    assert report.status is Status.OK
    assert any(r.resumed for r in report.rendered)  # what the killed build staged is taken, not rendered again
    assert "申报单位（新）：" in next(p.read_text("utf-8") for p in out.glob("*/listing/*.txt") if p.stem != "index")
    assert every_file(out) == set(before) | {MANIFEST}  # complete, and no staging or temporary file left
    clean = build_listing(out=tmp_path / "clean")
    assert snapshot(out) == snapshot(tmp_path / "clean")
    assert clean.status is Status.OK


@pytest.mark.slow
def test_ctrl_c_stops_the_build_without_writing_anything(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    out = listing_project.build
    assert build_listing().status is Status.OK
    before = snapshot(out)
    _change_everything(listing_project)

    process = start_build(listing_project.root)
    wait_for_first_staged_output(process, out)
    process.send_signal(signal.SIGINT)
    stdout, _ = process.communicate(timeout=DEADLINE_SECONDS)
    assert process.returncode == 130
    assert json.loads(stdout)["status"] == Status.INTERRUPTED.value
    assert snapshot(out) == before
    assert _visible_leftovers(out, set(before)) == set()
    assert build_listing().status is Status.OK


def test_a_build_stopped_half_way_through_its_moves_is_never_taken_for_complete(
    build_listing: BuildRunner, listing_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The manifest is saved once, after the moves. Stopped after the first moves (a crash, a kill),
    the folder holds some new outputs under the last manifest: with the edit kept, the next build
    completes it; with the edit undone, the last build's complete record matches the inputs again,
    and the files moved still do not pass for the ones it records (their size and time differ)."""
    from docgen.build.writer import OutputFolder

    out = listing_project.build
    assert build_listing().status is Status.OK
    before = snapshot(out)
    template = listing_project.root / PROJECT_TEMPLATE
    original = template.read_bytes()
    _change_everything(listing_project)
    place = OutputFolder.place
    moved: list[str] = []

    def stopped(folder: OutputFolder, rel: str, staged: Path) -> os.stat_result:
        if len(moved) == 2:
            raise RuntimeError("stopped half-way through the moves")
        moved.append(rel)
        return place(folder, rel, staged)

    monkeypatch.setattr(OutputFolder, "place", stopped)
    with pytest.raises(RuntimeError):
        build_listing()
    monkeypatch.setattr(OutputFolder, "place", place)
    assert len(moved) == 2 and any(snapshot(out)[rel] != before[rel] for rel in moved)

    template.write_bytes(original)  # the edit undone: the inputs the manifest records as complete
    report = build_listing()
    assert report.status is Status.OK and set(moved) <= set(report.rendered_paths)
    assert snapshot(out) == before
    assert build_listing().status is Status.NOTHING_TO_DO
