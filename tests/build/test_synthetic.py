"""The benchmarks' synthetic content is valid content, and the same arguments give the same files."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from docgen.api import check
from docgen.project import ProjectPaths
from tests.conftest import REPO


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_synthetic_content_passes_check_without_a_warning_and_is_reproducible(tmp_path: Path) -> None:
    synthetic = _synthetic()
    root = synthetic.generate(tmp_path / "one", 60, [2022, 2023, 2024], templates=REPO / "templates")
    checked = check(ProjectPaths(root))
    assert [d.format() for d in checked.diagnostics] == []
    assert sum(len(projects) for projects in checked.content.projects.values()) == 60
    assert sorted(checked.content.fund_evaluations) == [2022, 2023]  # every year but the last is evaluated
    assert len(checked.content.evaluations[2022]) == len(checked.content.projects[2022])
    continuing = set(checked.content.projects[2022]) & set(checked.content.projects[2023])
    assert continuing  # some projects run over several years, under the same id
    assert (root / "templates").is_dir()
    again = synthetic.generate(tmp_path / "two", 60, [2022, 2023, 2024], templates=REPO / "templates")
    assert _hashes(root / "content") == _hashes(again / "content")
