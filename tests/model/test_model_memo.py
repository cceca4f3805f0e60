"""The validated models a warm process keeps (docgen.source.model_memo): the same content as a plain load."""

from __future__ import annotations

from pathlib import Path

from docgen.api import check
from docgen.project import ProjectPaths
from docgen.source.cache import ParseCache
from docgen.source.load import load_content
from docgen.source.model_memo import ModelMemo

PROJECT = "projects/2024/reguarantee-fee-subsidy.yaml"


def _edit(paths: ProjectPaths, rel: str, old: str, new: str) -> None:
    file = paths.content / rel
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_load_takes_the_models_of_unchanged_files_and_loads_edited_ones_again(shipped_copy: ProjectPaths) -> None:
    models = ModelMemo()
    first, _ = load_content(shipped_copy.content, models=models)
    kept = len(models)
    assert kept == len(first.documents) - len(first.notices) and models.hits == 0, "every file but the notices"

    second, diagnostics = load_content(shipped_copy.content, models=models)
    assert models.hits == kept and not diagnostics.errors
    assert all(second.projects[y][i] is first.projects[y][i] for y in first.projects for i in first.projects[y])

    _edit(shipped_copy, PROJECT, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
    third, _ = load_content(shipped_copy.content, models=models)
    plain, _ = load_content(shipped_copy.content)
    assert models.hits == 2 * kept - 1, "the edited file alone is loaded again"
    assert third.projects[2024]["reguarantee-fee-subsidy"] is not second.projects[2024]["reguarantee-fee-subsidy"]
    assert third.projects == plain.projects and third.funds == plain.funds and third.evaluations == plain.evaluations


def test_a_file_with_a_problem_is_not_kept_and_reports_it_every_time(shipped_copy: ProjectPaths) -> None:
    models = ModelMemo()
    load_content(shipped_copy.content, models=models)
    _edit(shipped_copy, PROJECT, "\nyear: 2024", "\nyear: 二〇二四")
    for _ in range(2):
        _, diagnostics = load_content(shipped_copy.content, models=models)
        assert [d.path for d in diagnostics.errors] == [f"content/{PROJECT}"]
    (shipped_copy.content / PROJECT).unlink()
    _, diagnostics = load_content(shipped_copy.content, models=models)
    assert not diagnostics.errors and f"content/{PROJECT}" not in models._kept, "a file gone is forgotten"


def test_the_parse_cache_keeps_the_files_a_load_took_from_the_memo(shipped_copy: ProjectPaths, tmp_path: Path) -> None:
    models = ModelMemo()
    check(shipped_copy, templates=False, cache=ParseCache(tmp_path / "cache"), models=models)
    check(shipped_copy, templates=False, cache=ParseCache(tmp_path / "cache"), models=models)
    assert models.hits > 40
    next_process = ParseCache(tmp_path / "cache")
    check(shipped_copy, templates=False, cache=next_process)
    assert next_process.misses == 0 and next_process.hits == models.hits, "the pack still holds every file"
