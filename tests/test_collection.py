"""The test command collects every test folder (pytest skips folders named "build" by default)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_every_test_folder_is_collected() -> None:
    folders = sorted(p.name for p in (REPO / "tests").iterdir() if p.is_dir() and (p / "__init__.py").exists())
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    collected = {line.split("/")[1] for line in result.stdout.splitlines() if line.startswith("tests/") and "/" in line}
    assert "build" in folders
    assert set(folders) <= collected, result.stdout[-2000:]
