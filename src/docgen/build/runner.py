"""Rendering (渲染执行): call render functions, in this process or in worker processes.

Workers are started with ``spawn`` (never ``fork``: WeasyPrint and its C libraries are not
safe to fork after import). The one exception is the :class:`PdfHelper`, forked at the very
start of a build, before anything is imported or rendered, to load WeasyPrint while the build
checks the content: a small edit's PDFs (a sheet, the year's book) render there while the
build process renders the Word files and pages. Each worker is given the main process's
checked render context once, in its initializer (the helper: the content of the files each of
its jobs declares, :func:`own_context`), pickled: the workers render exactly the content the
main process checked and fingerprinted, even if a file changes during the build. Each worker
sets SOURCE_DATE_EPOCH for the libraries that read it, makes its temporary files in the
build's :class:`Scratch` folder, and, when PDFs are to be rendered, asks the PDF renderer to
warm up (``docgen.render.pdf.warm_up()``: WeasyPrint, its one font configuration and the role
faces), so that one configuration serves every PDF of the worker's life.

A render returns bytes; it never writes a file. Problems it finds in content or templates go
to ``ctx.diagnostics`` (an error there fails the output); an exception is a crash of the
renderer, reported with where it happened. Either way the output is not written. In a worker,
``ctx.content.documents`` (the positions of content values, for ``check``'s diagnostics) is
empty: see :func:`worker_context`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import importlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from docgen.build.writer import BuiltOutputs
from docgen.diagnostics import Diagnostic, Diagnostics, Severity
from docgen.process_gc import collect_for_rendering, keep_for_life

if TYPE_CHECKING:  # the content model is imported by whoever makes a context: not needed to fork the helper
    from docgen.render.context import Output, RenderContext

RenderFunction = Callable[..., bytes]

PDF_MODULE = "docgen.render.pdf"


@dataclass(frozen=True, slots=True)
class RenderTask:
    """One output to render, with where to read the outputs it declared in ``after``."""

    output: Output
    fingerprint: str
    after_files: dict[str, str]  # output path → absolute file holding its current bytes
    after_hashes: dict[str, str] = field(default_factory=dict)  # output path → sha256 of those bytes
    date: int | None = None  # its build date (SOURCE_DATE_EPOCH); None: the context's


@dataclass(slots=True)
class RenderResult:
    """What one render gave: bytes, or why there are none."""

    task: RenderTask
    data: bytes | None
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None  # a crash: exception type and message, and where it was raised
    detail: str | None = None  # the traceback of a crash
    ahead: bool = False  # rendered by the helper before the build asked (PdfHelper.render_ahead)
    helper: bool = False  # rendered by the helper (the pool marks what it takes from the helper's jobs)

    @property
    def ok(self) -> bool:
        return (
            self.data is not None
            and self.error is None
            and not any(d.severity is Severity.ERROR for d in self.diagnostics)
        )


_functions: dict[str, RenderFunction] = {}
_worker_context: RenderContext | None = None


def resolve(renderer: str) -> RenderFunction:
    """The render function named ``module:function``."""
    function = _functions.get(renderer)
    if function is None:
        module_name, _, name = renderer.partition(":")
        function = getattr(importlib.import_module(module_name), name)
        _functions[renderer] = function
    return function


def render(ctx: RenderContext, task: RenderTask, out: BinaryIO | None = None) -> RenderResult:
    """Render one output with ``ctx``; never raises for a failing renderer.

    A streamed output (``Output.streamed``) is written into ``out``, and its result's data is empty.
    """
    ctx.built = BuiltOutputs(task.after_files)
    ctx.built_hashes = task.after_hashes
    ctx.diagnostics = Diagnostics()
    if task.date is not None:
        ctx.source_date_epoch = task.date
    started = time.perf_counter()
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(ctx.source_date_epoch)  # for the libraries that read it
    try:
        function = resolve(task.output.renderer)
        if task.output.streamed:
            if out is None:
                raise TypeError(f"{task.output.renderer} writes into a file, and none was given")
            function(ctx, *task.output.args, out)
            data = b""
        else:
            data = function(ctx, *task.output.args)
        if not isinstance(data, bytes):
            raise TypeError(f"{task.output.renderer} returned {type(data).__name__}, not bytes")
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
        return RenderResult(
            task,
            None,
            time.perf_counter() - started,
            list(ctx.diagnostics),
            error=f"{type(exc).__name__}: {exc}{where}",
            detail="".join(traceback.format_exception(exc)),
        )
    finally:
        ctx.built, ctx.built_hashes = {}, {}
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return RenderResult(task, data, time.perf_counter() - started, list(ctx.diagnostics))


def worker_context(ctx: RenderContext) -> RenderContext:
    """What workers receive: the context without the positions of content values (``content.documents``).

    Positions serve diagnostics of ``check``, which runs in the main process; sending them costs
    more than everything else together (12 MB, 3 s to unpickle per worker at 1,000 projects).
    """
    return replace(ctx, content=replace(ctx.content, documents={}), diagnostics=Diagnostics(), built={})


def declared_files(tasks: Iterable[RenderTask]) -> frozenset[str]:
    """The content files the tasks' outputs declare (``Output.content_files``)."""
    return frozenset(rel for task in tasks for rel in task.output.content_files)


def own_context(ctx: RenderContext, files: Collection[str]) -> RenderContext:
    """The context of outputs rendered apart from the whole content: the content of the ``files``
    they declare (:func:`declared_files`: what their fingerprints cover, so what their bytes may
    depend on) and the facts of those files' years (an output that reads a year's facts declares
    the files they are derived from: the year's evaluation report)."""
    content = ctx.content.only(files)
    facts = {year: facts for year, facts in ctx.facts.items() if year in content.years}
    return replace(ctx, content=content, facts=facts, diagnostics=Diagnostics(), built={}, built_hashes={})


def warm_pdf() -> None:
    """Load WeasyPrint, the PDF renderer's one font configuration and its fonts, if it offers a warm-up."""
    try:
        module = importlib.import_module(PDF_MODULE)
    except ModuleNotFoundError:
        return
    warm_up = getattr(module, "warm_up", None)
    if callable(warm_up):
        warm_up()


def _exit_with_parent() -> None:
    """End this worker as soon as the build process is gone (killed with SIGKILL, it cannot stop us)."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, args=(parent.sentinel,), name="docgen-parent-watch", daemon=True).start()


SCRATCH_PREFIX = "docgen-workers-"
MEMORY_FOLDER = Path("/dev/shm")
"""A folder in memory (tmpfs) on Linux: what WeasyPrint writes of the fonts (links to the role
faces, :mod:`docgen.render.font_config`; copies of them, ~86 MB, when there is no cache folder
to extract a collection's face into) is written there before a process's first PDF, while an
edit's sheet waits: copies 5x faster than to a disk's temporary folder (~0.05 s against ~0.25 s)."""
MEMORY_FOLDER_ROOM = 1 << 30
"""The free space the memory folder must have to be used (Docker's default /dev/shm holds 64 MB)."""


class Scratch:
    """A temporary folder for worker processes, removed by the build process when it stops them.

    WeasyPrint registers the fonts from a temporary folder of its own (links to the role faces,
    or copies of them: ~86 MB a process) and removes it when its font configuration is collected,
    which a killed worker never does (the helper is always stopped that way; so are the workers of
    an interrupted build). The workers make their temporary files in this folder instead
    (``tempfile.tempdir``), and the build process removes it whatever happened to them. A build
    killed with SIGKILL cannot: its folder (named after its process id) is removed by the next build.

    The folder is in :data:`MEMORY_FOLDER` when it has room, unless TMPDIR names a temporary folder.
    """

    def __init__(self) -> None:
        _remove_abandoned_scratch()
        self.path = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=_scratch_base())

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _scratch_base() -> str | None:
    """Where scratch folders go: the memory folder when it has room and TMPDIR is not set; None:
    the system's temporary folder."""
    if any(os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")):
        return None
    try:
        usage = os.statvfs(MEMORY_FOLDER)
    except OSError:  # not Linux, or no such folder
        return None
    if usage.f_bavail * usage.f_frsize < MEMORY_FOLDER_ROOM or not os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
        return None
    return str(MEMORY_FOLDER)


def _remove_abandoned_scratch() -> None:
    """Remove the scratch folders of build processes that no longer run."""
    bases = {Path(tempfile.gettempdir()), Path(_scratch_base() or tempfile.gettempdir())}
    for folder in (found for base in sorted(bases) for found in base.glob(f"{SCRATCH_PREFIX}*-*")):
        pid = folder.name[len(SCRATCH_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it runs
        return True
    return True


def _init_worker(context: bytes | None, source_date_epoch: int, pdf: bool, scratch: str, helper: bool = False) -> None:
    """Set up a rendering process; ``helper``: the PDF helper, which may fork copies of itself to lay
    out a book's pages while the build process waits (:mod:`docgen.render.pdf_apart`)."""
    collect_for_rendering()  # the helper is forked from the build process: it would inherit its setting
    _exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops the workers
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    tempfile.tempdir = scratch
    if context is not None:
        _adopt_context(context)
    if pdf:
        warm_pdf()
    if helper:
        from docgen.render.pdf_apart import allow

        allow()


def _adopt_context(context: bytes) -> None:
    global _worker_context
    _worker_context = _context_for_life(context)


def _context_for_life(context: bytes) -> RenderContext:
    """A context received from the build, read without the collector and then left out of its sight.

    Read with the rendering processes' collector on (:func:`collect_for_rendering`), the ~1.5
    million objects of the content at 1,000 projects would start ~2,000 young collections, and
    every full collection after them, while WeasyPrint lays out the book, would walk them again."""
    gc.disable()  # none of them is garbage
    try:
        ctx: RenderContext = pickle.loads(context)
    finally:
        gc.enable()
    keep_for_life()
    return ctx


def _started() -> None:
    """The helper's first job: it makes the executor fork its process now (the initializer warms it up)."""


HEAVY_RENDER_SECONDS = 1.0
"""After a render this long (a year's report: ~300 MB of layout), a worker gives its freed memory
back before its next PDF (:func:`_render_in_worker`)."""

_heavy_since_given_back = False
"""In a rendering process: whether a render of :data:`HEAVY_RENDER_SECONDS` or more ran since it
last gave memory back."""


_rendered_ahead: dict[tuple[str, str], RenderResult] = {}
"""In the helper: results rendered before the build asked, by output path and fingerprint."""


_prepared_contexts: dict[frozenset[str], RenderContext] = {}
"""In the helper: the contexts the build sent (:meth:`PdfHelper.submit`), by the files whose content they hold."""


def _prepare_context(files: frozenset[str], context: bytes) -> None:
    _prepared_contexts[files] = _context_for_life(context)


def _render_ahead(context: bytes, tasks: list[RenderTask]) -> None:
    """Render ``tasks`` now, in the helper, with the ``context`` of their own content files
    (:func:`own_context`), and keep their results until the build asks for them."""
    ctx = _context_for_life(context)
    for task in tasks:
        _rendered_ahead[(task.output.path, task.fingerprint)] = render(ctx, task)


def _render_in_worker(tasks: list[RenderTask], prepared: frozenset[str] | None = None) -> list[RenderResult]:
    """Render ``tasks`` with the worker's context (a worker), or with the context of the files
    ``prepared`` names (the helper: :meth:`PdfHelper.submit`), except those the build took back
    (:meth:`PdfHelper.take_back`)."""
    global _heavy_since_given_back
    ctx = _worker_context if prepared is None else _prepared_contexts[prepared]
    assert ctx is not None, "the worker initializer did not run"
    # Before the next PDF rather than right after the heavy render: the result goes back first
    # (a year's book is what an edit's build waits for; giving back is ~0.03 s after one).
    if _heavy_since_given_back and any(task.output.kind == "pdf" for task in tasks):
        give_back_memory()
        _heavy_since_given_back = False
    results = [
        RenderResult(task, None, 0.0, error=TAKEN_BACK) if _taken_back(task) else _render_or_take(ctx, task)
        for task in tasks
    ]
    if sum(result.seconds for result in results) > HEAVY_RENDER_SECONDS:
        _heavy_since_given_back = True
    return results


TAKEN_BACK = "taken back: the build process rendered it"


def _taken_back(task: RenderTask) -> bool:
    """Whether the build process took ``task`` back from the helper (a mark in the scratch folder)."""
    return os.path.exists(os.path.join(tempfile.gettempdir(), _TAKEN_BACK_FOLDER, _task_key(task)))


_TAKEN_BACK_FOLDER = "taken-back"


def _task_key(task: RenderTask) -> str:
    return hashlib.sha256(f"{task.output.path}\0{task.fingerprint}".encode("utf-8", "surrogatepass")).hexdigest()


def _render_or_take(ctx: RenderContext, task: RenderTask) -> RenderResult:
    """The result rendered ahead for this very output and fingerprint (same context, nothing read
    from other outputs: the same bytes), else a render now."""
    ahead = _rendered_ahead.pop((task.output.path, task.fingerprint), None)
    return render(ctx, task) if ahead is None else replace(ahead, task=task, ahead=True)


def give_back_memory() -> None:
    """Collect garbage and return the freed heap to the system (glibc's malloc_trim), so that the next
    large document starts from the worker's base size rather than from the last one's peak."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the memory stays with the process
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def batches(tasks: Sequence[RenderTask]) -> list[list[RenderTask]]:
    """The tasks as the jobs a worker takes: each batch (``Output.batch``) together, in the order given."""
    jobs: list[list[RenderTask]] = []
    by_batch: dict[str, list[RenderTask]] = {}
    for task in tasks:
        name = task.output.batch
        if not name:
            jobs.append([task])
        elif name in by_batch:
            by_batch[name].append(task)
        else:
            by_batch[name] = [task]
            jobs.append(by_batch[name])
    return jobs


WorkerJobs = dict[Future[list[RenderResult]], list[RenderTask]]
"""Jobs given to worker processes: each future and the tasks it renders."""


class PdfHelper:
    """One process, forked when a build starts, that loads WeasyPrint while the build checks the content.

    A process's first PDF pays ~1 s for WeasyPrint, its libraries and the role fonts; a
    one-project edit renders a sheet and the year's book, a few tenths of a second each. The
    helper pays that second on the other core during the check, then renders the PDFs of the
    work that is not given to workers, and a share of the rest (Word files, pages), while the build
    process renders the others. It holds contexts of some content files, never the whole content
    (:meth:`submit`).

    Forking is safe only before WeasyPrint is loaded and while no other thread runs
    (:func:`fork_is_safe`); otherwise there is no helper and the build renders as before.
    It ends with the build (even a build killed with SIGKILL: :func:`_exit_with_parent`).
    """

    def __init__(self, source_date_epoch: int) -> None:
        self._scratch = Scratch()
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=get_context("fork"),
            initializer=_init_worker,
            initargs=(None, source_date_epoch, True, self._scratch.path, True),
        )
        self._executor.submit(_started)  # forks now
        self._prepared: set[frozenset[str]] = set()  # the files of the contexts the helper holds

    @staticmethod
    def fork_is_safe(pdf_warm: bool = False) -> bool:
        """Fork only on Linux, with no other thread running, and before WeasyPrint is loaded, unless
        it was loaded and warmed up before this process forked from a warm one (``pdf_warm``: a build
        of ``docgen build --watch``, whose helper then starts warm)."""
        return (
            sys.platform.startswith("linux")
            and "fork" in multiprocessing.get_all_start_methods()
            and ("weasyprint" not in sys.modules or pdf_warm)
            and threading.active_count() == 1
        )

    def render_ahead(self, ctx: RenderContext, tasks: Sequence[RenderTask]) -> None:
        """Render ``tasks`` as soon as the helper is warm, before it has the whole context: an edit's
        sheet is what its longest chain starts with. Each is given the content of its own files only
        (:func:`own_context`; ~1 ms to send, where the whole content takes ~0.2 s to pickle and
        ~0.1 s to read), so the helper renders it while the build sends the rest. The build asks for
        them as usual (:meth:`submit`) and takes the results kept for the same fingerprints. The
        tasks read no other output: their fingerprints were taken without any
        (``docgen.build.engine._stale_pdfs``)."""
        for task in tasks:
            context = pickle.dumps(own_context(ctx, task.output.content_files), protocol=pickle.HIGHEST_PROTOCOL)
            self._executor.submit(_render_ahead, context, [task])

    def prepare(self, ctx: RenderContext, outputs: Sequence[Output]) -> None:
        """Send now the context of PDFs the helper will be given first, later (the book of an edit's
        sheet: a quarter of the content at 1,000 projects, ~0.05 s to send and read): the helper
        reads it after the sheet, while the build plans, instead of when the book is handed over."""
        for output in outputs:
            self._send(ctx, frozenset(output.content_files))

    def holding(self, files: frozenset[str]) -> frozenset[str] | None:
        """The smallest context the helper holds that has the content of every one of ``files``; None: none has."""
        covering = [held for held in self._prepared if files <= held]
        return min(covering, key=len) if covering else None

    def _send(self, ctx: RenderContext, files: frozenset[str]) -> frozenset[str]:
        """The context of ``files``: one the helper holds, else sent now (the helper keeps it)."""
        held = self.holding(files)
        if held is None:
            context = pickle.dumps(own_context(ctx, files), protocol=pickle.HIGHEST_PROTOCOL)
            self._executor.submit(_prepare_context, files, context)
            self._prepared.add(files)
            held = files
        return held

    def submit(self, ctx: RenderContext, tasks: Sequence[RenderTask]) -> WorkerJobs:
        """Render ``tasks`` in the helper; their futures.

        The helper never gets the whole content (~0.15 s to pickle here and ~0.2 s to read there at
        1,000 projects). Each job is rendered with a context the helper holds that has the content
        of every file the job declares (a year's attachment with the context sent for the year's
        book), else with the content of its own files (:func:`own_context`), sent with it and kept
        for the jobs after it. The sharing out (:meth:`RenderPool.submit`) counts the files to send."""
        return {
            self._executor.submit(_render_in_worker, job, self._send(ctx, declared_files(job))): job
            for job in batches(tasks)
        }

    def take_back(self, tasks: Sequence[RenderTask]) -> None:
        """Tell the helper not to render ``tasks``, given to it and not started: the build renders them.

        A job the executor has already passed to the helper's process can no longer be cancelled
        (it keeps one job queued beside the one being rendered). The helper looks for this mark
        before each task (:func:`_render_in_worker`); one it started all the same is rendered
        twice, and the build keeps its own."""
        folder = os.path.join(self._scratch.path, _TAKEN_BACK_FOLDER)
        os.makedirs(folder, exist_ok=True)
        for task in tasks:
            with open(os.path.join(folder, _task_key(task)), "wb"):
                pass

    def close(self) -> None:
        """End the helper: its results are all taken by then, or no longer wanted (it may still be warming up)."""
        _shut_down(self._executor, kill=True)
        self._scratch.remove()


SEND_SECONDS_PER_FILE = 0.0001
READ_SECONDS_PER_FILE = 0.00015
"""What sending the content of one project file to the helper costs: pickling here, reading there
(a year's 250 projects: ~0.025 s and ~0.04 s; the whole content of 1,000 projects: ~0.15 s and ~0.2 s)."""


def _worth_sending(cost: float, unsent: int) -> bool:
    """Whether a job of ``cost`` expected seconds is worth giving the helper when it must be sent the
    content of ``unsent`` files: never when sending costs more than the job. A site file that lists
    every page (sitemap.xml: ~0.01 s to render, from the whole content: ~0.15 s to pickle here and
    ~0.2-0.3 s to read there at 1,000 projects) is rendered here, where the content is at hand."""
    return cost > unsent * (SEND_SECONDS_PER_FILE + READ_SECONDS_PER_FILE)


AHEAD_WAIT_SECONDS = 1.0
"""How long the build waits for a sheet the helper is rendering when its book waits for it."""


class RenderPool:
    """Renders tasks as they are given: here, in up to ``jobs`` spawned worker processes (started on
    first need), or, with a :class:`PdfHelper`, the PDFs in the helper and the rest here.

    ``submit`` queues and returns at once; ``next_result`` gives finished results one at a time,
    taking those of the workers and the helper first and rendering a queued task here when none
    is ready, so that the build can hand out whatever a result makes ready (a year's book as
    soon as its sheets are done) while other work goes on.
    """

    def __init__(
        self,
        ctx: RenderContext,
        jobs: int,
        helper: PdfHelper | None = None,
        estimate: Callable[[RenderTask], float] = lambda task: 0.0,
    ) -> None:
        self.ctx = ctx
        self.jobs = max(1, jobs)
        self.estimate = estimate  # a task's expected seconds: how to share the work out
        self.priority = estimate  # what to render here first, highest first (the build: the longest chain it starts)
        self.workers = 0
        self.helper = helper
        self.helped = 0  # tasks the helper rendered
        self.ahead = 0  # of which it had rendered before it was asked
        self._executor: ProcessPoolExecutor | None = None
        self._scratch: Scratch | None = None
        self._pdf_warm = False
        self._here: list[RenderTask] = []  # to render in this process
        self._running: WorkerJobs = {}  # jobs given to the workers or the helper
        self._helper_jobs: set[Future[list[RenderResult]]] = set()
        self._finished: deque[RenderResult] = deque()
        self._awaited: Callable[[str], bool] = lambda path: True  # what others wait for (wait_for_helper)

    def submit(self, tasks: Sequence[RenderTask], *, parallel: bool) -> None:
        """Queue ``tasks``: to the workers when ``parallel`` (longest first is best), else here and the helper.

        The helper takes the PDFs, and of the rest what makes both processes finish sooner: each
        task (a batch as one), highest :attr:`priority` first (the build's: the longest chain of
        renders it starts; then the longest), goes to whichever is expected to be free first (here
        on a tie; expected from :attr:`estimate`, the task's last render time in the build, and,
        for the helper, the content it would be sent: :data:`SEND_SECONDS_PER_FILE` here and
        :data:`READ_SECONDS_PER_FILE` there for each file no context it holds has). A one-project
        edit's build renders the year's Word attachment here while the helper lays out the book,
        then whatever remains is shared between them.
        """
        if not tasks:
            return
        if parallel and self.jobs > 1 and (self._executor is not None or len(tasks) > 1):
            if not self._helper_jobs:
                self._drop_helper()  # idle: the workers warm up themselves
            self._to_workers(tasks)
        elif self.helper is not None:
            to_helper = [task for task in tasks if task.output.kind == "pdf"]
            here_load = sum(self.estimate(task) for task in self._here)
            helper_load = self._helper_load() + sum(self.estimate(task) for task in to_helper)
            others = batches([task for task in tasks if task.output.kind != "pdf"])  # a batch shares its work
            weighed = sorted(
                ((sum(map(self.estimate, job)), max(map(self.priority, job)), job) for job in others),
                key=lambda item: (-item[1], -item[0]),
            )
            for cost, _priority, job in weighed:
                unsent = self._unsent(job)
                if _worth_sending(cost, unsent) and helper_load + unsent * READ_SECONDS_PER_FILE < here_load:
                    to_helper += job
                    helper_load += cost + unsent * READ_SECONDS_PER_FILE
                    here_load += unsent * SEND_SECONDS_PER_FILE
                else:
                    self._here += job
                    here_load += cost
            if to_helper:
                self._give_helper(to_helper)
        else:
            self._here.extend(tasks)

    def _helper_load(self) -> float:
        """The expected seconds of what the helper was given and has not finished."""
        return sum(self.estimate(task) for job in self._helper_jobs if not job.done() for task in self._running[job])

    def hand_over(self, task: RenderTask) -> bool:
        """Give the idle helper a PDF now, before the build has weighed every other output (~0.3 s
        of fingerprints at 1,000 projects): an edit's sheet is what its longest chain starts with.
        False, the task left to :meth:`submit`, when there is no idle helper or workers run."""
        if self.helper is None or self._executor is not None or self._helper_jobs or task.output.kind != "pdf":
            return False
        self.submit([task], parallel=False)
        return True

    def take_finished(self) -> bool:
        """Take the results of the jobs finished by now, without waiting; whether results are waiting
        (:meth:`next_result` gives them at once)."""
        if self._running:
            done = [future for future in self._running if future.done()]
            if done:
                self._take(done)
        return bool(self._finished)

    def wait_for_helper(self, awaited: Callable[[str], bool]) -> bool:
        """When the helper is rendering an output ``awaited`` says others wait for (an edit's sheet,
        which its book waits for), wait for it (at most :data:`AHEAD_WAIT_SECONDS`) and take it:
        the book then goes to the helper before the other work is shared out, rather than after
        whatever the sharing gives it. Whether a result was taken."""
        self._awaited = awaited
        if not self._helper_awaited():
            return False
        wait(self._helper_jobs, timeout=AHEAD_WAIT_SECONDS, return_when=FIRST_COMPLETED)
        return self.take_finished()

    @property
    def has_results(self) -> bool:
        """Whether a result is waiting to be taken (:meth:`next_result` gives it at once)."""
        return bool(self._finished)

    def next_result(self) -> RenderResult | None:
        """The next result: a finished worker's, else one rendered here now, else the first to finish;
        None when nothing is queued or running."""
        while not self._finished:
            done = [future for future in self._running if future.done()]
            if done:
                self._take(done)
            elif self._here:
                task = self._next_here()
                self._share_with_idle_helper()
                return self._render_here(task)
            elif self._running:
                if not self._take_back_from_helper():
                    wait(self._running, return_when=FIRST_COMPLETED)
            else:
                return None
        return self._finished.popleft()

    def _take_back_from_helper(self) -> bool:
        """With nothing left to render here, take back the job last given to the helper that it has
        not started, unless a PDF, and render it here rather than wait: the sharing out went by
        expected seconds, and a render that takes longer than expected (the book after a rename
        that moves its contents pages: ~3 s where the last build's took ~0.7 s) would otherwise leave
        this process idle while small work waits behind it.

        Not started: its future can still be cancelled, or it waits behind another job of the
        helper's (the helper renders its jobs in the order given; the executor has passed the next
        one to its process already, where only :meth:`PdfHelper.take_back` stops it)."""
        if self.helper is None:
            return False
        waiting = [future for future in self._running if future in self._helper_jobs and not future.done()][1:]
        for future in reversed(self._running):
            if future not in self._helper_jobs or any(task.output.kind == "pdf" for task in self._running[future]):
                continue  # a worker's, or a PDF: this process has no WeasyPrint
            if future.cancel() or future in waiting:
                job = self._running.pop(future)
                self._helper_jobs.discard(future)
                if not future.cancelled():
                    self.helper.take_back(job)
                self.helped -= len(job)
                self._here.extend(job)
                return True
        return False

    def _helper_awaited(self) -> bool:
        """Whether the helper renders an output others wait for (an edit's sheet, which its book waits for)."""
        return any(self._awaited(task.output.path) for job in self._helper_jobs for task in self._running[job])

    def _next_here(self) -> RenderTask:
        """The task of highest :attr:`priority` first; the shortest while the helper renders what
        others wait for, so that what it finishes (a sheet) is taken, and what that makes ready
        (the book) given to it, as soon as possible."""
        awaited = self._helper_awaited()
        task = min(self._here, key=self.estimate) if awaited else max(self._here, key=self.priority)
        self._here.remove(task)
        return task

    def _share_with_idle_helper(self) -> None:
        """Before a render here: give the helper, if it has nothing to do, the task queued here that
        it would render soonest for the most time saved (expected seconds, less reading the content
        it does not hold; none that costs less than sending that content), rather than leave it idle
        while this process renders one task after another (the sharing out of :meth:`submit` goes by
        expected seconds, and a render that takes less than expected, the book, leaves the helper
        free early). Never part of a batch: a batch shares its work within one process."""
        if self.helper is None or self._helper_jobs or self._executor is not None:
            return
        gains: list[tuple[float, RenderTask]] = []
        for queued in self._here:
            if queued.output.batch:
                continue
            unsent = self._unsent([queued])
            if _worth_sending(self.estimate(queued), unsent):
                gains.append((self.estimate(queued) - unsent * READ_SECONDS_PER_FILE, queued))
        gain, task = max(gains, key=lambda pair: pair[0], default=(0.0, None))
        if task is not None and gain > 0:
            self._here.remove(task)
            self._give_helper([task])

    def _unsent(self, job: Sequence[RenderTask]) -> int:
        """How many content files the helper would be sent to render ``job``: none when a context it
        holds has them all."""
        assert self.helper is not None
        files = declared_files(job)
        return 0 if self.helper.holding(files) is not None else len(files)

    def _give_helper(self, tasks: Sequence[RenderTask]) -> None:
        assert self.helper is not None
        given = self.helper.submit(self.ctx, tasks)
        self._running.update(given)
        self._helper_jobs.update(given)
        self.helped += len(tasks)

    def _take(self, futures: Iterable[Future[list[RenderResult]]]) -> None:
        """Keep the results of finished jobs; a job whose worker died fails each of its tasks."""
        for future in futures:
            job = self._running.pop(future)  # a finished future holds its results' bytes: let them go once taken
            helper = future in self._helper_jobs
            self._helper_jobs.discard(future)
            try:
                results = future.result()
                self.ahead += sum(result.ahead for result in results)
                self._finished.extend(replace(result, helper=True) if helper else result for result in results)
            except BrokenProcessPool:
                error = "a worker process died (killed or crashed)"
                self._finished.extend(RenderResult(task, None, 0.0, error=error) for task in job)
            except Exception as exc:  # the results could not be returned (e.g. not picklable)
                error = f"{type(exc).__name__}: {exc}"
                self._finished.extend(RenderResult(task, None, 0.0, error=error) for task in job)

    def _render_here(self, task: RenderTask) -> RenderResult:
        if task.output.kind == "pdf" and not self._pdf_warm:
            warm_pdf()
            self._pdf_warm = True
        return render(self.ctx, task)

    def _to_workers(self, tasks: Sequence[RenderTask]) -> None:
        if self._executor is None:
            self.workers = min(self.jobs, len(tasks))
            context = pickle.dumps(worker_context(self.ctx), protocol=pickle.HIGHEST_PROTOCOL)
            pdf = any(task.output.kind == "pdf" for task in tasks)
            self._scratch = Scratch()
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(context, self.ctx.source_date_epoch, pdf, self._scratch.path),
            )
        for job in batches(tasks):
            self._running[self._executor.submit(_render_in_worker, job)] = job

    def _drop_helper(self) -> None:
        if self.helper is not None:
            self.helper.close()
            self.helper = None

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers and the helper; ``kill`` ends them at once (interrupted build)."""
        self._drop_helper()
        executor, self._executor = self._executor, None
        if executor is not None:
            _shut_down(executor, kill=kill)
        if self._scratch is not None:
            self._scratch.remove()
            self._scratch = None


def _shut_down(executor: ProcessPoolExecutor, *, kill: bool) -> None:
    if kill:
        processes = getattr(executor, "_processes", None) or {}  # no public API before Python 3.14
        for process in list(processes.values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
    else:
        executor.shutdown(wait=True)
