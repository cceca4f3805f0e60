"""Fixtures of the build tests: a writable copy of the shipped content, builds, snapshots of outputs."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.build import BuildOptions, BuildReport, build
from docgen.project import ProjectPaths
from tests.build import listing_renderer

SOURCE_DATE_EPOCH = "1700000000"  # 2023-11-14: fixed for every test build


@pytest.fixture(autouse=True)
def _fixed_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


def snapshot(out: Path) -> dict[str, str]:
    """sha256 of every file in the output folder except the build's own (.docgen-*), by relative path."""
    result: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(out):
        dirnames[:] = [d for d in dirnames if not d.startswith(".docgen")]
        for name in filenames:
            if name.startswith(".docgen"):
                continue
            path = Path(dirpath) / name
            result[path.relative_to(out).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def every_file(out: Path) -> set[str]:
    """Every file below ``out``, the build's own included (to look for leftovers)."""
    return {(Path(d) / n).relative_to(out).as_posix() for d, _, names in os.walk(out) for n in names}


@pytest.fixture
def listing_project(shipped_copy: ProjectPaths) -> ProjectPaths:
    """The shipped content with the test renderer's templates."""
    for rel, text in listing_renderer.TEMPLATES.items():
        path = shipped_copy.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return shipped_copy


BuildRunner = Callable[..., BuildReport]


@pytest.fixture
def build_listing(listing_project: ProjectPaths) -> BuildRunner:
    """Build the listing project with the test renderer (inline unless ``jobs`` says otherwise)."""

    def run(**options: object) -> BuildReport:
        settings: dict[str, object] = {"renderers": listing_renderer.RENDERERS, "jobs": 1, **options}
        return build(listing_project, BuildOptions(**settings))  # type: ignore[arg-type]

    return run


def git_at(root: Path, date: str, *command: str) -> None:
    """``git -C root <command>``, committing (if it does) at ``date``, whatever the machine's git set-up."""
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(root), *command], env=env, check=True, capture_output=True)
