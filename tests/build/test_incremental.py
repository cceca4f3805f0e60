"""The build renders exactly what changed, removes what is gone, and commits all or nothing.

These tests use the test renderer (tests/build/listing_renderer.py) on a copy of the shipped
content, so that every dependency is known to the test; test_real_renderers.py repeats the
essentials with the Word, PDF and website renderers.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from docgen.api import check
from docgen.build import Status
from docgen.build.manifest import Manifest
from docgen.build.writer import OutputFolder
from docgen.project import ProjectPaths
from docgen.render.context import Output, RenderContext
from tests.build import listing_renderer
from tests.build.conftest import BuildRunner, every_file, git_at, snapshot
from tests.build.listing_renderer import INDEX_TEMPLATE, PROJECT_TEMPLATE


def _projects(paths: ProjectPaths) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for file in sorted((paths.content / "projects").glob("*/*.yaml")):
        found.setdefault(int(file.parent.name), []).append(file.stem)
    return found


def _named(paths: ProjectPaths) -> tuple[int, list[str]]:
    """The first year with at least two projects that have a ``name``, and those projects."""
    for year, ids in _projects(paths).items():
        named = [i for i in ids if "\nname: " in (paths.content / f"projects/{year}/{i}.yaml").read_text("utf-8")]
        if len(named) >= 2:
            return year, named
    raise AssertionError("the shipped content has no year with two named projects")


def _all_outputs(paths: ProjectPaths) -> set[str]:
    """What the listing renderers plan for the content, worked out from the content files."""
    outputs = {"overview.txt"}
    for year, ids in _projects(paths).items():
        outputs |= {f"{year}/listing/{i}.txt" for i in ids} | {f"{year}/listing/index.txt", f"{year}/bundle.zip"}
    return outputs


def _plan(paths: ProjectPaths) -> list[Output]:
    checked = check(paths, templates=False)
    return listing_renderer.plan(RenderContext(paths, checked.content, checked.facts, 1700000000))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_build_renders_every_output_and_a_complete_bundle(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    report = build_listing()
    out = listing_project.build
    assert report.status is Status.OK, report.text_lines()
    assert set(report.rendered_paths) == _all_outputs(listing_project)
    assert set(snapshot(out)) == _all_outputs(listing_project)

    year, ids = next(iter(_projects(listing_project).items()))
    project_text = (out / f"{year}/listing/{ids[0]}.txt").read_text(encoding="utf-8")
    assert project_text.startswith(f"{year}年 ") and "生成日期：2023年11月14日" in project_text
    with zipfile.ZipFile(out / f"{year}/bundle.zip") as bundle:
        names = bundle.namelist()
        listing = json.loads(bundle.read(f"{year}/manifest.json"))
        documents = {d["path"]: d for d in listing["documents"]}
        assert names == [*sorted(documents), f"{year}/manifest.json"]
        assert set(documents) == {f"{year}/listing/{i}.txt" for i in ids} | {f"{year}/listing/index.txt"}
        for path, entry in documents.items():
            data = (out / path).read_bytes()
            assert bundle.read(path) == data
            assert entry["size"] == len(data)
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()  # the build's hash of the file
            assert entry["kind"] == "listing" and entry["renderer"].startswith("tests.build.listing_renderer:")
        assert documents[f"{year}/listing/{ids[0]}.txt"]["sources"] == [f"content/projects/{year}/{ids[0]}.yaml"]
        assert {info.date_time for info in bundle.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    overview = (out / "overview.txt").read_text(encoding="utf-8")
    index_size = (out / f"{year}/listing/index.txt").stat().st_size
    assert f"{year}/listing/index.txt\t{index_size} bytes\t{year}年项目清单" in overview


def test_a_rebuild_with_nothing_changed_renders_nothing(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    before = snapshot(listing_project.build)
    report = build_listing()
    assert report.status is Status.NOTHING_TO_DO
    assert report.rendered == [] and report.removed == []
    assert sum(report.unchanged.values()) == len(_all_outputs(listing_project))
    assert snapshot(listing_project.build) == before


def test_editing_one_project_renders_only_its_outputs_and_the_year_documents_that_include_it(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    year, ids = _named(listing_project)
    project_file = listing_project.content / f"projects/{year}/{ids[1]}.yaml"
    _edit(project_file, "\nname: ", "\nname: 改名后的")
    report = build_listing()
    assert report.status is Status.OK
    assert report.rendered_paths == sorted(
        [f"{year}/listing/{ids[1]}.txt", f"{year}/listing/index.txt", f"{year}/bundle.zip", "overview.txt"]
    )
    assert "改名后的" in (listing_project.build / f"{year}/listing/{ids[1]}.txt").read_text(encoding="utf-8")
    assert build_listing().status is Status.NOTHING_TO_DO


def test_editing_a_template_renders_exactly_the_outputs_that_use_it(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    before = snapshot(listing_project.build)
    _edit(listing_project.root / PROJECT_TEMPLATE, "申报单位：", "申报单位（主体）：")
    report = build_listing()
    projects = _projects(listing_project)
    users = {f"{year}/listing/{i}.txt" for year, ids in projects.items() for i in ids}
    bundles = {f"{year}/bundle.zip" for year in projects}  # they hold the changed documents
    assert set(report.rendered_paths) == users | bundles
    after = snapshot(listing_project.build)
    assert {path for path in after if after[path] != before[path]} == users | bundles

    _edit(listing_project.root / INDEX_TEMPLATE, "合计：", "合计金额：")
    report = build_listing()
    indexes = {f"{year}/listing/index.txt" for year in projects}
    assert set(report.rendered_paths) == indexes | bundles | {"overview.txt"}


def test_deleting_a_project_removes_its_outputs(build_listing: BuildRunner, listing_project: ProjectPaths) -> None:
    build_listing()
    year, ids = next(iter(_projects(listing_project).items()))
    (listing_project.content / f"projects/{year}/{ids[0]}.yaml").unlink()
    report = build_listing()
    gone = f"{year}/listing/{ids[0]}.txt"
    assert report.status is Status.OK
    assert report.removed == [gone]
    assert not (listing_project.build / gone).exists()
    assert gone not in Manifest.load(OutputFolder(listing_project.build)).outputs
    assert set(report.rendered_paths) == {f"{year}/listing/index.txt", f"{year}/bundle.zip", "overview.txt"}
    with zipfile.ZipFile(listing_project.build / f"{year}/bundle.zip") as bundle:
        assert gone not in bundle.namelist()


def test_an_output_rendered_again_with_the_same_bytes_stays_in_place(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    """An edit the output does not show (a comment) renders it again; the same bytes leave its file
    as it was, time and all, and the next build has nothing to do. New bytes replace it."""
    build_listing()
    year, ids = _named(listing_project)
    project_file = listing_project.content / f"projects/{year}/{ids[0]}.yaml"
    listing = listing_project.build / f"{year}/listing/{ids[0]}.txt"
    before = listing.stat()
    project_file.write_text(project_file.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    report = build_listing()
    assert f"{year}/listing/{ids[0]}.txt" in report.rendered_paths
    after = listing.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert build_listing().status is Status.NOTHING_TO_DO

    _edit(project_file, "\nname: ", "\nname: 改名后的")
    build_listing()
    assert listing.stat().st_mtime_ns != before.st_mtime_ns and "改名后的" in listing.read_text(encoding="utf-8")
    assert build_listing().status is Status.NOTHING_TO_DO


def test_an_output_deleted_or_edited_by_hand_is_made_again_and_nothing_else(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    before = snapshot(listing_project.build)
    year, ids = next(iter(_projects(listing_project).items()))
    deleted = listing_project.build / f"{year}/listing/{ids[0]}.txt"
    deleted.unlink()
    edited = listing_project.build / f"{year}/listing/index.txt"
    edited.write_text("changed by hand\n", encoding="utf-8")
    report = build_listing()
    # Both come back byte for byte, so the bundle and the overview that read them stay as they were.
    assert report.rendered_paths == sorted([f"{year}/listing/{ids[0]}.txt", f"{year}/listing/index.txt"])
    assert snapshot(listing_project.build) == before


def test_outputs_restored_with_new_times_and_the_same_bytes_are_taken_as_built_not_rendered_again(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    """A CI job restores build/ from its cache (or unpacks it): every file gets a new time."""
    first = build_listing()
    before = snapshot(listing_project.build)
    for dirpath, dirnames, filenames in os.walk(listing_project.build):
        dirnames[:] = [d for d in dirnames if not d.startswith(".docgen")]
        for name in filenames:
            os.utime(os.path.join(dirpath, name), (1_800_000_000, 1_800_000_000))
    year, ids = next(iter(_projects(listing_project).items()))
    same_size = listing_project.build / f"{year}/listing/{ids[0]}.txt"
    text = same_size.read_bytes()
    same_size.write_bytes(text[:-1] + (b"!" if text[-1:] != b"!" else b"?"))  # edited by hand, same size

    report = build_listing()
    assert report.rendered_paths == [f"{year}/listing/{ids[0]}.txt"], "only the file whose bytes changed"
    assert sum(report.unchanged.values()) == len(first.rendered) - 1
    assert snapshot(listing_project.build) == before
    assert build_listing().status is Status.NOTHING_TO_DO, "the manifest took the files' new times"


def test_content_errors_refuse_the_build_and_leave_the_outputs(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    before = snapshot(listing_project.build)
    year, ids = next(iter(_projects(listing_project).items()))
    _edit(listing_project.content / f"projects/{year}/{ids[0]}.yaml", f"\nyear: {year}", "\nyear: 二〇二一")
    report = build_listing()
    assert report.status is Status.REFUSED and report.exit_code == 1
    assert report.rendered == []
    errors = report.diagnostics.errors
    assert errors and errors[0].path == f"content/projects/{year}/{ids[0]}.yaml"
    assert errors[0].format().startswith(f"content/projects/{year}/{ids[0]}.yaml:")
    assert snapshot(listing_project.build) == before


def test_a_failing_render_commits_nothing_and_the_next_build_takes_what_was_staged(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    before = snapshot(listing_project.build)
    manifest_before = (listing_project.build / ".docgen-manifest.json").read_bytes()
    year, ids = _named(listing_project)
    _edit(listing_project.content / f"projects/{year}/{ids[0]}.yaml", "\nname: ", "\nname: 新")
    index_template = listing_project.root / INDEX_TEMPLATE
    good_template = index_template.read_text(encoding="utf-8")
    index_template.write_text(good_template + "{undefined_field}\n", encoding="utf-8")

    report = build_listing()
    assert report.status is Status.FAILED and report.exit_code == 1
    failed = {f.path: f for f in report.failures}
    assert "KeyError" in failed[f"{year}/listing/index.txt"].error
    assert f"{year}/listing/{ids[0]}.txt" in report.rendered_paths  # rendered, staged, not committed
    assert snapshot(listing_project.build) == before
    assert (listing_project.build / ".docgen-manifest.json").read_bytes() == manifest_before
    lines = [line for line, _ in report.text_lines()]
    assert any(line.startswith(f"{year}/listing/index.txt: error: not made: KeyError") for line in lines)

    index_template.write_text(good_template, encoding="utf-8")
    report = build_listing()
    assert report.status is Status.OK
    resumed = {r.path for r in report.rendered if r.resumed}
    assert resumed == {f"{year}/listing/{ids[0]}.txt"}
    assert "新" in (listing_project.build / f"{year}/listing/{ids[0]}.txt").read_text(encoding="utf-8")
    assert not (listing_project.build / ".docgen-staging").exists()


def test_year_and_only_select_outputs_and_leave_the_others_alone(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    projects = _projects(listing_project)
    first, second = list(projects)[:2]
    report = build_listing(year=first)
    assert set(report.rendered_paths) == {f"{first}/listing/{i}.txt" for i in projects[first]} | {
        f"{first}/listing/index.txt",
        f"{first}/bundle.zip",
    }
    report = build_listing(year=second, only=("listing",))
    assert set(report.rendered_paths) == {f"{second}/listing/{i}.txt" for i in projects[second]} | {
        f"{second}/listing/index.txt"
    }
    assert (listing_project.build / f"{first}/bundle.zip").exists()  # another selection's output stays
    assert not (listing_project.build / f"{second}/bundle.zip").exists()
    report = build_listing(only=("overview",))  # brings in the indexes it reads, nothing else
    assert set(report.rendered_paths) == {"overview.txt"} | {
        f"{year}/listing/index.txt" for year in projects if year not in (first, second)
    }
    assert build_listing(only=("overview",)).status is Status.NOTHING_TO_DO
    assert build_listing().status is Status.OK  # the other selection is not complete yet
    assert build_listing().status is Status.NOTHING_TO_DO


def test_two_clean_builds_give_identical_bytes_inline_and_in_parallel(
    build_listing: BuildRunner, listing_project: ProjectPaths, tmp_path: Path
) -> None:
    first = build_listing(out=tmp_path / "one")
    second = build_listing(out=tmp_path / "two", jobs=2)
    assert first.workers == 0 and second.workers == 2  # inline, then in two worker processes
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert len(snapshot(tmp_path / "one")) == len(_all_outputs(listing_project))


def test_the_build_date_is_part_of_every_fingerprint(
    build_listing: BuildRunner, listing_project: ProjectPaths, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    build_listing()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710000000")  # 2024-03-09
    report = build_listing()
    assert set(report.rendered_paths) == _all_outputs(listing_project)
    year, ids = next(iter(_projects(listing_project).items()))
    assert "生成日期：2024年3月9日" in (listing_project.build / f"{year}/listing/{ids[0]}.txt").read_text("utf-8")


def test_a_committed_edit_re_dates_only_the_outputs_made_of_what_it_changed(
    build_listing: BuildRunner, listing_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SOURCE_DATE_EPOCH each output is dated by the last commit that changed what it is
    made of: the merge of one project's edit does not re-render every document of every year."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    root = listing_project.root

    def commit(date: str) -> None:
        git_at(root, date, "add", "content", "templates", "NOTES.md")
        git_at(root, date, "commit", "-q", "-m", date)

    (root / "NOTES.md").write_text("notes\n", encoding="utf-8")
    git_at(root, "2024-03-09T00:00:00Z", "init", "-q")
    commit("2024-03-09T00:00:00Z")
    build_listing()
    year, ids = _named(listing_project)
    _edit(listing_project.content / f"projects/{year}/{ids[0]}.yaml", "\nname: ", "\nname: 新")
    commit("2024-04-01T00:00:00Z")
    report = build_listing()
    assert set(report.rendered_paths) == {
        f"{year}/listing/{ids[0]}.txt",
        f"{year}/listing/index.txt",
        f"{year}/bundle.zip",
        "overview.txt",
    }, "that project's output, its year's and the overview that reads them: nothing of the other years"
    assert "生成日期：2024年4月1日" in (listing_project.build / f"{year}/listing/{ids[0]}.txt").read_text("utf-8")
    assert "生成日期：2024年3月9日" in (listing_project.build / f"{year}/listing/{ids[1]}.txt").read_text("utf-8")
    with zipfile.ZipFile(listing_project.build / f"{year}/bundle.zip") as bundle:
        assert {info.date_time[:3] for info in bundle.infolist()} == {(2024, 4, 1)}, "as new as its newest document"

    (root / "NOTES.md").write_text("more notes\n", encoding="utf-8")
    commit("2024-05-01T00:00:00Z")
    assert build_listing().status is Status.NOTHING_TO_DO, "a commit outside content/ and templates/ dates nothing"


def test_no_temporary_or_staged_file_is_left_after_a_build(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    build_listing()
    assert every_file(listing_project.build) == _all_outputs(listing_project) | {".docgen-manifest.json"}


def test_the_manifest_keeps_each_outputs_render_time_for_the_next_build_to_share_the_work(
    build_listing: BuildRunner, listing_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.build.engine import _estimate, _expected

    monkeypatch.setenv("LISTING_RENDER_DELAY", "0.02")
    build_listing()
    first = Manifest.load(OutputFolder(listing_project.build))
    assert all(record.seconds >= 0.02 for record in first.outputs.values() if record.kind == "listing")
    year, ids = _named(listing_project)
    _edit(listing_project.content / f"projects/{year}/{ids[1]}.yaml", "\nname: ", "\nname: 改名后的")
    monkeypatch.setenv("LISTING_RENDER_DELAY", "0.1")
    build_listing()
    second = Manifest.load(OutputFolder(listing_project.build))
    edited, kept = f"{year}/listing/{ids[1]}.txt", f"{year}/listing/{ids[0]}.txt"
    assert second.outputs[edited].seconds >= 0.1, "rendered again: its new time"
    assert second.outputs[kept].seconds == first.outputs[kept].seconds, "unchanged: its last render's time"

    output = next(o for o in _plan(listing_project) if o.path == edited)
    assert _expected(output, second) == second.outputs[edited].seconds
    assert _expected(output, Manifest()) == _estimate(output), "never rendered: the estimate by kind"
