"""What keeps a small edit cheap and a large build small: streamed bundles, batches, shared work.

Each test here fails when its mechanism breaks (a bundle held whole again, the search index
reading every record once per index file, the changes page parsing positions it throws away,
positions kept for a whole build).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.api import Checked, check
from docgen.build.runner import PdfHelper, RenderPool, RenderResult, RenderTask, batches
from docgen.build.writer import STAGING, OutputFolder
from docgen.diff import compare_years
from docgen.project import ProjectPaths
from docgen.render import site
from docgen.render.context import Output, RenderContext
from docgen.render.site_search import INDEX_FILES, index_from_built, page_record
from docgen.source.cache import ParseCache
from tests.conftest import REPO


def test_a_streamed_output_is_staged_only_when_complete(tmp_path: Path) -> None:
    folder = OutputFolder(tmp_path / "out")
    folder.prepare()

    def complete(handle: object) -> bool:
        handle.write(b"PK whole zip")  # type: ignore[attr-defined]
        return True

    def failed(handle: object) -> bool:
        handle.write(b"PK half")  # type: ignore[attr-defined]
        return False

    def crashed(handle: object) -> bool:
        handle.write(b"PK")  # type: ignore[attr-defined]
        raise RuntimeError("disk full")

    staged = folder.stage_from("a" * 64, complete)
    assert staged is not None and staged.read_bytes() == b"PK whole zip"
    assert folder.stage_from("b" * 64, failed) is None
    with pytest.raises(RuntimeError):
        folder.stage_from("c" * 64, crashed)
    assert sorted(p.name for p in (tmp_path / "out" / STAGING).iterdir()) == ["a" * 64], "no half file is left"


def _task(path: str, batch: str = "") -> RenderTask:
    return RenderTask(Output(path, "site", "m:f", batch=batch), "0" * 64, {})


def test_a_batch_is_one_job_in_the_order_given() -> None:
    tasks = [_task("a"), _task("i1", "index"), _task("b"), _task("i2", "index"), _task("c", "other")]
    jobs = [[task.output.path for task in job] for job in batches(tasks)]
    assert jobs == [["a"], ["i1", "i2"], ["b"], ["c"]]


class _CountingReads(Mapping[str, bytes]):
    def __init__(self, data: dict[str, bytes]) -> None:
        self.data = data
        self.reads = 0

    def __getitem__(self, key: str) -> bytes:
        self.reads += 1
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def _records(count: int) -> dict[str, bytes]:
    html = "<main data-search-body><h1 data-search-title>项目{n}</h1><p>融资担保风险补偿{n}</p></main>"
    return {f"site/search/pages/p{n}.json": page_record(f"p{n}.html", html.format(n=n).encode()) for n in range(count)}


def test_the_index_files_read_the_records_once_when_the_build_gives_their_hashes() -> None:
    records = _records(30)
    hashes = {path: hashlib.sha256(data).hexdigest() for path, data in records.items()}
    plain = index_from_built(records, list(records))
    counting = _CountingReads(records)
    files = [index_from_built(counting, list(records), hashes) for _ in INDEX_FILES]
    assert files[0] == plain, "the same index, with or without the hashes"
    assert counting.reads == 0, "the index of these very records is made once per process"
    first = "site/search/pages/p0.json"
    changed = {**records, first: _records(31)["site/search/pages/p30.json"]}
    changed_hashes = {**hashes, first: hashlib.sha256(changed[first]).hexdigest()}
    counting = _CountingReads(changed)
    for _ in INDEX_FILES:
        index_from_built(counting, list(changed), changed_hashes)
    assert counting.reads == len(changed), "a changed record: every record is read once, not once per file"


def test_a_record_is_cut_into_pairs_once_and_its_pairs_read_back_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.render import site_search

    records = _records(12)
    digests = [hashlib.sha256(data).hexdigest() for data in records.values()]
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    uncached = site_search.build_index(records.values(), digests)
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path))
    assert site_search.build_index(records.values(), digests) == uncached  # cutting, and keeping the pairs
    entries = sorted((tmp_path / "search-grams").rglob("*.json"))
    assert len(entries) == len(records)
    assert site_search.build_index(records.values(), digests) == uncached  # reading them back
    cut = []
    monkeypatch.setattr(site_search, "grams", lambda text: cut.append(text) or Counter())
    site_search.build_index(records.values(), digests)
    assert cut == [], "every record's pairs came from the cache"
    planted = json.dumps({"zz": 7}).encode()
    for entry in entries:
        entry.write_bytes(planted)
    shard = site_search.shard_path(site_search.shard_of("zz"))
    assert b'"zz"' in site_search.build_index(records.values(), digests)[shard]


def test_the_search_index_files_render_as_one_batch() -> None:
    checked = check(ProjectPaths(REPO), templates=False)
    ctx = RenderContext(ProjectPaths(REPO), checked.content, checked.facts, 0)
    outputs = {output.path: output for output in site.plan(ctx)}
    index = [outputs[f"{site.SITE_FOLDER}/{name}"] for name in INDEX_FILES]
    assert {output.batch for output in index} == {site.SEARCH_INDEX_BATCH}
    assert not any(output.batch for path, output in outputs.items() if not path.startswith("site/search/"))


def test_the_public_changes_page_looks_up_no_position(tmp_path: Path) -> None:
    paths = ProjectPaths(REPO)
    cache = ParseCache(tmp_path / "cache")
    check(paths, templates=False, cache=cache)
    checked = check(paths, templates=False, cache=cache)  # clean documents come from the cache: no positions yet
    unlocated = [doc for doc in checked.content.documents.values() if doc.unlocated is not None]
    assert len(unlocated) > 30
    result = compare_years(checked.content, 2023, 2024, facts=checked.facts, located=False)
    assert all(doc.unlocated is not None for doc in unlocated), "nothing was parsed again"
    comparison = result.comparisons[0]
    assert comparison.changed_projects, "the shipped years differ"
    located = compare_years(checked.content, 2023, 2024, facts=checked.facts)
    assert located.comparisons[0].changed_projects == comparison.changed_projects


def test_forgotten_positions_are_found_again(tmp_path: Path) -> None:
    checked = check(ProjectPaths(REPO), templates=False)
    rel, document = next(iter(checked.content.documents.items()))
    loc = next(loc for loc in document.positions if len(loc) >= 2)
    where, key_where, lines = document.position(loc), document.key_position(loc), list(document.lines)
    checked.content.forget_positions()
    assert document.positions == {} and document.lines == [] and document.unlocated is not None
    assert (document.position(loc), document.key_position(loc), document.lines) == (where, key_where, lines), rel


def _pdf(path: str, files: int) -> RenderTask:
    return RenderTask(Output(path, "pdf", "m:f", content_files=tuple(f"c/{n}" for n in range(files))), "0" * 64, {})


def test_workers_start_only_when_they_shorten_the_wave() -> None:
    from docgen.build.engine import _workers_pay_off

    one_book = [_pdf("2024/targets.pdf", 250), *(_task(f"site/p{n}.html") for n in range(80)), _pdf("2024/t/a.pdf", 1)]
    assert not _workers_pay_off(one_book, 2), "the book alone is most of the wave: nothing to gain"
    many_sheets = [_pdf(f"2024/targets/{n}.pdf", 1) for n in range(200)]
    assert _workers_pay_off(many_sheets, 2)
    assert not _workers_pay_off(many_sheets, 1)
    assert not _workers_pay_off(many_sheets[:5], 2), "five sheets: less than the workers cost to start"


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.render.jinja_env import make_env

    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    assert make_env(templates).get_template("page.html").render(name="<甲>") == "<p>&lt;甲&gt;</p>"
    entries = list((tmp_path / "cache" / "jinja").iterdir())
    assert len(entries) == 1
    first = entries[0].read_bytes()
    assert make_env(templates).get_template("page.html").render(name="乙") == "<p>乙</p>"  # from the cache
    (templates / "page.html").write_text("<h1>{{ name }}</h1>", encoding="utf-8")
    assert make_env(templates).get_template("page.html").render(name="丙") == "<h1>丙</h1>"
    assert entries[0].read_bytes() != first
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    assert make_env(templates).bytecode_cache is None


_helper_at_work: list[tuple[Future[list[RenderResult]], RenderTask]] = []


def echo(ctx: object, name: str) -> bytes:
    """A render function for the pool tests: the output's name as its bytes. Meanwhile, the
    stand-in helper finishes what it was given."""
    while _helper_at_work:
        future, task = _helper_at_work.pop()
        if not future.cancelled():  # taken back by the pool
            future.set_result([RenderResult(task, task.output.path.encode(), 0.0)])
    return name.encode()


class _BusyHelper:
    """Stands for the PDF helper: it finishes what it is given while the pool renders something here."""

    def __init__(self, ahead: tuple[str, ...] = (), held: frozenset[str] = frozenset()) -> None:
        self.given: list[str] = []
        self.ahead = set(ahead)  # what it rendered ahead: finished as soon as it is asked for
        self.held = held  # the files of the one context it holds
        self.taken_back: list[str] = []

    def holding(self, files: frozenset[str]) -> frozenset[str] | None:
        return self.held if files <= self.held else None

    def submit(self, ctx: object, tasks: list[RenderTask]) -> dict[Future[list[RenderResult]], list[RenderTask]]:
        self.given += [task.output.path for task in tasks]
        jobs: dict[Future[list[RenderResult]], list[RenderTask]] = {}
        for task in tasks:
            future: Future[list[RenderResult]] = Future()
            if task.output.path in self.ahead:
                future.set_result([RenderResult(task, task.output.path.encode(), 0.0)])
            else:
                _helper_at_work.append((future, task))
            jobs[future] = [task]
        return jobs

    def take_back(self, tasks: list[RenderTask]) -> None:
        self.taken_back += [task.output.path for task in tasks]

    def close(self) -> None:
        pass


def _echo_task(path: str, kind: str, seconds: float) -> RenderTask:
    output = Output(path, kind, "tests.build.test_edit_costs:echo", args=(path,), content_files=(f"{seconds}",))
    return RenderTask(output, "0" * 64, {})


def test_the_pool_shares_the_work_with_the_helper_so_that_both_finish_sooner() -> None:
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"attachment-3.docx": 1.0, "changes.html": 0.4, "sheet.pdf": 0.3, "book.pdf": 0.5}
    seconds |= {f"page-{n}.html": 0.01 for n in range(3)}

    def run(helper: _BusyHelper | None) -> list[str]:
        pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
        pool.submit([_echo_task(path, path.rsplit(".", 1)[1], 0.0) for path in seconds], parallel=False)
        taken = []
        while (result := pool.next_result()) is not None:
            assert result.ok and result.data == result.task.output.path.encode()
            taken.append(result.task.output.path)
        assert sorted(taken) == sorted(seconds), "everything rendered once"
        return taken

    helper = _BusyHelper()
    run(helper)
    # The PDFs (0.8 s) are the helper's; the attachment (1.0 s) goes here, the changes page (0.4 s)
    # to the helper, expected to be free first (0.8 s against 1.0 s), and the short pages here
    # (1.0 s and up against 1.2 s)...
    assert helper.given[:3] == ["sheet.pdf", "book.pdf", "changes.html"]
    # ... until the helper is done (the stand-in is done with the first render here): one of them goes to it.
    assert len(helper.given) == 4 and helper.given[3].startswith("page-")
    assert run(None)[:2] == ["attachment-3.docx", "book.pdf"], "no helper: all here, longest first"


def test_an_idle_helper_is_given_the_longest_task_queued_here_never_part_of_a_batch() -> None:
    """The sharing out goes by expected seconds, and the book often takes less: the helper, done,
    is given work queued here before this process starts its next render."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"attachment-3.docx": 1.0, "changes.html": 0.4, "grams.json": 0.5, "page.html": 0.01}
    helper = _BusyHelper()
    pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    grams_output = Output("grams.json", "site", "tests.build.test_edit_costs:echo", args=("g",), batch="index")
    grams = RenderTask(grams_output, "", {})
    pool._here = [_echo_task(path, "site", 0.0) for path in ("attachment-3.docx", "changes.html", "page.html")]
    pool._here.append(grams)
    taken = []
    while (result := pool.next_result()) is not None:
        taken.append((result.task.output.path, result.helper))
    assert helper.given == ["changes.html", "page.html"], "the longest but this process's next and the batch"
    assert taken[0] == ("attachment-3.docx", False), "the longest first here: the helper renders nothing awaited"
    assert sorted(taken) == sorted([(path, path in helper.given) for path in seconds])


@pytest.mark.parametrize("held", [False, True])
def test_the_pool_counts_the_content_the_helper_would_be_sent(held: bool) -> None:
    """A page that reads 5,000 files the helper holds no context of would cost it ~0.75 s more to
    read (and this process ~0.5 s to send): it is rendered here. Held, it goes to the helper,
    expected to be free first."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    files = tuple(f"content/projects/2024/p{number}.yaml" for number in range(5000))
    helper = _BusyHelper(held=frozenset(files) if held else frozenset())
    seconds = {"book.pdf": 0.8, "attachment-3.docx": 1.0, "year.html": 0.1}
    tasks = [_echo_task(path, path.rsplit(".", 1)[1], 0.0) for path in ("book.pdf", "attachment-3.docx")]
    page = Output("year.html", "site", "tests.build.test_edit_costs:echo", args=("year.html",), content_files=files)
    pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    pool.submit([*tasks, RenderTask(page, "0" * 64, {})], parallel=False)
    assert helper.given == (["book.pdf", "year.html"] if held else ["book.pdf"])


@pytest.mark.parametrize("page_seconds", [0.01, 0.5])
def test_a_job_that_costs_less_than_sending_its_content_stays_here(page_seconds: float) -> None:
    """sitemap.xml lists every page: ~0.01 s to render here, where the content is at hand, against
    ~0.15 s to pickle the whole content here and ~0.3 s to read it there. Whatever this process has
    queued, such a job is not sent; one that costs more than its content is, to the idle helper."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    files = tuple(f"content/projects/2024/p{number}.yaml" for number in range(1000))
    helper = _BusyHelper()
    seconds = {"attachment-3.docx": 5.0, "sitemap.xml": page_seconds}
    page = Output("sitemap.xml", "site", "tests.build.test_edit_costs:echo", args=("s",), content_files=files)
    pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    pool.submit([_echo_task("attachment-3.docx", "docx", 0.0), RenderTask(page, "0" * 64, {})], parallel=False)
    assert helper.given == ([] if page_seconds < 0.25 else ["sitemap.xml"])
    pool._share_with_idle_helper()  # the helper idle: given the attachment, never the cheap page
    assert ("sitemap.xml" in helper.given) is (page_seconds > 0.25)


def test_with_the_helper_at_work_the_pool_renders_the_short_work_here_first() -> None:
    """So that what the helper finishes (a sheet) is taken, and what it makes ready (the book)
    given to it, as soon as possible."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"sheet.pdf": 2.0, "attachment-3.docx": 1.0, "page.html": 0.01}
    helper = _BusyHelper()
    pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    pool.submit([_echo_task(path, path.rsplit(".", 1)[1], 0.0) for path in seconds], parallel=False)
    taken = []
    while (result := pool.next_result()) is not None:
        taken.append(result.task.output.path)
    assert helper.given == ["sheet.pdf"], "the helper is busy longer than the work here takes"
    assert taken == ["page.html", "sheet.pdf", "attachment-3.docx"]


def plain(ctx: object, name: str) -> bytes:
    """A render function for the pool tests that leaves the stand-in helper's work as it is."""
    return name.encode()


def _plain_task(path: str) -> RenderTask:
    """A Word file whose render here leaves the stand-in helper's work as it is (:func:`plain`)."""
    return RenderTask(Output(path, "docx", "tests.build.test_edit_costs:plain", args=(path,)), "0" * 64, {})


def _results_while_the_helper_renders(pool: RenderPool, book: Future[list[RenderResult]]) -> list[tuple[str, bool]]:
    """Every result of ``pool`` (path, whether the helper rendered it) while the helper renders ``book``.

    Should the pool wait for the book instead, the book finishes anyway, 5 s later, so that the
    test fails rather than hangs."""
    late = threading.Timer(5.0, lambda: echo(None, "") if not book.done() else None)
    late.start()
    taken = []
    while (result := pool.next_result()) is not None:
        taken.append((result.task.output.path, result.helper))
    late.cancel()
    return taken


def test_with_nothing_left_here_the_pool_takes_back_what_the_helper_has_not_started() -> None:
    """The work is shared out by expected seconds; when the helper's render (the book) takes
    longer, the page waiting behind it is rendered here rather than waited for (never a PDF:
    this process has no WeasyPrint)."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"book.pdf": 1.0, "attachment-3.docx": 2.0, "small.docx": 0.1}
    helper = _BusyHelper()
    pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    attachment = _plain_task("attachment-3.docx")
    pool.submit([_echo_task("book.pdf", "pdf", 1.0), attachment, _echo_task("small.docx", "docx", 0.1)], parallel=False)
    assert helper.given == ["book.pdf", "small.docx"], "shared out: 2 s here, 1.1 s in the helper"
    book_future, _book = _helper_at_work[0]
    assert book_future.set_running_or_notify_cancel(), "the helper is at work on the book"
    taken = _results_while_the_helper_renders(pool, book_future)
    assert taken == [("attachment-3.docx", False), ("small.docx", False), ("book.pdf", True)]
    assert pool.helped == 1


def test_the_pool_takes_back_a_job_queued_behind_the_helpers_render_even_once_passed_to_its_process() -> None:
    """The helper's executor passes the next job to its process while the book renders: that job
    can no longer be cancelled. Rather than wait for the book (~3 s after a rename that moves
    its contents pages, where the sharing out expected the last build's 0.7 s), the build renders
    the job here and tells the helper not to; never the job being rendered."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"book.pdf": 0.7, "attachment-3.docx": 2.0, "catalog.docx": 0.1, "project.docx": 0.1}
    helper = _BusyHelper()
    pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    attachment = _plain_task("attachment-3.docx")
    catalog = _echo_task("catalog.docx", "docx", 0.1)  # its render here finishes the book
    project = _plain_task("project.docx")
    small = [catalog, project]
    pool.submit([_echo_task("book.pdf", "pdf", 0.7), attachment, *small], parallel=False)
    assert helper.given == ["book.pdf", "catalog.docx", "project.docx"], "shared out: 2 s here, 0.9 s there"
    for future, _task in _helper_at_work:
        assert future.set_running_or_notify_cancel(), "passed to the helper's process: no longer cancellable"
    book_future = _helper_at_work[0][0]
    taken = _results_while_the_helper_renders(pool, book_future)
    assert taken == [("attachment-3.docx", False), ("project.docx", False), ("catalog.docx", False), ("book.pdf", True)]
    assert helper.taken_back == ["project.docx", "catalog.docx"] and pool.helped == 1


def test_the_helper_skips_what_the_build_took_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.build import runner

    monkeypatch.setattr(runner.tempfile, "tempdir", str(tmp_path))  # the helper's scratch folder
    files = frozenset({"c/1"})
    monkeypatch.setitem(runner._prepared_contexts, files, SimpleNamespace(source_date_epoch=1700000000))
    kept, taken = _echo_task("kept.docx", "docx", 0.1), _echo_task("taken.docx", "docx", 0.1)
    PdfHelper.take_back(SimpleNamespace(_scratch=SimpleNamespace(path=str(tmp_path))), [taken])  # type: ignore[arg-type]
    results = runner._render_in_worker([kept, taken], files)
    assert results[0].data == b"kept.docx" and results[0].error is None
    assert results[1].data is None and results[1].error == runner.TAKEN_BACK


def test_the_pool_hands_a_pdf_to_the_idle_helper_at_once_and_no_other() -> None:
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    helper = _BusyHelper()
    pool = RenderPool(ctx, 2, helper)  # type: ignore[arg-type]
    assert not pool.hand_over(_echo_task("page.html", "site", 0.01)), "pages render here"
    assert pool.hand_over(_echo_task("sheet.pdf", "pdf", 0.3))
    assert helper.given == ["sheet.pdf"], "given before anything else is submitted"
    assert not pool.hand_over(_echo_task("other.pdf", "pdf", 0.3)), "the helper is at work: it waits its turn"
    assert not RenderPool(ctx, 2, None).hand_over(_echo_task("sheet.pdf", "pdf", 0.3))  # type: ignore[arg-type]
    pool.submit([_echo_task("page.html", "site", 0.01)], parallel=False)
    taken = []
    while (result := pool.next_result()) is not None:
        taken.append(result.task.output.path)
    assert sorted(taken) == ["page.html", "sheet.pdf"]


def test_what_the_helper_finished_is_taken_without_waiting() -> None:
    """The build looks after each output it weighs: the sheet the helper rendered ahead is taken as
    soon as it is there, and the helper is idle for the book it makes ready; nothing waits."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    pool = RenderPool(ctx, 2, _BusyHelper(ahead=("sheet.pdf",)))  # type: ignore[arg-type]
    assert not pool.take_finished(), "nothing given yet"
    assert pool.hand_over(_echo_task("sheet.pdf", "pdf", 0.3))
    assert not pool.hand_over(_echo_task("book.pdf", "pdf", 1.0)), "not taken yet: the helper counts as busy"
    assert pool.take_finished(), "taken at once: the book it makes ready can go to the helper next"
    result = pool.next_result()
    assert result is not None and result.task.output.path == "sheet.pdf"
    assert pool.hand_over(_echo_task("book.pdf", "pdf", 1.0)), "the helper is idle again"
    assert not pool.take_finished(), "not rendered ahead: it is at work, and nothing waits for it"
    assert not pool.has_results


def test_the_helper_keeps_what_it_rendered_ahead_for_the_same_fingerprint_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.build import runner

    rendered: list[str] = []
    monkeypatch.setattr(
        runner, "render", lambda ctx, task: rendered.append(task.fingerprint) or RenderResult(task, b"x", 0.5)
    )
    monkeypatch.setattr(runner, "_worker_context", SimpleNamespace())
    sheet = _echo_task("sheet.pdf", "pdf", 0.3)
    runner._render_ahead(pickle.dumps(SimpleNamespace()), [sheet])
    assert rendered == [sheet.fingerprint]
    other = RenderTask(sheet.output, "1" * 64, {})  # the plan found another fingerprint: rendered again
    taken = runner._render_in_worker([sheet, other])
    assert [result.task for result in taken] == [sheet, other] and rendered == [sheet.fingerprint, other.fingerprint]
    assert runner._render_in_worker([sheet])[0].seconds == 0.5 and len(rendered) == 3, "taken once only"


def test_a_worker_gives_memory_back_after_a_heavy_render_before_its_next_pdf_not_before_returning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The result of a heavy render (a year's book, which an edit's build waits for) goes back first."""
    from docgen.build import runner

    events: list[str] = []
    seconds = {"book.pdf": 1.5, "page.html": 0.01, "sheet.pdf": 0.2}

    def render(ctx: object, task: RenderTask) -> RenderResult:
        events.append(task.output.path)
        return RenderResult(task, b"x", seconds[task.output.path])

    monkeypatch.setattr(runner, "render", render)
    monkeypatch.setattr(runner, "give_back_memory", lambda: events.append("given back"))
    monkeypatch.setattr(runner, "_worker_context", SimpleNamespace())
    monkeypatch.setattr(runner, "_heavy_since_given_back", False)
    for path, kind in (("book.pdf", "pdf"), ("page.html", "site"), ("sheet.pdf", "pdf"), ("sheet.pdf", "pdf")):
        runner._render_in_worker([RenderTask(Output(path, kind, "m:f"), "0" * 64, {})])
    assert events == ["book.pdf", "page.html", "given back", "sheet.pdf", "sheet.pdf"]


def _page(n: int, words: str) -> bytes:
    html = f"<main data-search-body><h1 data-search-title>项目{n}</h1><p>{words}</p></main>"
    return page_record(f"p{n}.html", html.encode())


def _hashes(records: dict[str, bytes]) -> dict[str, str]:
    return {path: hashlib.sha256(data).hexdigest() for path, data in records.items()}


@settings(max_examples=60, deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 29), st.text(alphabet="融资担保风险补偿项目金融科技 ab12", max_size=40)),
        min_size=1,
        max_size=8,
    )
)
def test_the_kept_index_updated_for_the_changed_records_is_the_index_made_from_every_record(
    edits: list[tuple[int, str]],
) -> None:
    from docgen.render import site_search

    records = _records(30)
    index_from_built(records, list(records), _hashes(records), slot="updated")
    changed = dict(records)
    for n, words in edits:
        changed[f"site/search/pages/p{n}.json"] = _page(n, words)
    updated = index_from_built(changed, list(changed), _hashes(changed), slot="updated")
    assert updated == site_search.build_index(changed.values()), "the same files as made from every record"


def test_an_edit_updates_the_kept_index_and_a_new_page_makes_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.render import site_search

    made: list[int] = []
    make = site_search._SearchIndex.made.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(site_search._SearchIndex, "made", classmethod(lambda cls, *a: made.append(1) or make(cls, *a)))
    records = _records(20)
    index_from_built(records, list(records), _hashes(records), slot="kept")
    assert made == [1]
    edited = {**records, "site/search/pages/p3.json": _page(3, "绿色金融")}
    files = index_from_built(edited, list(edited), _hashes(edited), slot="kept")
    assert made == [1], "one record changed: the kept index updated"
    grown = {**edited, "site/search/pages/p99.json": _page(99, "新增的页面")}
    index_from_built(grown, list(grown), _hashes(grown), slot="kept")
    assert made == [1, 1], "another page: made from every record"
    assert files == site_search.build_index(edited.values())


def test_a_second_plan_of_the_same_context_takes_each_kinds_outputs_from_the_first(
    shipped: Checked, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build plans its PDFs first (to render an edit's sheet ahead), then everything: each
    renderer's plan function runs once (~0.1 s of PDF planning at 1,000 projects)."""
    from docgen.build.plan import plan_outputs
    from tests.build import listing_overview, listing_renderer

    calls: Counter[str] = Counter()
    for module in (listing_renderer, listing_overview):
        original = module.plan

        def counted(ctx: RenderContext, original: object = original, name: str = module.__name__) -> list[Output]:
            calls[name] += 1
            return original(ctx)  # type: ignore[operator]

        monkeypatch.setattr(module, "plan", counted)
    ctx = RenderContext(shipped.paths, shipped.content, shipped.facts, 1700000000)
    by_kind: dict[str, list[Output]] = {}
    first = plan_outputs(ctx, listing_renderer.RENDERERS, kinds={"listing"}, year=None, by_kind=by_kind)
    both = plan_outputs(ctx, listing_renderer.RENDERERS, kinds={"listing", "overview"}, year=None, by_kind=by_kind)
    assert calls == {listing_renderer.__name__: 1, listing_overview.__name__: 1}
    assert {o.path for o in first.outputs} < {o.path for o in both.outputs}
    fresh = plan_outputs(ctx, listing_renderer.RENDERERS, kinds={"listing", "overview"}, year=None)
    assert both.outputs == fresh.outputs


def test_a_sheet_rendered_ahead_gets_the_content_of_its_own_files_only(shipped: Checked) -> None:
    """What the helper renders ahead, before it has the whole content: the files the output declares
    (its fingerprint covers them), the configuration, and nothing else."""
    from docgen.build.runner import own_context
    from docgen.render import report

    ctx = RenderContext(shipped.paths, shipped.content, shipped.facts, 1700000000)
    (sheet,) = [o for o in report.plan(ctx) if o.path == "2024/targets/finance-culture-research.pdf"]
    small = own_context(ctx, sheet.content_files)

    assert small.content.projects == {
        2024: {"finance-culture-research": ctx.content.projects[2024]["finance-culture-research"]}
    }
    assert small.content.files == {
        "project/2024/finance-culture-research": "content/projects/2024/finance-culture-research.yaml"
    }
    assert not small.content.funds and not small.content.evaluations and not small.content.notices
    assert small.facts == {2024: ctx.facts[2024]}, "its year's facts, which it may read"
    assert small.content.site == ctx.content.site and small.content.hierarchy == ctx.content.hierarchy
    assert len(pickle.dumps(small)) * 50 < len(pickle.dumps(ctx)), "a small part of the whole to send"
    assert report.render_target_sheet(small, 2024, "finance-culture-research") == report.render_target_sheet(
        ctx, 2024, "finance-culture-research"
    ), "the same bytes as with the whole content"

    book = next(o for o in report.plan(ctx) if o.path == "2024/targets.pdf")
    with_fund = ctx.content.only(book.content_files)
    assert set(with_fund.projects[2024]) == set(ctx.content.projects[2024]) and 2024 in with_fund.funds
    assert 2023 not in with_fund.projects


Submitted = list[tuple[Callable[..., object], tuple[object, ...]]]


def _recording_helper(shipped: Checked) -> tuple[PdfHelper, Submitted, RenderContext, Output]:
    """A PDF helper whose jobs are recorded, not run (no process is forked); the shipped content's
    context and its 2024 book."""
    from docgen.render import report

    submitted: Submitted = []

    class Recording:
        def submit(self, fn: Callable[..., object], *args: object) -> Future[object]:
            submitted.append((fn, args))
            return Future()

    helper = PdfHelper.__new__(PdfHelper)
    helper._executor = Recording()  # type: ignore[assignment]
    helper._prepared = set()
    ctx = RenderContext(shipped.paths, shipped.content, shipped.facts, 1700000000)
    book = next(o for o in report.plan(ctx) if o.path == "2024/targets.pdf")
    return helper, submitted, ctx, book


def test_the_helper_is_sent_the_content_of_the_files_its_jobs_declare_never_the_whole(shipped: Checked) -> None:
    """A year's book goes with its own files' content (~0.05 s at 1,000 projects, where the whole
    content takes ~0.35 s to send and read); the year's Word attachment, which declares some of
    those files, uses the same context; a page that declares other files gets their content."""
    from docgen.build import runner
    from docgen.render import docx

    helper, submitted, ctx, book = _recording_helper(shipped)
    book_task = RenderTask(book, "0" * 64, {})
    helper.submit(ctx, [book_task])
    (prepare, (files, context)), (render, args) = submitted
    assert prepare is runner._prepare_context and files == frozenset(book.content_files)
    assert render is runner._render_in_worker and args == ([book_task], files)
    own = pickle.loads(context)  # type: ignore[arg-type]
    assert set(own.content.projects) == {2024} and 2023 not in own.content.funds

    attachment = next(o for o in docx.plan(ctx) if o.path == "2024/attachments/attachment-2-allocation.docx")
    assert set(attachment.content_files) < files
    helper.submit(ctx, [RenderTask(attachment, "0" * 64, {})])
    assert submitted[2] == (runner._render_in_worker, ([RenderTask(attachment, "0" * 64, {})], files))

    year = next(o for o in site.plan(ctx) if o.path == "site/years/2022/index.html")
    helper.submit(ctx, [RenderTask(year, "0" * 64, {})])
    assert [function for function, _args in submitted[3:]] == [runner._prepare_context, runner._render_in_worker]
    page_files, page_context = submitted[3][1]
    assert page_files == frozenset(year.content_files)
    assert set(pickle.loads(page_context).content.projects) == {2021, 2022, 2023}  # type: ignore[arg-type]
    assert all(function is not runner._adopt_context for function, _args in submitted)


def test_a_report_rendered_with_its_own_files_has_its_years_facts(shipped: Checked) -> None:
    """The year's evaluation report reads the year's facts: rendered with the content of its own
    files (as the helper renders a PDF handed over first), it is the same PDF."""
    from docgen.build.runner import own_context
    from docgen.render import report

    ctx = RenderContext(shipped.paths, shipped.content, shipped.facts, 1700000000)
    (evaluation,) = [o for o in report.plan(ctx) if o.path == "2023/evaluation-report.pdf"]
    own = own_context(ctx, evaluation.content_files)
    assert set(own.facts) == {2023}
    assert report.render_evaluation_report(own, 2023) == report.render_evaluation_report(ctx, 2023)


def test_a_book_s_context_sent_ahead_is_the_one_it_is_rendered_with(shipped: Checked) -> None:
    """The build sends the content of the edited sheet's book while it plans; the book, handed
    over later, names that context instead of carrying its own."""
    from docgen.build import runner

    helper, submitted, ctx, book = _recording_helper(shipped)
    helper.prepare(ctx, [book])
    helper.prepare(ctx, [book])  # sent once
    ((prepare, (files, context)),) = submitted
    prepare(files, context)  # as the helper runs it
    task = RenderTask(book, "0" * 64, {})
    helper.submit(ctx, [task])
    render, (job, named) = submitted[1]
    assert render is runner._render_in_worker and (job, named) == ([task], files)
    prepared = runner._prepared_contexts[files]  # type: ignore[index]
    assert prepared.content.projects == runner.own_context(ctx, book.content_files).content.projects
    assert prepared.facts == runner.own_context(ctx, book.content_files).facts


def test_the_longest_chain_of_renders_an_output_starts_is_its_own_and_its_longest_readers() -> None:
    """An edit's Word sheet (0.1 s) starts the year's bundle (0.1 s), which the year's page (0.02 s)
    and the search index (0.2 s) follow: 0.42 s, more than the changes page's 0.3 s, which nothing reads."""
    from docgen.build.engine import chain_seconds

    outputs = {
        "sheet.docx": Output("sheet.docx", "docx", "m:f"),
        "bundle.zip": Output("bundle.zip", "bundle", "m:f", after=("sheet.docx",)),
        "year.html": Output("year.html", "site", "m:f", after=("bundle.zip",)),
        "index.json": Output("index.json", "site", "m:f", after=("year.html",)),
        "copy.zip": Output("copy.zip", "site", "m:f", after=("bundle.zip",)),
        "changes.html": Output("changes.html", "site", "m:f"),
    }
    readers: dict[str, list[Output]] = {}
    for output in outputs.values():
        for read in output.after:
            readers.setdefault(read, []).append(output)
    own = {
        "sheet.docx": 0.1,
        "bundle.zip": 0.1,
        "year.html": 0.02,
        "index.json": 0.2,
        "copy.zip": 0.0,
        "changes.html": 0.3,
    }
    chain = chain_seconds(readers, own.__getitem__)
    assert chain("sheet.docx") == pytest.approx(0.42) and chain("changes.html") == pytest.approx(0.3)
    assert chain("index.json") == pytest.approx(0.2)


def test_the_pool_renders_here_the_task_of_highest_priority_first() -> None:
    """The build sets the priority to the longest chain a task starts: the Word sheet the year's
    bundle waits for goes before a longer page that nothing reads."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"sheet.docx": 0.1, "changes.html": 0.3}
    pool = RenderPool(ctx, 2, None, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
    pool.submit([_echo_task(path, "site", 0.0) for path in seconds], parallel=False)
    pool.priority = lambda task: {"sheet.docx": 0.42, "changes.html": 0.3}[task.output.path]
    taken = []
    while (result := pool.next_result()) is not None:
        taken.append(result.task.output.path)
    assert taken == ["sheet.docx", "changes.html"]


def test_the_sharing_out_places_what_the_longest_chain_starts_first() -> None:
    """Shared out longest first, an edit's Word sheet (0.1 s), which the year's bundle waits for,
    came last and went to the helper, behind the book; by the chain it starts, it stays here."""
    ctx = SimpleNamespace(source_date_epoch=1700000000)
    seconds = {"book.pdf": 0.8, "attachment-3.docx": 0.6, "changes.html": 0.3, "sheet.docx": 0.1}
    chains = {"book.pdf": 1.2, "attachment-3.docx": 1.0, "changes.html": 0.3, "sheet.docx": 0.5}

    def shared(priority: Callable[[RenderTask], float] | None) -> list[str]:
        helper = _BusyHelper()
        pool = RenderPool(ctx, 2, helper, lambda task: seconds[task.output.path])  # type: ignore[arg-type]
        if priority is not None:
            pool.priority = priority
        pool.submit([_echo_task(path, path.rsplit(".", 1)[1], 0.0) for path in seconds], parallel=False)
        return helper.given

    assert shared(None) == ["book.pdf", "sheet.docx"], "longest first: the sheet last, to the helper"
    # By the chain: the 附件3 and the sheet here (0.7 s, the helper 0.8 s), then the changes page
    # here too (free first, at 0.7 s); an idle helper is given it later if it has not started.
    assert shared(lambda task: chains[task.output.path]) == ["book.pdf"]


def _pages_may_be_laid_out_apart() -> bool:
    from docgen.render import pdf_apart

    return pdf_apart._allowed


def test_the_pdf_helper_may_fork_copies_of_itself_to_lay_out_pages_and_a_worker_may_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Only the helper has a core to spare for them: it renders one job at a time while the build
    process waits for the book (workers already take a core each)."""
    from docgen.build import runner
    from docgen.render import pdf_apart

    helper = PdfHelper(1700000000)
    try:
        assert helper._executor.submit(_pages_may_be_laid_out_apart).result(timeout=120)
    finally:
        helper.close()

    monkeypatch.setattr(pdf_apart, "_allowed", False)
    monkeypatch.setattr(runner, "_exit_with_parent", lambda: None)
    monkeypatch.setattr(runner.signal, "signal", lambda *_: None)
    monkeypatch.setattr(runner.tempfile, "tempdir", runner.tempfile.tempdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(runner, "collect_for_rendering", lambda: None)
    runner._init_worker(None, 1700000000, False, str(tmp_path))  # a worker's set-up
    assert not pdf_apart._allowed
