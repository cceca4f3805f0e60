"""The build (构建): hash inputs → (no-op?) → check → plan → render stale outputs → commit.

See :mod:`docgen.build` for the design. This module imports nothing heavy at the top: the
no-op path loads no content, plans nothing and imports no renderer.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import os
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from docgen.build.inputs import InputState, build_dates, sha256_bytes, sha256_file
from docgen.build.manifest import CompleteBuild, Manifest, OutputRecord
from docgen.build.registry import DEFAULT_RENDERERS, RendererSpec, in_scope, known_kinds, year_of_path
from docgen.build.report import BuildReport, Failure, Rendered, Status
from docgen.build.writer import OutputFolder, UnsafePathError
from docgen.project import ProjectPaths

if TYPE_CHECKING:
    from docgen.build.plan import Plan
    from docgen.build.runner import PdfHelper, RenderPool, RenderResult, RenderTask
    from docgen.build.watch import WarmState
    from docgen.render.context import Output, RenderContext

ESTIMATED_SECONDS = {"pdf": 0.3, "docx": 0.05, "site": 0.005, "bundle": 0.05}
"""Rough render cost of an output by kind (measured: a project's sheet ~0.2 s, a 绩效目标表 ~15 ms, a
page ~5 ms), to order the work and decide whether workers pay off."""
DEFAULT_ESTIMATE = 0.05
PER_CONTENT_FILE = {"pdf": 0.05, "docx": 0.02, "site": 0.0, "bundle": 0.0}
"""A year's report of 250 projects costs far more than one project's sheet: cost grows with the
files read (site pages read many files but cost little: they do not grow)."""
DEFAULT_PER_CONTENT_FILE = 0.2  # a renderer of another kind: assume its cost grows with what it reads
WORKER_START_SECONDS = 3.0
"""What starting workers costs, all told (spawn, imports, receiving the context, each one's PDF
warm-up, which the build pays once more than inline): worth it when they save more than this. A
one-project edit measured 3.9–4.1 s inline against 4.3–5.3 s with two workers (shipped content),
11.9 s against 16.5–18.0 s (1,000 projects: the year's book alone is most of its wave)."""


class BuildError(Exception):
    """A build that cannot start: bad options or an output folder in the wrong place."""


class Progress(Protocol):
    """Receives the build's progress (the terminal's progress bar implements it)."""

    def start(self, total: int) -> None: ...

    def advance(self, path: str, state: str) -> None: ...  # state: rendered | unchanged | resumed | failed

    def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how (the options of ``docgen build``)."""

    out: Path | None = None  # default: <root>/build
    year: int | None = None
    only: tuple[str, ...] = ()  # kinds; empty: all
    jobs: int | None = None  # worker processes; default: the number of cores, when the work is worth starting them
    force: bool = False
    renderers: tuple[RendererSpec, ...] = DEFAULT_RENDERERS

    def kinds(self) -> set[str]:
        known = known_kinds(self.renderers)
        unknown = [kind for kind in self.only if kind not in known]
        if unknown:
            raise BuildError(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        return set(self.only or known)

    def jobs_given(self) -> bool:
        """``-j N`` with N > 1 asks for workers whatever the work; by default they start only when it pays off."""
        return self.jobs is not None and self.jobs > 1

    def selection(self) -> str:
        """The key under which the manifest remembers a complete build of this selection."""
        return f"year={self.year or '*'};only={','.join(sorted(self.kinds()))}"


def build(
    paths: ProjectPaths, options: BuildOptions, progress: Progress | None = None, *, warm: WarmState | None = None
) -> BuildReport:
    """Build the outputs ``options`` select; never raises for bad content (see the report's diagnostics).

    ``warm``: what the process this build was forked from keeps loaded (``docgen build --watch``)."""
    started = time.perf_counter()
    out = output_folder(paths, options)
    report = BuildReport(out=out, started=started)
    folder = OutputFolder(out)
    clock = _Phases(report)

    dates = build_dates(paths.root)
    # Forked first: its warm-up (~1 s: WeasyPrint, the role fonts) is what an edit's sheet waits
    # for, and a build with nothing to do only pays for the fork and the kill (~0.01 s).
    helper = _pdf_helper(options, dates.latest, pdf_warm=warm is not None and warm.pdf_warm)
    try:
        inputs = InputState.scan(paths, dates)
        manifest = Manifest.load(folder)
        selection = options.selection()
        clock.lap("hash")
        if not options.force and manifest.intact(folder, selection, inputs.digest):
            report.status = Status.NOTHING_TO_DO
            for path in manifest.complete[selection].outputs:
                report.unchanged[manifest.outputs[path].kind] += 1
        else:
            _check_plan_render_commit(paths, options, inputs, manifest, folder, report, clock, progress, helper, warm)
    except KeyboardInterrupt:  # before or while rendering: nothing was written
        report.status = Status.INTERRUPTED
    finally:
        if helper is not None:
            helper.close()
    report.seconds = time.perf_counter() - started
    return report


def output_folder(paths: ProjectPaths, options: BuildOptions) -> Path:
    """The folder the build writes (``--out``, else build/); BuildError for one over the sources or an
    unknown kind, before anything is read."""
    out = (options.out or paths.build).absolute()
    _check_out_folder(paths, out)
    options.kinds()
    return out


def _pdf_helper(options: BuildOptions, source_date_epoch: int, *, pdf_warm: bool = False) -> PdfHelper | None:
    """A :class:`~docgen.build.runner.PdfHelper`, forked now, when PDFs may be due, a second core is free
    and forking is safe; else None."""
    from docgen.build.runner import PdfHelper

    cores = options.jobs or os.cpu_count() or 1
    if cores > 1 and "pdf" in options.kinds() and PdfHelper.fork_is_safe(pdf_warm):
        return PdfHelper(source_date_epoch)
    return None


def _check_plan_render_commit(
    paths: ProjectPaths,
    options: BuildOptions,
    inputs: InputState,
    manifest: Manifest,
    folder: OutputFolder,
    report: BuildReport,
    clock: _Phases,
    progress: Progress | None,
    helper: PdfHelper | None,
    warm: WarmState | None,
) -> None:
    from docgen.api import check
    from docgen.build.plan import PlanError, plan_outputs
    from docgen.build.runner import RenderPool
    from docgen.render.context import RenderContext
    from docgen.source.cache import ParseCache

    checked = check(paths, cache=ParseCache.from_environment(), models=warm.models if warm is not None else None)
    report.diagnostics.extend(checked.diagnostics)
    clock.lap("check")
    if checked.diagnostics.has_errors():
        report.status = Status.REFUSED
        return

    checked.content.forget_positions()  # a render finds them again for its diagnostics, if it has any
    if inputs.dates.shallow:
        report.notices.append(
            "the repository is a shallow clone: the files of its first commit are all dated by that commit, "
            "so the documents made of them are rendered again whenever it changes; fetch the whole history "
            "(actions/checkout fetch-depth: 0, GitLab GIT_DEPTH: 0) so that unchanged documents keep their dates"
        )
    ctx = RenderContext(paths, checked.content, checked.facts, inputs.dates.latest)
    by_kind: dict[str, list[Output]] = {}  # each kind planned once
    if helper is not None:
        stale = _stale_pdfs(ctx, options, inputs, manifest, by_kind)
        helper.render_ahead(ctx, stale)
        stale_paths = {task.output.path for task in stale}
        helper.prepare(ctx, [o for o in by_kind.get("pdf", []) if stale_paths.intersection(o.after)])
    try:
        plan = plan_outputs(ctx, options.renderers, kinds=options.kinds(), year=options.year, by_kind=by_kind)
    except PlanError as exc:
        report.failures.append(Failure("", "plan", str(exc)))
        report.status = Status.FAILED
        return
    report.notices.extend(plan.notices)
    folder.prepare()
    clock.lap("plan")

    pool = RenderPool(ctx, options.jobs or os.cpu_count() or 1, helper, lambda task: _expected(task.output, manifest))
    run = _Run(paths, options, inputs, manifest, folder, plan, report, progress)
    try:
        run.render(pool)
    except KeyboardInterrupt:
        pool.close(kill=True)
        report.status = Status.INTERRUPTED
    finally:
        pool.close()
        if progress is not None:
            progress.stop()
        report.workers = pool.workers
        report.helped = pool.helped
        report.ahead = pool.ahead
    clock.lap("render")
    if report.status is Status.OK and report.failures:
        report.status = Status.FAILED
    if report.status is Status.OK:
        try:
            with _ctrl_c_waits():
                run.commit(options.selection())
        except UnsafePathError as exc:
            report.failures.append(Failure("", "write", str(exc)))
            report.status = Status.FAILED
        clock.lap("write")
    if report.status is not Status.OK:
        folder.forget_staged_except(run.fingerprints)  # keep only what the next build may take


@contextmanager
def _ctrl_c_waits() -> Iterator[None]:
    """Ignore Ctrl-C during the commit: it is short, and a half-done commit is what the build avoids."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Phases:
    def __init__(self, report: BuildReport) -> None:
        self.report = report
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.report.phases[name] = now - self.last
        self.last = now


@dataclass(slots=True)
class _Staged:
    output: Output
    fingerprint: str
    file: Path
    sha256: str
    seconds: float  # of rendering (0: resumed, linked)


class _Run:
    """One build's rendering and commit of its plan's outputs."""

    def __init__(
        self,
        paths: ProjectPaths,
        options: BuildOptions,
        inputs: InputState,
        manifest: Manifest,
        folder: OutputFolder,
        plan: Plan,
        report: BuildReport,
        progress: Progress | None,
    ) -> None:
        self.root = paths.root.resolve()
        self.paths = paths
        self.options = options
        self.inputs = inputs
        self.manifest = manifest
        self.folder = folder
        self.plan = plan
        self.report = report
        self.progress = progress
        self.output_hashes: dict[str, str] = {}  # sha256 of each output's bytes as this build leaves them
        self.output_dates: dict[str, int] = {}  # each output's build date (inputs.BuildDates)
        self.locations: dict[str, str] = {}  # where those bytes are now (staged, or in the output folder)
        self.staged: dict[str, _Staged] = {}
        self.failed: set[str] = set()
        self.fingerprints: set[str] = set()  # of every output this build considered
        self.touched: dict[str, os.stat_result] = {}  # unchanged outputs whose file has another time

    def render(self, pool: RenderPool) -> None:
        """Render what is stale, each output as soon as the outputs it reads are done.

        Not wave by wave: a year's book goes to the PDF helper the moment its sheets are staged,
        while this process is still rendering the year's Word attachment of the same wave.
        """
        outputs = self.plan.outputs
        if self.progress is not None:
            self.progress.start(len(outputs))
        unread = {output.path: len(output.after) for output in outputs}  # what each still waits for
        readers: dict[str, list[Output]] = defaultdict(list)
        by_path = {output.path: output for output in outputs}
        for output in outputs:
            for dependency in output.after:
                readers[dependency].append(output)
        # The costliest first: an edit's sheet reaches the PDF helper before the build has weighed
        # the thousands of pages (~0.3 s of fingerprints at 1,000 projects), and its book follows it
        # as soon as the sheet is done.
        ready = _Ready(output for output in outputs if not output.after)

        chain = chain_seconds(readers, lambda path: _expected(by_path[path], self.manifest))
        pool.priority = lambda task: chain(task.output.path)  # the longest chain first: the critical path

        def unblocks(path: str, reader: Output) -> bool:
            """Whether ``path`` is all that PDF ``reader`` (a year's book) still waits for."""
            return reader.kind == "pdf" and unread[reader.path] == 1

        def done(path: str) -> None:
            for reader in readers[path]:
                unread[reader.path] -= 1
                if not unread[reader.path]:
                    ready.push(reader)

        def take_results() -> None:
            while pool.has_results:
                result = pool.next_result()
                assert result is not None  # has_results: a result is waiting
                self._take(result)
                done(result.task.output.path)

        tasks: list[RenderTask] = []  # to submit once every ready output has been weighed
        while True:
            while ready:
                output = ready.pop()
                task = self._task(output)
                if task is None:
                    done(output.path)
                elif output.streamed:
                    self._render_streamed(pool.ctx, task)
                    done(output.path)
                elif output.copy_of is not None:
                    self._stage_copy(task, output.copy_of)
                    done(output.path)
                elif self.options.jobs_given() or not pool.hand_over(task):
                    tasks.append(task)
                if pool.take_finished():  # the helper finished (an edit's sheet): what it makes ready
                    take_results()  # (the book) goes to the helper now, not after the rest is weighed
            if tasks and pool.wait_for_helper(lambda path: any(unblocks(path, reader) for reader in readers[path])):
                take_results()  # the helper finished a sheet: its book goes to the helper before
                continue  # the rest is shared out
            tasks.sort(key=lambda task: -_estimate(task.output))  # longest first: the work ends sooner
            parallel = self.options.jobs_given() or pool.workers > 0 or _workers_pay_off(tasks, pool.jobs)
            pool.submit(tasks, parallel=parallel)
            tasks = []
            result = pool.next_result()
            if result is None:
                break
            self._take(result)
            done(result.task.output.path)

    def _task(self, output: Output) -> RenderTask | None:
        """What rendering ``output`` takes, or None: unchanged, resumed, or blocked by an output it reads."""
        from docgen.build.plan import fingerprint, output_date
        from docgen.build.runner import RenderTask

        blocked = [dep for dep in output.after if dep in self.failed]
        if blocked:
            self._fail(output, f"not rendered: it reads {blocked[0]}, which failed", blocked=True)
            return None
        date = self.output_dates[output.path] = output_date(output, self.inputs, self.output_dates)
        print_ = fingerprint(output, self.inputs, self.root, self.output_hashes, date)
        self.fingerprints.add(print_)
        if self._unchanged(output, print_) or self._resume(output, print_):
            return None
        after = {dep: self.locations[dep] for dep in output.after}
        return RenderTask(output, print_, after, {dep: self.output_hashes[dep] for dep in output.after}, date)

    def _unchanged(self, output: Output, print_: str) -> bool:
        record = self.manifest.outputs.get(output.path)
        if self.options.force or record is None or record.fingerprint != print_:
            return False
        found = self.folder.stat(output.path)
        if not record.matches(found):
            if not _same_bytes_touched(record, found, os.path.join(self.folder.root, output.path)):
                return False
            assert found is not None  # the same bytes: the file is there
            self.touched[output.path] = found  # the manifest takes its new time at the commit
        self.output_hashes[output.path] = record.sha256
        self.locations[output.path] = os.path.join(self.folder.root, output.path)
        self.report.unchanged[output.kind] += 1
        self._advance(output.path, "unchanged")
        return True

    def _resume(self, output: Output, print_: str) -> bool:
        """Take the file an interrupted build staged for this very fingerprint."""
        if self.options.force or not self.folder.has_staged(print_):
            return False
        file = self.folder.staged(print_)
        self._keep(output, print_, file, sha256_file(file), 0.0)
        self._rendered(output, 0.0, resumed=True)
        return True

    def _render_streamed(self, ctx: RenderContext, task: RenderTask) -> None:
        """Render an output that writes its own file (the bundle) here, straight into the staging area."""
        from docgen.build.runner import render

        results: list[RenderResult] = []

        def write(handle: BinaryIO) -> bool:
            results.append(render(ctx, task, handle))
            return results[-1].ok

        file = self.folder.stage_from(task.fingerprint, write)
        self._take(results[0], file)

    def _stage_copy(self, task: RenderTask, source: str) -> None:
        """Stage an output that is the same bytes as ``source`` (``Output.copy_of``): linked, not rendered."""
        output = task.output
        file = self.folder.stage_link(task.fingerprint, Path(task.after_files[source]))
        self._keep(output, task.fingerprint, file, task.after_hashes[source], 0.0)
        self._rendered(output, 0.0)

    def _take(self, result: RenderResult, streamed: Path | None = None) -> None:
        """Stage what a render gave (``streamed``: the file a streamed output was written to)."""
        output = result.task.output
        self.report.diagnostics.extend(result.diagnostics)
        if not result.ok or result.data is None:
            reason = result.error or "the renderer reported errors (see the diagnostics)"
            self._fail(output, reason, result.detail)
            return
        if streamed is not None:
            self._keep(output, result.task.fingerprint, streamed, sha256_file(streamed), result.seconds)
        else:
            file = self.folder.stage(result.task.fingerprint, result.data)
            self._keep(output, result.task.fingerprint, file, sha256_bytes(result.data), result.seconds)
        self._rendered(output, result.seconds, helper=result.helper)

    def _rendered(self, output: Output, seconds: float, *, resumed: bool = False, helper: bool = False) -> None:
        """Report ``output`` staged now (its place in the build's timeline), after ``seconds`` of rendering."""
        finished = time.perf_counter() - self.report.started
        self.report.rendered.append(
            Rendered(output.path, output.kind, seconds, resumed=resumed, finished=finished, helper=helper)
        )
        self._advance(output.path, "resumed" if resumed else "rendered")

    def _keep(self, output: Output, print_: str, file: Path, sha256: str, seconds: float) -> None:
        self.staged[output.path] = _Staged(output, print_, file, sha256, seconds)
        self.output_hashes[output.path] = sha256
        self.locations[output.path] = str(file)

    def _fail(self, output: Output, error: str, detail: str | None = None, *, blocked: bool = False) -> None:
        self.failed.add(output.path)
        self.report.failures.append(Failure(output.path, output.kind, error, detail, blocked))
        self._advance(output.path, "failed")

    def _advance(self, path: str, state: str) -> None:
        if self.progress is not None:
            self.progress.advance(path, state)

    def commit(self, selection: str) -> None:
        """Move the staged outputs into place, remove the outputs no longer made, save the manifest."""
        planned = {output.path for output in self.plan.outputs}
        kinds = self.options.kinds()
        stale = [
            path
            for path, record in self.manifest.outputs.items()
            if path not in planned and in_scope(record.kind, year_of_path(path), kinds, self.options.year)
        ]
        changed_inputs = self.inputs.changed_since(self.inputs.rescan(self.paths))
        for path in self.staged:
            self.folder.target(path)  # refuse the whole commit before moving anything, not half-way
        if self.staged or stale or self.touched:
            # Whatever was complete before no longer describes the folder. Saved once, at the end: a
            # build stopped half-way through the moves leaves the last manifest, whose records no
            # longer match the files moved or removed (size, time), so that neither the no-op check
            # (Manifest.intact) nor the next build's weighing takes them for its outputs.
            self.manifest.complete.clear()
        for path in sorted(self.staged):
            item = self.staged[path]
            result = self._in_place(path, item) or self.folder.place(path, item.file)
            self.manifest.outputs[path] = OutputRecord(
                kind=item.output.kind,
                fingerprint=item.fingerprint if not _touches(item.output, changed_inputs) else "",
                sha256=item.sha256,
                size=result.st_size,
                mtime_ns=result.st_mtime_ns,
                renderer=item.output.renderer,
                seconds=item.seconds or _previous_seconds(self.manifest, path),
            )
        for path, found in self.touched.items():  # unchanged, so recorded and not staged
            self.manifest.outputs[path].mtime_ns = found.st_mtime_ns
        for path in sorted(stale):
            if self.folder.remove(path):
                self.report.removed.append(path)
            del self.manifest.outputs[path]
        if changed_inputs:
            self.report.notices.append(
                f"{len(changed_inputs)} input file(s) changed during the build (e.g. {sorted(changed_inputs)[0]}); "
                "the outputs made from them will be rendered again by the next build"
            )
            self.manifest.complete.pop(selection, None)
        else:
            self.manifest.complete[selection] = CompleteBuild(self.inputs.digest, sorted(planned))
        self.manifest.save(self.folder)
        self.folder.clear_staging()

    def _in_place(self, path: str, item: _Staged) -> os.stat_result | None:
        """The output's file when it already holds the staged bytes (as the manifest records it, untouched
        since): it stays as it is, its time too. Most of what an edit renders again comes out the same
        (at 1,000 projects, a target value: 74 of 91 outputs, the search index's files and most pages),
        and a file left in place costs no rename and is not copied again by whatever publishes the folder."""
        previous = self.manifest.outputs.get(path)
        if previous is None or previous.sha256 != item.sha256:
            return None
        found = self.folder.stat(path)
        return found if previous.matches(found) else None


RENDER_AHEAD = 4
"""At most this many stale PDFs are rendered ahead by the helper (an edit's; more go to workers)."""


def _stale_pdfs(
    ctx: RenderContext,
    options: BuildOptions,
    inputs: InputState,
    manifest: Manifest,
    by_kind: dict[str, list[Output]],
) -> list[RenderTask]:
    """The PDFs that read no other output and whose fingerprint the last build did not make (an edited
    project's sheet), found before the whole plan, which takes their plan from ``by_kind``; none when
    more than :data:`RENDER_AHEAD` are."""
    from docgen.build.plan import PlanError, fingerprint, output_date, plan_outputs
    from docgen.build.runner import RenderTask

    if options.force or options.jobs_given() or "pdf" not in options.kinds():
        return []  # everything, or workers asked for (the helper hands over nothing then), or no PDFs
    try:
        planned = plan_outputs(ctx, options.renderers, kinds={"pdf"}, year=options.year, by_kind=by_kind).outputs
    except PlanError:
        return []  # the whole plan says so
    root = ctx.root.resolve()
    stale: list[RenderTask] = []
    for output in planned:
        if output.kind != "pdf" or output.after:
            continue
        date = output_date(output, inputs, {})
        print_ = fingerprint(output, inputs, root, {}, date)
        record = manifest.outputs.get(output.path)
        if record is None or record.fingerprint != print_:
            stale.append(RenderTask(output, print_, {}, date=date))
            if len(stale) > RENDER_AHEAD:
                return []
    return stale


def chain_seconds(readers: Mapping[str, Sequence[Output]], expected: Callable[[str], float]) -> Callable[[str], float]:
    """The expected seconds of the longest chain of renders an output starts: its own, then the
    longest of its readers' (an edit's Word sheet, then the year's bundle, the year's page and the
    search index), each computed once, when first asked."""

    @functools.cache
    def chain(path: str) -> float:
        return expected(path) + max((chain(reader.path) for reader in readers.get(path, ())), default=0.0)

    return chain


class _Ready:
    """Outputs whose inputs are done, the costliest first (then in the order they became ready)."""

    def __init__(self, outputs: Iterable[Output]) -> None:
        self._heap: list[tuple[float, int, Output]] = []
        self._count = itertools.count()
        for output in outputs:
            self.push(output)

    def push(self, output: Output) -> None:
        heapq.heappush(self._heap, (-_estimate(output), next(self._count), output))

    def pop(self) -> Output:
        return heapq.heappop(self._heap)[2]

    def __bool__(self) -> bool:
        return bool(self._heap)


def _same_bytes_touched(record: OutputRecord, found: os.stat_result | None, path: str) -> bool:
    """Whether an output whose file no longer has its recorded time still has its recorded bytes:
    the build folder restored from a CI cache, copied or unpacked (new times, same files), is
    taken as built, not rendered again; a file of another size, or edited by hand, is not."""
    return found is not None and found.st_size == record.size and sha256_file(Path(path)) == record.sha256


def _touches(output: Output, changed: set[str]) -> bool:
    return bool(changed) and bool(changed & {*output.content_files, *output.templates})


def _workers_pay_off(tasks: Sequence[RenderTask], jobs: int) -> bool:
    """Whether starting workers for these tasks (the outputs ready together) saves more than they cost.

    In parallel the tasks take at least their longest (a year's targets book waits for no one),
    and at best their work divided among the workers; what that saves over rendering them here
    must exceed :data:`WORKER_START_SECONDS`.
    """
    if jobs < 2 or len(tasks) < 2:
        return False
    estimates = [_estimate(task.output) for task in tasks]
    inline = sum(estimates)
    parallel = max(max(estimates), inline / jobs)
    return inline - parallel > WORKER_START_SECONDS


def _expected(output: Output, manifest: Manifest) -> float:
    """What rendering ``output`` should take: its last render's seconds, else :func:`_estimate`."""
    return _previous_seconds(manifest, output.path) or _estimate(output)


def _previous_seconds(manifest: Manifest, path: str) -> float:
    record = manifest.outputs.get(path)
    return record.seconds if record is not None else 0.0


def _estimate(output: Output) -> float:
    """An output's expected render seconds (:data:`ESTIMATED_SECONDS`, growing with the files it reads)."""
    per_file = PER_CONTENT_FILE.get(output.kind, DEFAULT_PER_CONTENT_FILE)
    return ESTIMATED_SECONDS.get(output.kind, DEFAULT_ESTIMATE) * (1 + per_file * len(output.content_files))


def _check_out_folder(paths: ProjectPaths, out: Path) -> None:
    """Refuse an output folder that would hold, or be inside, the project's sources."""
    real_out = Path(os.path.realpath(out))
    for source in (paths.root, paths.content, paths.templates):
        real = Path(os.path.realpath(source))
        if real_out == real:
            raise BuildError(f"the output folder {out} is the project's {source.name}/; choose a folder of its own")
        if real_out in real.parents:
            raise BuildError(f"the output folder {out} would hold {source}; choose a folder of its own")
        if source != paths.root and real in real_out.parents:
            raise BuildError(f"the output folder {out} is inside {source}")


def parse_kinds(values: Sequence[str]) -> tuple[str, ...]:
    """``--only docx,pdf --only site`` → ("docx", "pdf", "site"); checked by :meth:`BuildOptions.kinds`."""
    return tuple(kind.strip() for value in values for kind in value.split(",") if kind.strip())
