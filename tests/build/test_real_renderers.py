"""The build with the real renderers (Word, PDF, website) on a copy of the shipped content.

Each test starts from one complete build (made once for the module and copied), changes
something, rebuilds, and compares what was rendered with what the renderers' own plan says
depends on the change: the outputs that list the changed file, and the outputs that read
those (``after``), and nothing else. A test that needs a renderer module that does not exist
skips, naming it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.api import check
from docgen.build import DEFAULT_RENDERERS, BuildOptions, BuildReport, Status, build, known_kinds
from docgen.build.manifest import Manifest
from docgen.build.plan import module_exists, plan_outputs
from docgen.build.writer import MANIFEST, OutputFolder
from docgen.project import ProjectPaths
from docgen.render.context import Output, RenderContext
from tests.build.conftest import SOURCE_DATE_EPOCH, every_file, snapshot
from tests.build.test_interruption import DEADLINE_SECONDS, children, wait_for_first_staged_output, wait_until_gone
from tests.conftest import REPO

pytestmark = pytest.mark.slow

MODULES = {spec.kind: spec.module for spec in DEFAULT_RENDERERS}
MISSING = [module for module in MODULES.values() if not module_exists(module)]


def needs(*kinds: str) -> pytest.MarkDecorator:
    absent = [MODULES[kind] for kind in kinds if not module_exists(MODULES[kind])]
    return pytest.mark.skipif(bool(absent), reason=f"renderer module(s) {', '.join(absent)} do not exist yet")


def _build(paths: ProjectPaths, **options: object) -> BuildReport:
    settings: dict[str, object] = {"jobs": 2, **options}
    return build(paths, BuildOptions(**settings))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProjectPaths]:
    """The shipped content and templates, built once with every renderer that exists."""
    if len(MISSING) == len(MODULES):
        pytest.skip("no renderer module exists yet")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    root = tmp_path_factory.mktemp("built")
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, root / part)
    paths = ProjectPaths(root)
    report = _build(paths)
    assert report.status is Status.OK, report.text_lines()
    yield paths
    monkeypatch.undo()


@pytest.fixture
def project(built: ProjectPaths, tmp_path: Path) -> ProjectPaths:
    """A private copy of the built project (content, templates and build/)."""
    for part in ("content", "templates", "build"):
        shutil.copytree(built.root / part, tmp_path / part, symlinks=True)
    return ProjectPaths(tmp_path)


def planned(paths: ProjectPaths) -> list[Output]:
    """Every output the renderers plan for the project as it is now."""
    checked = check(paths)
    assert not checked.diagnostics.has_errors()
    ctx = RenderContext(paths, checked.content, checked.facts, int(SOURCE_DATE_EPOCH))
    return plan_outputs(ctx, DEFAULT_RENDERERS, kinds=known_kinds(), year=None).outputs


def affected(outputs: list[Output], changed: str) -> tuple[set[str], set[str]]:
    """The outputs that list ``changed``, and those that read them (transitively)."""
    direct = {o.path for o in outputs if changed in o.content_files or changed in o.templates}
    readers: set[str] = set()
    frontier = set(direct)
    while frontier:
        frontier = {o.path for o in outputs if set(o.after) & frontier} - readers - direct
        readers |= frontier
    return direct, readers


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_planned_output_is_built_and_each_year_has_a_complete_bundle(built: ProjectPaths) -> None:
    outputs = planned(built)
    assert set(snapshot(built.build)) == {o.path for o in outputs}
    for bundle in (o for o in outputs if o.kind == "bundle"):
        year = bundle.path.split("/")[0]
        with zipfile.ZipFile(built.build / bundle.path) as archive:
            listing = json.loads(archive.read(f"{year}/manifest.json"))
            documents = {d["path"] for d in listing["documents"]}
            assert documents == set(bundle.after)
            assert documents == {o.path for o in outputs if o.kind in ("docx", "pdf") and o.path.startswith(f"{year}/")}
            for path in documents:
                assert archive.read(path) == (built.build / path).read_bytes()


def test_a_rebuild_with_nothing_changed_renders_nothing(project: ProjectPaths) -> None:
    report = _build(project)
    assert report.status is Status.NOTHING_TO_DO and report.rendered == []


@needs("docx")
def test_editing_one_project_renders_its_outputs_and_the_year_documents_that_include_it(project: ProjectPaths) -> None:
    changed = "content/projects/2023/reguarantee-fee-subsidy.yaml"
    _edit(project.root / changed, "\nallocated: 1189.84", "\nallocated: 1189.85")
    outputs = planned(project)
    direct, readers = affected(outputs, changed)
    report = _build(project)
    assert report.status is Status.OK, report.text_lines()
    rendered = set(report.rendered_paths)
    assert "2023/targets/reguarantee-fee-subsidy.docx" in direct
    assert direct <= rendered <= direct | readers
    assert not any(path.startswith(("2021/", "2022/", "2024/")) for path in rendered)
    assert _build(project).status is Status.NOTHING_TO_DO


@needs("pdf")
def test_editing_a_template_renders_exactly_the_outputs_that_use_it(project: ProjectPaths) -> None:
    outputs = planned(project)
    used = sorted({t for o in outputs for t in o.templates if t.endswith(".css")}, key=lambda t: t)
    template = next(t for t in used if 0 < sum(t in o.templates for o in outputs) < len(outputs) / 2)
    (project.root / template).write_text(
        (project.root / template).read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8"
    )
    direct, readers = affected(outputs, template)
    report = _build(project)
    assert report.status is Status.OK, report.text_lines()
    assert direct <= set(report.rendered_paths) <= direct | readers


@needs("docx")
def test_deleting_a_project_removes_its_outputs(project: ProjectPaths) -> None:
    before = {o.path for o in planned(project)}
    (project.content / "projects/2024/finance-culture-research.yaml").unlink()
    after = {o.path for o in planned(project)}
    gone = before - after
    assert "2024/targets/finance-culture-research.docx" in gone
    report = _build(project)
    assert report.status is Status.OK, report.text_lines()
    assert set(report.removed) == gone
    assert set(snapshot(project.build)) == after
    assert not set(Manifest.load(OutputFolder(project.build)).outputs) & gone


def test_two_clean_builds_give_identical_bytes(
    built: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    report = _build(built, out=tmp_path / "again")
    assert report.status is Status.OK
    first, second = snapshot(built.build), snapshot(tmp_path / "again")
    assert first == second
    assert any(path.endswith("bundle.zip") for path in first)


@needs("docx")
def test_docgen_build_killed_with_sigkill_leaves_the_previous_build_and_the_next_completes(
    project: ProjectPaths,
) -> None:
    out = project.build
    before = snapshot(out)
    manifest_before = (out / MANIFEST).read_bytes()
    _edit(project.content / "projects/2023/reguarantee-fee-subsidy.yaml", "\nallocated: 1189.84", "\nallocated: 1190")
    command = [sys.executable, "-m", "docgen", "build", "--root", str(project.root), "-j", "2", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_first_staged_output(process, out)
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=DEADLINE_SECONDS)
    assert process.returncode == -signal.SIGKILL
    assert wait_until_gone(workers) == set()

    assert snapshot(out) == before
    assert (out / MANIFEST).read_bytes() == manifest_before
    assert {p for p in every_file(out) if not p.startswith(".docgen")} == set(before)

    completed = subprocess.run([*command[:-1], "--format", "json"], capture_output=True, text=True, check=False)
    result = json.loads(completed.stdout)
    assert completed.returncode == 0 and result["status"] == Status.OK.value, completed.stderr
    assert any(item["resumed"] for item in result["rendered"])
    assert every_file(out) == {o.path for o in planned(project)} | {MANIFEST}
    assert _build(project).status is Status.NOTHING_TO_DO


HEAVY_SCRIPT = """
import json, sys
from pathlib import Path
from docgen.build import BuildOptions, build
from docgen.project import ProjectPaths
report = build(ProjectPaths(Path(sys.argv[1])), BuildOptions(jobs=1))
print(json.dumps({"status": report.status.value, "rendered": report.rendered_paths,
                  "loaded": [m for m in ("weasyprint", "docxtpl") if m in sys.modules]}))
"""


@needs("site")
def test_a_change_only_the_website_reads_does_not_load_weasyprint(project: ProjectPaths) -> None:
    # (docxtpl may be loaded all the same: `docgen check`, which runs whenever content changed,
    # validates the Word templates with it unless they were checked clean before.)
    notice = next((project.content / "notices").glob("*.md"))
    _edit(notice, "\n一、", "\n一、（修订）")
    completed = subprocess.run(
        [sys.executable, "-c", HEAVY_SCRIPT, str(project.root)], capture_output=True, text=True, check=True
    )
    result = json.loads(completed.stdout)
    assert result["status"] == Status.OK.value, completed.stderr
    assert result["rendered"] and all(path.startswith("site/") for path in result["rendered"])
    assert "weasyprint" not in result["loaded"]


def _docgen_build(project: ProjectPaths, temp: Path, *options: str) -> dict[str, object]:
    """``docgen build --format json`` in its own process, its temporary files under ``temp``."""
    temp.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "docgen", "build", "--root", str(project.root), "--format", "json", *options]
    env = {**os.environ, "TMPDIR": str(temp), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout)
    return result


@needs("pdf")
def test_a_small_edit_renders_its_pdfs_in_the_helper_with_the_same_bytes_and_leaves_no_temporary_files(
    project: ProjectPaths, tmp_path: Path
) -> None:
    changed = project.content / "projects/2024/chaozhou-credit-risk-compensation.yaml"
    _edit(changed, "\nname: ", "\nname: （调整）")
    inline = tmp_path / "inline"
    shutil.copytree(project.build, inline, symlinks=True)
    temp = tmp_path / "tmp"

    helped = _docgen_build(project, temp)  # the default: a helper forked to render the PDFs
    assert helped["status"] == Status.OK.value
    rendered = {item["path"] for item in helped["rendered"]}  # type: ignore[attr-defined]
    pdfs = {path for path in rendered if path.endswith(".pdf") and not path.startswith("site/")}
    assert pdfs == {"2024/targets/chaozhou-credit-risk-compensation.pdf", "2024/targets.pdf"}
    by_helper = {item["path"] for item in helped["rendered"] if item["helper"]}  # type: ignore[attr-defined]
    assert pdfs <= by_helper, "every PDF in the helper"
    assert helped["helped"] == len(by_helper) and helped["workers"] == 0
    assert helped["ahead"] == 1, "the edited sheet, rendered while the build planned"
    finished = {item["path"]: item["finished"] for item in helped["rendered"]}  # type: ignore[attr-defined]
    assert 0 < finished["2024/targets/chaozhou-credit-risk-compensation.pdf"] < finished["2024/targets.pdf"]
    assert finished["2024/targets.pdf"] < finished["2024/bundle.zip"], "the timeline: the book after its sheet"

    alone = _docgen_build(project, temp, "-j", "1", "--out", str(inline))  # no helper: all in one process
    assert alone["helped"] == 0 and {item["path"] for item in alone["rendered"]} == rendered  # type: ignore[attr-defined]
    assert snapshot(inline) == snapshot(project.build)
    assert list(temp.iterdir()) == []  # WeasyPrint's copies of the fonts (~86 MB a process) are gone


def test_the_next_build_removes_the_worker_folder_of_a_build_that_was_killed(
    project: ProjectPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.build.runner import SCRATCH_PREFIX, Scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # a temporary folder the user chose: used as is
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = tmp_path / f"{SCRATCH_PREFIX}{gone.stdout.strip()}-x1"
    running = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-x2"  # a build still running (this one)
    for folder in (abandoned, running):
        (folder / "weasyprint-1").mkdir(parents=True)
    scratch = Scratch()
    assert not abandoned.exists() and running.exists() and Path(scratch.path).parent == tmp_path
    scratch.remove()
    assert not Path(scratch.path).exists()


def test_worker_folders_go_to_memory_when_it_has_room_and_no_temporary_folder_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.build import runner

    memory, system = tmp_path / "shm", tmp_path / "tmp"
    memory.mkdir()
    system.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    monkeypatch.setattr(runner, "MEMORY_FOLDER", memory)
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = memory / f"{runner.SCRATCH_PREFIX}{gone.stdout.strip()}-x1"
    abandoned.mkdir()

    monkeypatch.setattr(runner, "MEMORY_FOLDER_ROOM", 0)
    scratch = runner.Scratch()
    assert Path(scratch.path).parent == memory, "room enough: in memory"
    assert not abandoned.exists(), "a killed build's folder in memory is removed too"
    scratch.remove()

    monkeypatch.setattr(runner, "MEMORY_FOLDER_ROOM", 1 << 62)
    scratch = runner.Scratch()
    assert Path(scratch.path).parent == system, "no room: the system's temporary folder"
    scratch.remove()

    monkeypatch.setattr(runner, "MEMORY_FOLDER_ROOM", 0)
    monkeypatch.setenv("TMPDIR", str(system))
    scratch = runner.Scratch()
    assert Path(scratch.path).parent == system, "TMPDIR set: the user's choice"
    scratch.remove()


def test_the_sites_copies_of_the_documents_are_the_documents_files(built: ProjectPaths) -> None:
    files = built.build / "site" / "files"
    copies = [path for path in files.rglob("*") if path.is_file()]
    assert any(path.name == "bundle.zip" for path in copies)
    for copy in copies:
        document = built.build / copy.relative_to(files)
        assert copy.stat().st_ino == document.stat().st_ino, "a hard link: no second 70 MB bundle"
        assert copy.read_bytes() == document.read_bytes()


@needs("docx", "site")
def test_every_word_file_and_page_is_the_same_rendered_with_the_content_of_its_own_files(built: ProjectPaths) -> None:
    """The PDF helper renders with the content of the files an output declares (``own_context``),
    never the whole content: every Word file and page of the shipped content is the same bytes
    that way as with the whole content. An output that read an undeclared file (which its
    fingerprint would not cover either) fails here."""
    from docgen.build.runner import RenderTask, own_context, render

    checked = check(built)
    ctx = RenderContext(built, checked.content, checked.facts, int(SOURCE_DATE_EPOCH))
    outputs = plan_outputs(ctx, DEFAULT_RENDERERS, kinds={"docx", "site"}, year=None).outputs
    compared = 0
    for output in outputs:
        if output.kind not in ("docx", "site") or output.copy_of is not None:
            continue  # the bundles planned with them; copies of other outputs' bytes
        task = RenderTask(output, "", {path: str(built.build / path) for path in output.after})
        whole = render(ctx, task)
        own = render(own_context(ctx, output.content_files), task)
        assert whole.ok and own.ok, (output.path, whole.error, own.error)
        assert own.data == whole.data, output.path
        compared += 1
    assert compared > 200


def _next_report(process: subprocess.Popen[str]) -> dict[str, object]:
    """The next build's report that ``docgen build --watch --format json`` prints (one line each)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], DEADLINE_SECONDS * 3)
    assert ready, "the watch printed no report in time"
    line = process.stdout.readline()
    assert line, "the watch ended"
    report: dict[str, object] = json.loads(line)
    return report


@needs("docx", "pdf", "site")
def test_the_watch_builds_each_edit_in_a_warm_fork_as_docgen_build_would_and_stops_clean(
    project: ProjectPaths, tmp_path: Path
) -> None:
    same = tmp_path / "cold"  # the same edit, built by docgen build
    for part in ("content", "templates", "build"):
        shutil.copytree(project.root / part, same / part, symlinks=True)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "TMPDIR": str(temporary)}
    command = [sys.executable, "-m", "docgen", "build", "--root", str(project.root), "--watch", "--format", "json"]
    errors = (tmp_path / "stderr").open("w+", encoding="utf-8")  # read at the end: a pipe could fill up
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
    try:
        first = _next_report(process)
        assert first["status"] == Status.NOTHING_TO_DO.value, "built already: the first build is a no-op"
        changed = "content/projects/2024/reguarantee-fee-subsidy.yaml"
        for root in (project.root, same):
            _edit(root / changed, 'annual: "不低于160亿元"', 'annual: "不低于170亿元"')
        report = _next_report(process)
        rendered = report["rendered"]
        assert report["status"] == Status.OK.value and isinstance(rendered, list)
        direct, readers = affected(planned(project), changed)
        assert direct <= {item["path"] for item in rendered} <= direct | readers
        assert all(item["helper"] for item in rendered if item["kind"] == "pdf"), "its PDF helper, forked warm"
        assert _build(ProjectPaths(same)).status is Status.OK
        assert snapshot(project.build) == snapshot(same / "build"), "the same bytes as a build in a new process"

        builds = children(process.pid)
        assert not builds, "between builds, nothing but the watch runs"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE_SECONDS) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        errors.seek(0)
        print(errors.read())  # shown when the test fails
        errors.close()
    assert not list(temporary.iterdir()), "its folder and WeasyPrint's copies of the fonts removed"
