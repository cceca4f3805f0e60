"""The changes page's per-project parts kept between builds: the same diff and HTML, less work.

:mod:`docgen.diff.memo` keeps each continued project's changes and the HTML of its group; a
comparison of the same project files and figures takes them instead of comparing again. Every
test compares the result with the memo to the result without it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen import diff
from docgen.api import Checked, check
from docgen.diff import compare as compare_module
from docgen.diff.memo import DiffMemo, dumps
from docgen.kept_pack import KeptPack
from docgen.project import ProjectPaths
from tests.conftest import REPO

EDITED = "content/projects/2024/reguarantee-fee-subsidy.yaml"  # continued from 2023


def _compare(checked: Checked, memo: DiffMemo | None, *, heading: int = 2) -> tuple[diff.DiffResult, str]:
    result = diff.compare_years(checked.content, 2023, 2024, facts=checked.facts, located=False, memo=memo)
    return result, str(diff.render_html(result, heading, memo=memo))


def _compared_projects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the projects compared field by field from now on."""
    compared: list[str] = []
    original = compare_module._YearComparer._project

    def counting(self: compare_module._YearComparer, old: object, new: object) -> None:
        compared.append(new.id)  # type: ignore[attr-defined]
        original(self, old, new)  # type: ignore[arg-type]

    monkeypatch.setattr(compare_module._YearComparer, "_project", counting)
    return compared


def _kept(memo: DiffMemo, file: Path) -> DiffMemo:
    """The memo as the next build reads it, kept in ``file``."""
    memo.keep_in(KeptPack(file, dumps))
    return DiffMemo.kept_in(KeptPack(file, dumps))


def test_kept_parts_give_the_same_diff_and_html(
    shipped: Checked, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain, plain_html = _compare(shipped, None)
    first = DiffMemo()
    result, html = _compare(shipped, first)
    assert (result, html) == (plain, plain_html)
    assert plain.comparisons[0].changed_projects, "the shipped years have changed projects"

    compared = _compared_projects(monkeypatch)
    again, again_html = _compare(shipped, _kept(first, tmp_path / "memo.pickle"))
    assert compared == [], "every project's part was kept"
    assert again == plain
    assert again_html == plain_html


def test_an_edit_compares_only_the_edited_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, tmp_path / part)
    memo = DiffMemo()
    _before, before_html = _compare(check(ProjectPaths(tmp_path), templates=False), memo)
    path = tmp_path / EDITED
    text = path.read_text(encoding="utf-8")
    edited_text = text.replace("\nname: ", "\nname: （调整）", 1)
    assert edited_text != text
    path.write_text(edited_text, encoding="utf-8")
    edited = check(ProjectPaths(tmp_path), templates=False)

    compared = _compared_projects(monkeypatch)
    result, html = _compare(edited, _kept(memo, tmp_path / "memo.pickle"))
    assert compared == ["reguarantee-fee-subsidy"]
    assert (result, html) == _compare(edited, None)
    assert html != before_html, "the edit shows"


def test_html_is_kept_for_the_heading_it_was_written_with(shipped: Checked, tmp_path: Path) -> None:
    memo = DiffMemo()
    _compare(shipped, memo, heading=2)
    _result, html = _compare(shipped, _kept(memo, tmp_path / "memo.pickle"), heading=3)
    assert html == _compare(shipped, None, heading=3)[1]


def test_a_located_comparison_does_not_use_the_memo(shipped: Checked) -> None:
    """Positions move with edits elsewhere in a file, which the parts' keys do not see."""
    memo = DiffMemo()
    diff.compare_years(shipped.content, 2023, 2024, facts=shipped.facts, located=True, memo=memo)
    assert memo.keys == {} and memo.used == {}


def test_a_damaged_memo_is_empty(shipped: Checked, tmp_path: Path) -> None:
    memo = DiffMemo()
    _compare(shipped, memo)
    file = tmp_path / "memo.pickle"
    assert _kept(memo, file).kept
    written = [path for path in (file, file.with_suffix(".changes.pickle")) if path.exists()]
    for path in written:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert DiffMemo.kept_in(KeptPack(file, dumps)).kept == {}
    for path in written:
        path.write_bytes(b"")
    assert DiffMemo.kept_in(KeptPack(file, dumps)).kept == {}
