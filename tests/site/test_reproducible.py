"""Same input, same bytes: the site rendered again in a fresh process is identical, file for file."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.conftest import SOURCE_DATE_EPOCH, BuiltSite


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_the_site_renders_to_the_same_bytes_in_a_fresh_process(built_site: BuiltSite, tmp_path: Path) -> None:
    out = tmp_path / "build"
    shutil.copytree(built_site.out, out)
    shutil.rmtree(out / "site")  # the documents stay: only the site is rendered again
    result = subprocess.run(
        [sys.executable, "-m", "docgen", "build", "--root", str(built_site.project.root), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    again, first = _digests(out / "site"), _digests(built_site.site)
    assert len(first) > 200
    assert again == first
