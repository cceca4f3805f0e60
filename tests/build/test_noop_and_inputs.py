"""The no-op rebuild loads nothing it does not need; the build date and the input hashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.build import BuildError, BuildOptions, Status, build
from docgen.build.inputs import FALLBACK_SOURCE_DATE_EPOCH, BuildDates, InputState, build_dates
from docgen.project import ProjectPaths
from tests.build.conftest import BuildRunner, git_at
from tests.conftest import REPO

NOOP_SCRIPT = """
import json, sys
from pathlib import Path
from docgen.build import BuildOptions, RendererSpec, build
from docgen.project import ProjectPaths
renderers = (RendererSpec("listing", "tests.build.listing_renderer", True),
             RendererSpec("overview", "tests.build.listing_overview", False))
report = build(ProjectPaths(Path(sys.argv[1])), BuildOptions(renderers=renderers, jobs=1))
heavy = ["weasyprint", "docxtpl", "docx", "pydantic", "ruamel.yaml", "jinja2", "docgen.api", "docgen.model.schema",
         "docgen.render.context", "tests.build.listing_renderer", "tests.build.listing_overview", "rich"]
print(json.dumps({"status": report.status.value, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_the_no_op_rebuild_parses_no_yaml_and_imports_no_renderer(
    build_listing: BuildRunner, listing_project: ProjectPaths
) -> None:
    assert build_listing().status is Status.OK
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    completed = subprocess.run(
        [sys.executable, "-c", NOOP_SCRIPT, str(listing_project.root)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(completed.stdout)
    assert result == {"status": Status.NOTHING_TO_DO.value, "loaded": []}


def _commit(root: Path, date: str, *files: str) -> None:
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"{rel} at {date}\n", encoding="utf-8")
    git_at(root, date, "add", "-A")
    git_at(root, date, "commit", "-q", "-m", f"at {date}")


def test_the_build_dates_come_from_the_environment_then_each_files_last_commit_then_a_constant(
    tmp_path: Path,
) -> None:
    fixed = build_dates(tmp_path, {"SOURCE_DATE_EPOCH": "1234567890"})
    assert fixed.fixed and fixed.of(["content/a.yaml"]) == fixed.of([]) == 1234567890
    outside = build_dates(tmp_path, {})  # not a git work tree
    assert outside.of(["content/a.yaml"]) == outside.of([]) == FALLBACK_SOURCE_DATE_EPOCH
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        build_dates(tmp_path, {"SOURCE_DATE_EPOCH": "yesterday"})

    git_at(tmp_path, "2024-05-06T07:08:09Z", "init", "-q")
    _commit(tmp_path, "2024-05-06T07:08:09Z", "content/a.yaml", "content/b.yaml", "templates/t.html")
    _commit(tmp_path, "2024-06-01T00:00:00Z", "content/b.yaml")
    _commit(tmp_path, "2025-01-01T00:00:00Z", "README.md")  # neither content/ nor templates/: dates nothing
    dates = build_dates(tmp_path, {})
    may, june = 1714979289, 1717200000
    assert dates.files == {"content/a.yaml": may, "content/b.yaml": june, "templates/t.html": may}
    assert dates.latest == june and not dates.fixed and not dates.shallow
    assert dates.of(["content/a.yaml", "templates/t.html"]) == may, "what a's documents are made of is as of May"
    assert dates.of(["content/a.yaml", "content/b.yaml"]) == june
    assert dates.of(["content/new.yaml"]) == june, "a file not committed yet: the last commit's date"
    assert dates.of([]) == FALLBACK_SOURCE_DATE_EPOCH

    shallow = tmp_path.parent / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", tmp_path.as_uri(), str(shallow)], check=True)
    cloned = build_dates(shallow, {})
    grafted = 1735689600  # the README's commit, the clone's only one, seems to add every file
    assert cloned.shallow and cloned.files["content/a.yaml"] == grafted, "a shallow clone dates its files by its commit"


def test_the_dates_kept_at_one_commit_are_brought_up_to_date_by_the_commits_since_or_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.build import inputs

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    root.mkdir()
    git_at(root, "2024-05-06T07:08:09Z", "init", "-q")
    _commit(root, "2024-05-06T07:08:09Z", "content/a.yaml", "content/b.yaml")
    logs: list[tuple[str, ...]] = []
    git = inputs._git

    def counted(where: Path, *args: str) -> tuple[bool, str]:
        if args[0] == "log":
            logs.append(args)
        return git(where, *args)

    monkeypatch.setattr(inputs, "_git", counted)
    first = build_dates(root, {})
    assert build_dates(root, {}) == first and len(logs) == 1, "kept: the history is not read again"

    _commit(root, "2024-06-01T00:00:00Z", "content/b.yaml", "templates/t.html")
    logs.clear()
    later = build_dates(root, {})
    assert len(logs) == 1 and ".." in logs[0][-4], "the commits since the kept one only"
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    assert later == build_dates(root, {}), "the same dates as read from the whole history"

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    git_at(root, "2024-07-01T00:00:00Z", "commit", "-q", "--amend", "-m", "rewritten")  # the kept commit is gone
    logs.clear()
    rewritten = build_dates(root, {})
    assert len(logs) == 1 and ".." not in logs[0][-4], "not a descendant: the whole history again"
    assert rewritten.files["templates/t.html"] == 1719792000
    for kept in (tmp_path / "cache" / "dates").iterdir():
        kept.write_text('{"head": 1}', encoding="utf-8")  # damaged
    logs.clear()
    assert build_dates(root, {}) == rewritten and len(logs) == 1


def test_input_hashes_cover_content_and_templates_and_leave_out_hidden_files(listing_project: ProjectPaths) -> None:
    state = InputState.scan(listing_project, BuildDates(0, fixed=True))
    assert "content/site.yaml" in state.files and "templates/listing/project.txt" in state.files
    (listing_project.content / ".hidden.yaml").write_text("x: 1\n", encoding="utf-8")
    assert InputState.scan(listing_project, BuildDates(0, fixed=True)).digest == state.digest
    (listing_project.content / "notes.txt").write_text("x\n", encoding="utf-8")
    changed = InputState.scan(listing_project, BuildDates(0, fixed=True))
    assert changed.changed_since(state) == {"content/notes.txt"}
    assert InputState.scan(listing_project, BuildDates(1, fixed=True)).digest != changed.digest  # the date counts
    dated = BuildDates(1, {"content/site.yaml": 0})
    assert InputState.scan(listing_project, BuildDates(1, {"content/site.yaml": 1})).digest != (
        InputState.scan(listing_project, dated).digest
    ), "and so does each file's"


def test_an_output_folder_over_the_sources_is_refused(listing_project: ProjectPaths) -> None:
    for out in (listing_project.root, listing_project.content, listing_project.content / "built"):
        with pytest.raises(BuildError):
            build(listing_project, BuildOptions(out=out))
    with pytest.raises(BuildError, match="unknown kind"):
        build(listing_project, BuildOptions(only=("pdf", "epub")))


def test_the_last_look_at_the_inputs_reads_only_files_whose_signature_changed_or_that_are_recent(
    listing_project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build looks at its inputs again before it commits (files edited while it ran): a file of
    the same size and time, older than the scan by more than a file system's clock tick, is not read
    again; an edited one is, and so is a recent one, even with the signature it was hashed with."""
    from docgen.build import inputs

    old = os.stat(listing_project.content / "site.yaml").st_mtime_ns - 10 * inputs.RACY_NS
    for file in [*listing_project.content.rglob("*"), *listing_project.templates.rglob("*")]:
        if file.is_file():
            os.utime(file, ns=(old, old))
    first = InputState.scan(listing_project, BuildDates(1700000000, fixed=True))
    edited, recent = sorted((listing_project.content / "projects").glob("*/*.yaml"))[:2]
    edited.write_bytes(edited.read_bytes() + b"# edited\n")
    racy = first.scanned_ns - 1  # as if hashed the moment the scan began, in the same clock tick
    os.utime(recent, ns=(racy, racy))
    first.signatures[recent.relative_to(listing_project.root).as_posix()] = (recent.stat().st_size, racy)
    read: list[str] = []
    real = inputs._sha256_and_signature

    def counted(path: Path | str) -> tuple[str, tuple[int, int]]:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(inputs, "_sha256_and_signature", counted)
    again = first.rescan(listing_project)
    assert sorted(read) == sorted([edited.name, recent.name])
    assert again.changed_since(first) == {edited.relative_to(listing_project.root).as_posix()}
    assert {rel: h for rel, h in again.files.items() if rel != edited.relative_to(listing_project.root).as_posix()} == {
        rel: h for rel, h in first.files.items() if rel != edited.relative_to(listing_project.root).as_posix()
    }


@pytest.mark.parametrize("library", ["weasyprint", "pikepdf", "uharfbuzz", "docxtpl", "jinja2"])
def test_a_new_version_of_a_library_that_makes_output_bytes_changes_every_fingerprint(
    library: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """qpdf (pikepdf) writes the books and HarfBuzz subsets their fonts: an upgrade changes their bytes."""
    from importlib import metadata

    from docgen.build import inputs

    real_version = metadata.version
    before = inputs.code_digest()
    monkeypatch.setattr(inputs.metadata, "version", lambda name: "999.0" if name == library else real_version(name))
    inputs.code_digest.cache_clear()
    try:
        assert inputs.code_digest() != before
    finally:
        inputs.code_digest.cache_clear()
