"""Nothing outside the output folder is written or read; bundle entries are safe, dated, reproducible."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.api import check
from docgen.build import Status
from docgen.build.bundle import write_bundle, zip_time
from docgen.build.plan import PlanError, order_in_waves, select, validate_outputs
from docgen.build.writer import BuiltOutputs, OutputFolder, UnsafePathError, path_problem
from docgen.project import ProjectPaths
from docgen.render.context import Output, RenderContext, built_sizes
from tests.build.conftest import BuildRunner, snapshot

UNSAFE = [
    "../a.pdf",
    "/etc/passwd",
    "a/../a.pdf",
    "a//b.pdf",
    "C:x.pdf",
    "a\\b.pdf",
    "CON.pdf",
    "2023/nul",
    "x.pdf.",
    ".hidden",
    "2023/.docgen-manifest.json",
    "a\u202eb.pdf",  # right-to-left override
    "a\u200bb.pdf",  # zero-width space
    "a\x0bb.pdf",
    "a\ud800.pdf",  # lone surrogate
    "",
    "x" * 300,
]
SAFE = [
    "2023/evaluation-report.pdf",
    "2022/targets/reguarantee-fee-subsidy.docx",
    "site/files/2023/附件1-目录清单（2023年）.docx",
]


@pytest.mark.parametrize("path", UNSAFE)
def test_unsafe_output_paths_are_refused(path: str) -> None:
    assert path_problem(path) is not None


@pytest.mark.parametrize("path", SAFE)
def test_ordinary_output_paths_are_accepted(path: str) -> None:
    assert path_problem(path) is None


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.text(alphabet="aAcCoOnNuUlLpPtTxX19._- /\\:KſΩ年\u202e\x00", max_size=14), min_size=1, max_size=4))
def test_the_quick_check_of_plain_paths_agrees_with_the_close_look(segments: list[str]) -> None:
    from docgen.build.writer import _closer_look

    path = "/".join(segments)
    assert (path_problem(path) is None) == (_closer_look(path) is None), path


def _output(path: str, after: tuple[str, ...] = ()) -> Output:
    return Output(path=path, kind="listing", renderer="m:f", after=after)


def test_the_planner_refuses_what_the_build_cannot_write() -> None:
    with pytest.raises(PlanError, match="unsafe"):
        validate_outputs([_output("../escape.txt")])
    with pytest.raises(PlanError, match="two outputs"):
        validate_outputs([_output("a.txt"), _output("a.txt")])
    with pytest.raises(PlanError, match="file and as a folder"):
        validate_outputs([_output("a"), _output("a/b.txt")])
    with pytest.raises(PlanError, match="no renderer plans"):
        validate_outputs([_output("a.txt", after=("b.txt",))])
    with pytest.raises(PlanError, match="a copy of"):
        validate_outputs([_output("a.txt"), Output(path="b.txt", kind="listing", renderer="m:f", copy_of="a.txt")])
    with pytest.raises(PlanError, match="cycle"):
        order_in_waves([_output("a.txt", after=("b.txt",)), _output("b.txt", after=("a.txt",))])
    waves = order_in_waves([_output("c.txt", after=("b.txt",)), _output("b.txt", after=("a.txt",)), _output("a.txt")])
    assert [[o.path for o in wave] for wave in waves] == [["a.txt"], ["b.txt"], ["c.txt"]]


def test_outputs_that_share_one_list_of_what_they_read_are_planned_as_each_alone() -> None:
    """The search index's files share one ``after`` list, which the planner looks at once: a read
    it lacks, a cycle through one of them and the waves are found as with lists of their own."""
    shared = ("r.txt", "s.txt")
    with pytest.raises(PlanError, match="no renderer plans"):
        validate_outputs([_output("r.txt"), _output("i1.json", after=shared), _output("i2.json", after=shared)])
    with pytest.raises(PlanError, match="cycle"):  # i2 reads s, which reads i2
        order_in_waves(
            [
                _output("r.txt"),
                _output("s.txt", after=("i2.json",)),
                _output("i1.json", after=shared),
                _output("i2.json", after=shared),
            ]
        )
    outputs = [
        _output("i1.json", after=shared),
        _output("s.txt", after=("r.txt",)),
        _output("r.txt"),
        _output("i2.json", after=shared),
    ]
    waves = order_in_waves(outputs)
    assert [[o.path for o in wave] for wave in waves] == [["r.txt"], ["s.txt"], ["i1.json", "i2.json"]]
    assert {o.path for o in select(outputs, {"listing"}, None)} == {o.path for o in outputs}


def test_the_writer_does_not_write_through_a_symbolic_link_out_of_the_folder(
    build_listing: BuildRunner, listing_project: ProjectPaths, tmp_path: Path
) -> None:
    assert build_listing().status is Status.OK
    outside = tmp_path / "outside"
    outside.mkdir()
    year_folder = next(p for p in sorted(listing_project.build.iterdir()) if p.name.isdigit()) / "listing"
    for file in year_folder.iterdir():
        file.unlink()
    year_folder.rmdir()
    year_folder.symlink_to(outside, target_is_directory=True)
    report = build_listing()
    assert report.status is Status.FAILED
    assert any("resolves outside" in f.error for f in report.failures)
    assert list(outside.iterdir()) == []
    with pytest.raises(UnsafePathError):
        OutputFolder(listing_project.build).target(f"{year_folder.parent.name}/listing/x.txt")


def test_built_outputs_hold_only_what_was_declared_and_never_follow_links(tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(b"%PDF-1.7 real")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    link = tmp_path / "link.pdf"
    link.symlink_to(secret)
    built = BuiltOutputs({"2023/a.pdf": str(real), "2023/b.pdf": str(link)})
    assert built["2023/a.pdf"] == b"%PDF-1.7 real"
    assert list(built) == ["2023/a.pdf", "2023/b.pdf"] and len(built) == 2
    with pytest.raises(OSError):
        built["2023/b.pdf"]
    with pytest.raises(KeyError):
        built["2023/undeclared.pdf"]
    assert built.size("2023/a.pdf") == len(b"%PDF-1.7 real"), "a size, from the file"
    with pytest.raises(OSError):
        built.size("2023/b.pdf")
    with pytest.raises(KeyError):
        built.size("2023/undeclared.pdf")
    sized = BuiltOutputs({"2023/a.pdf": str(real)})
    assert built_sizes(sized) == built_sizes({"2023/a.pdf": real.read_bytes()}) == {"2023/a.pdf": 13}


def _context(shipped: ProjectPaths, files: dict[str, str], epoch: int) -> RenderContext:
    checked = check(shipped, templates=False)
    return RenderContext(shipped, checked.content, checked.facts, epoch, built=BuiltOutputs(files))


def render_bundle(ctx: RenderContext, year: int, spec_json: str) -> bytes:
    buffer = io.BytesIO()
    write_bundle(ctx, year, spec_json, buffer)
    return buffer.getvalue()


def _spec(*paths: str) -> str:
    return json.dumps([{"path": p, "kind": "pdf", "renderer": "m:f", "sources": [], "templates": []} for p in paths])


def test_the_bundle_is_reproducible_and_its_entries_are_safe_and_dated(
    shipped_copy: ProjectPaths, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.docx"
    a.write_bytes(b"A" * 1000)
    b.write_bytes(b"B" * 10)
    files = {"2023/report.pdf": str(a), "2023/targets/x.docx": str(b)}
    ctx = _context(shipped_copy, files, 0)  # 1970: before the first date a zip can hold
    first = render_bundle(ctx, 2023, _spec("2023/targets/x.docx", "2023/report.pdf"))
    assert render_bundle(ctx, 2023, _spec("2023/report.pdf", "2023/targets/x.docx")) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["2023/report.pdf", "2023/targets/x.docx", "2023/manifest.json"]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        # compressed documents are stored as they are; the manifest (text) is deflated
        assert [i.compress_type for i in infos] == [zipfile.ZIP_STORED, zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]
        listing = json.loads(archive.read("2023/manifest.json"))
    assert listing["documents"][0] == {
        "path": "2023/report.pdf",
        "size": 1000,
        "sha256": hashlib.sha256(a.read_bytes()).hexdigest(),
        "kind": "pdf",
        "renderer": "m:f",
        "sources": [],
        "templates": [],
    }
    assert zip_time(1700000001) == (2023, 11, 14, 22, 13, 20)  # zip keeps even seconds
    with pytest.raises(ValueError):
        render_bundle(_context(shipped_copy, {"../x.pdf": str(a)}, 0), 2023, _spec("../x.pdf"))
    with pytest.raises(ValueError):
        render_bundle(_context(shipped_copy, {"2022/x.pdf": str(a)}, 0), 2023, _spec("2022/x.pdf"))


def test_the_next_build_removes_the_temporary_files_a_killed_build_left(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    assert build_listing().status is Status.OK
    before = snapshot(listing_project.build)
    staging = listing_project.build / ".docgen-staging"
    staging.mkdir()
    (staging / f"{'0' * 64}.tmp-123-abcd").write_bytes(b"half")  # a killed build's half-written file
    (listing_project.build / ".docgen-manifest.json.tmp-1-ab").write_bytes(b"{")
    assert build_listing(force=True).status is Status.OK
    assert snapshot(listing_project.build) == before
    assert sorted(os.listdir(listing_project.build)) == sorted(
        {p.split("/")[0] for p in before} | {".docgen-manifest.json"}
    )


def test_workers_get_the_checked_content_without_the_positions_kept_for_check(shipped_copy: ProjectPaths) -> None:
    import pickle

    from docgen.build.runner import worker_context

    checked = check(shipped_copy, templates=False)
    ctx = RenderContext(shipped_copy, checked.content, checked.facts, 0)
    sent = pickle.loads(pickle.dumps(worker_context(ctx)))
    assert sent.content.documents == {} and ctx.content.documents  # the main process keeps them
    assert sent.content.projects == ctx.content.projects and sent.content.files == ctx.content.files
    assert sent.facts.keys() == ctx.facts.keys()
    assert sent.source_date_epoch == 0


def test_a_staging_folder_replaced_by_a_link_is_not_written_through(
    build_listing: BuildRunner, listing_project: ProjectPaths, tmp_path: Path
) -> None:
    assert build_listing().status is Status.OK
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (listing_project.build / ".docgen-staging").symlink_to(outside, target_is_directory=True)
    assert build_listing(force=True).status is Status.OK
    assert list(outside.iterdir()) == []
    assert not (listing_project.build / ".docgen-staging").is_symlink()  # replaced by a folder of its own


@pytest.mark.parametrize("links", [True, False])
def test_a_copy_is_staged_as_a_link_to_the_file_or_as_its_bytes_where_there_are_no_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    folder = OutputFolder(tmp_path / "out")
    folder.prepare()
    source = folder.stage("a" * 64, b"%PDF-1.7 the document")
    if not links:

        def no_links(*_: object, **__: object) -> None:
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(os, "link", no_links)
    copy = folder.stage_link("b" * 64, source)
    assert copy.read_bytes() == source.read_bytes()
    assert (copy.stat().st_ino == source.stat().st_ino) is links
    assert sorted(p.name for p in copy.parent.iterdir()) == ["a" * 64, "b" * 64], "no temporary file left"
