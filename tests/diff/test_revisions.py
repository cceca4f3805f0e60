"""Diffs between git revisions: exactly what a commit changed, with its file and line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from docgen.diff import ChangeKind, DiffError, Verdict, compare_revisions, render_json
from docgen.diff.compare import compare_contents
from docgen.diff.model import DiffResult
from docgen.facts import format as fmt
from docgen.model.content import Content
from docgen.project import ProjectPaths
from docgen.source.load import load_content
from tests.diff.conftest import Repo

PROJECT_2024 = "content/projects/2024/reguarantee-fee-subsidy.yaml"
EVALUATION_2023 = "content/evaluations/2023/reguarantee-fee-subsidy.yaml"


def diff(repo: Repo, old: str, new: str | None = None, **options: str) -> DiffResult:
    return compare_revisions(ProjectPaths(repo.root), old, new, **options)  # type: ignore[arg-type]


def test_a_commit_that_edits_one_target_value(repo: Repo) -> None:
    repo.replace(PROJECT_2024, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    repo.commit("raise the 2024 financing target")

    result = diff(repo, "HEAD~1", "HEAD")
    assert result.difference_count == 1
    (change,) = result.all_changes()
    assert change.kind is ChangeKind.TARGET
    assert (change.old, change.new) == ("不低于160亿元", "不低于170亿元")
    assert str(change.location) == f"{PROJECT_2024}:54"
    assert change.location.col == 21  # the value itself
    assert change.label == "效益指标 › 经济效益 › 实现融资金额总量 › 年度目标"
    assert change.verdict is Verdict.TIGHTENED
    (quantity,) = change.quantities
    assert quantity.number is not None
    assert fmt.signed_delta(quantity.number.delta, quantity.number.delta_unit) == "+10亿元"
    assert fmt.signed_percent(quantity.number.ratio) == "+6.3%"
    assert [c.new_year for c in result.comparisons] == [2024]
    assert result.old.commit is not None and result.new.commit is not None and result.old.commit != result.new.commit

    mirrored = diff(repo, "HEAD", "HEAD~1")
    assert json.loads(render_json(mirrored))["comparisons"] == json.loads(render_json(result.mirrored()))["comparisons"]


def test_the_working_tree_when_new_is_left_out(repo: Repo) -> None:
    assert not diff(repo, "HEAD").has_differences
    assert not diff(repo, "main", "HEAD").has_differences
    repo.replace(PROJECT_2024, "allocated: 725.4", "allocated: 800")
    result = diff(repo, "HEAD")
    (change,) = result.all_changes()
    assert result.new.kind == "working-tree"
    assert change.kind is ChangeKind.AMOUNT and change.label == "分配金额"
    assert change.amount is not None and fmt.signed_delta(change.amount.delta, "万元") == "+74.6万元"
    assert str(change.location) == f"{PROJECT_2024}:6"


def test_only_changed_years_are_read(repo: Repo) -> None:
    """A year whose files are the same at both revisions is not even loaded: here 2021 is broken
    at both, and a change in 2024 still compares; a change in the broken year says why it cannot."""
    repo.write("content/projects/2021/broken.yaml", "id: broken\nyear: 2021\nseq: [1\n")
    base = repo.commit("a broken 2021 file")
    repo.replace(PROJECT_2024, 'stage: "不低于80亿元"', 'stage: "不低于90亿元"')
    repo.commit("2024 stage target")
    (change,) = diff(repo, base, "HEAD").all_changes()
    assert (change.old, change.new) == ("不低于80亿元", "不低于90亿元")

    repo.replace("content/projects/2021/reguarantee-fee-subsidy.yaml", "requested: 640", "requested: 650")
    repo.commit("touch 2021")
    with pytest.raises(DiffError) as error:
        diff(repo, "HEAD~1", "HEAD")
    message = str(error.value)
    assert "revision HEAD~1 has 1 error(s)" in message
    assert "content/projects/2021/broken.yaml:4:" in message and "[yaml-syntax]" in message


def test_a_new_year_a_notice_a_configuration_file_and_an_attachment(repo: Repo) -> None:
    for source in sorted((repo.root / "content/projects/2024").iterdir()):
        text = source.read_text(encoding="utf-8").replace("year: 2024", "year: 2025")
        repo.write(f"content/projects/2025/{source.name}", text)
    repo.write("content/funds/2025.yaml", "year: 2025\nhierarchy: legacy\nbudget: 3000\n")
    notice = next((repo.root / "content/notices").iterdir())
    text = notice.read_text(encoding="utf-8")
    body_start = text.index("---", 3) + 4
    first_line = next(line for line in text[body_start:].split("\n") if line.strip())
    repo.write(f"content/notices/{notice.name}", text.replace(first_line, first_line + "（更新）", 1))
    repo.write("content/scoring.yaml", _scoring())
    repo.write("content/files/guide.pdf", "%PDF-1.4 not really\n")
    repo.commit("2025, an edited notice, scoring, an attachment")

    result = diff(repo, "HEAD~1", "HEAD")
    scored, year = result.comparisons
    # the scoring policy changes what 2023's evaluation computes: 目标值设置偏低 deducts less
    fund_score = next(c for c in scored.changes if c.label == "综合得分")
    assert (scored.new_year, fund_score.old, fund_score.new) == (2023, "91.43分", "96.93分")
    assert fund_score.location.path == "content/evaluations/2023/_fund.yaml"
    assert (year.old_year, year.new_year) == (None, 2025)
    assert len(year.added) == 5 and not year.removed
    assert any(c.kind is ChangeKind.FILE_ADDED and c.scope.kind == "fund" for c in year.changes)
    kinds = {(c.scope.kind, c.kind) for c in result.changes}
    assert ("notice", ChangeKind.FIELD) in kinds
    assert ("file", ChangeKind.FILE_ADDED) in kinds
    body = next(c for c in result.changes if c.scope.kind == "notice")
    assert body.label == "正文"
    lines = (repo.root / "content/notices" / notice.name).read_text(encoding="utf-8").split("\n")
    assert "（更新）" in lines[body.location.line - 1]
    scoring = [c for c in result.changes if c.scope.kind == "config"]
    assert scoring and all(c.location.path == "content/scoring.yaml" for c in scoring)


def _scoring() -> str:
    """The default scoring policy with the over-achievement ratio changed (a configuration change)."""
    from importlib import resources

    text = resources.files("docgen").joinpath("data/scoring.yaml").read_text(encoding="utf-8")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("ratio:"))
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f"{indent}ratio: 2.5"
    return "\n".join(lines)


def test_evaluation_results_changed(repo: Repo) -> None:
    repo.replace(EVALUATION_2023, "outcome: 26.25", "outcome: 24.25")
    repo.replace("content/evaluations/2023/_fund.yaml", 'actual: "247.76亿元"', 'actual: "250亿元"')
    repo.commit("a corrected score and actual value")
    result = diff(repo, "HEAD~1", "HEAD")
    by_label = {c.label: c for c in result.all_changes()}
    outcome = by_label["评价得分 › 效益"]
    assert (outcome.old, outcome.new, outcome.verdict) == ("26.25分", "24.25分", Verdict.LOWERED)
    assert outcome.location.path == EVALUATION_2023
    total = by_label["总分"]
    assert (total.old, total.new) == ("94.25分", "92.25分")  # computed from the section scores
    actual = next(c for c in result.all_changes() if c.kind is ChangeKind.RESULT)
    assert (actual.old, actual.new, actual.verdict) == ("247.76亿元", "250亿元", Verdict.RAISED)
    assert actual.location.path == "content/evaluations/2023/_fund.yaml"


def test_narrowed_to_one_project(repo: Repo) -> None:
    repo.replace(PROJECT_2024, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    repo.replace("content/projects/2024/finance-culture-research.yaml", "allocated: 100", "allocated: 120")
    repo.commit("two projects")
    assert diff(repo, "HEAD~1", "HEAD").difference_count == 2
    narrowed = diff(repo, "HEAD~1", "HEAD", project="reguarantee-fee-subsidy")
    assert [c.scope.key for c in narrowed.all_changes()] == ["reguarantee-fee-subsidy"]


def test_clear_errors(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    with pytest.raises(DiffError, match="cannot find revision 'no-such-branch'"):
        diff(repo, "no-such-branch")
    with pytest.raises(DiffError, match="is not a revision"):
        diff(repo, "--output=/tmp/x")
    outside = tmp_path_factory.mktemp("not-a-repo")
    (outside / "content").mkdir()
    with pytest.raises(DiffError, match="cannot find the git repository"):
        compare_revisions(ProjectPaths(outside), "HEAD")


def _whole(repo: Repo, revision: str, folder: Path) -> Content:
    """The whole content of a revision, extracted and loaded, every file read."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", revision, "content"], cwd=repo.root, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    content, diagnostics = load_content(folder / "content")
    assert not diagnostics.errors
    return content


def test_reading_only_what_changed_gives_the_same_diff_as_reading_everything(repo: Repo, tmp_path: Path) -> None:
    repo.replace(PROJECT_2024, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    repo.replace(EVALUATION_2023, "outcome: 26.25", "outcome: 24.25")
    (repo.root / "content/projects/2022/zhuhai-ip-finance-platform.yaml").unlink()
    source = repo.root / "content/projects/2024/finance-culture-research.yaml"
    repo.write("content/projects/2024/finance-culture-study.yaml", source.read_text(encoding="utf-8").replace(
        "id: finance-culture-research", "id: finance-culture-study"))  # fmt: skip
    notice = next((repo.root / "content/notices").iterdir())
    repo.replace(f"content/notices/{notice.name}", "\n---\n", "\n---\n补充说明。\n")
    repo.commit("several kinds of change")
    fast = diff(repo, "HEAD~1", "HEAD")
    old, new = _whole(repo, "HEAD~1", tmp_path / "old"), _whole(repo, "HEAD", tmp_path / "new")
    slow = compare_contents(old, new, fast.old, fast.new)
    assert json.loads(render_json(fast)) == json.loads(render_json(slow))
    assert {c.new_year for c in fast.comparisons} == {2022, 2023, 2024}


def test_a_project_in_a_subfolder_of_the_repository(repo: Repo) -> None:
    """Locations stay relative to the project (the folder holding content/), as check prints them."""
    (repo.root / "bureau").mkdir()
    (repo.root / "content").rename(repo.root / "bureau" / "content")
    repo.commit("move the project into bureau/")
    repo.replace(f"bureau/{PROJECT_2024}", "allocated: 725.4", "allocated: 700")
    repo.commit("lower an amount")
    (change,) = compare_revisions(ProjectPaths(repo.root / "bureau"), "HEAD~1", "HEAD").all_changes()
    assert str(change.location) == f"{PROJECT_2024}:6"
