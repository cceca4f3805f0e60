"""The no-op rebuild loads nothing it does not need; the build date and the input hashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.build import BuildError, BuildOptions, Status, build
from docgen.build.inputs import FALLBACK_SOURCE_DATE_EPOCH, InputState, source_date_epoch
from docgen.project import ProjectPaths
from tests.build.conftest import BuildRunner
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


def test_the_build_date_comes_from_the_environment_then_git_then_a_constant(tmp_path: Path) -> None:
    assert source_date_epoch(tmp_path, {"SOURCE_DATE_EPOCH": "1234567890"}) == 1234567890
    assert source_date_epoch(tmp_path, {}) == FALLBACK_SOURCE_DATE_EPOCH  # not a git work tree
    git_env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2024-05-06T07:08:09Z",
        "GIT_COMMITTER_DATE": "2024-05-06T07:08:09Z",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    for command in (["init", "-q"], ["add", "content"], ["commit", "-q", "-m", "a"]):
        subprocess.run(["git", "-C", str(tmp_path), *command], env=git_env, check=True)
    assert source_date_epoch(tmp_path, {}) == 1714979289
    # a later commit that touches neither content/ nor templates/ keeps the date (no full re-render)
    later = {**git_env, "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z"}
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    for command in (["add", "README.md"], ["commit", "-q", "-m", "docs"]):
        subprocess.run(["git", "-C", str(tmp_path), *command], env=later, check=True)
    assert source_date_epoch(tmp_path, {}) == 1714979289
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        source_date_epoch(tmp_path, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_input_hashes_cover_content_and_templates_and_leave_out_hidden_files(listing_project: ProjectPaths) -> None:
    state = InputState.scan(listing_project, 0)
    assert "content/site.yaml" in state.files and "templates/listing/project.txt" in state.files
    (listing_project.content / ".hidden.yaml").write_text("x: 1\n", encoding="utf-8")
    assert InputState.scan(listing_project, 0).digest == state.digest
    (listing_project.content / "notes.txt").write_text("x\n", encoding="utf-8")
    changed = InputState.scan(listing_project, 0)
    assert changed.changed_since(state) == {"content/notes.txt"}
    assert InputState.scan(listing_project, 1).digest != changed.digest  # the build date counts


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
    first = InputState.scan(listing_project, 1700000000)
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
