"""Rendering (渲染执行): call render functions, in this process or in worker processes.

Workers are started with ``spawn`` (never ``fork``: WeasyPrint and its C libraries are not
safe to fork after import). Each worker is given the main process's checked render context
once, in its initializer (pickled: the workers render exactly the content the main process
checked and fingerprinted, even if a file changes during the build), sets
SOURCE_DATE_EPOCH for the libraries that read it, and, when PDFs are to be rendered, asks
the PDF renderer for its WeasyPrint font configuration (``docgen.render.pdf.font_config()``)
so that one configuration serves every PDF of the worker's life.

A render returns bytes; it never writes a file. Problems it finds in content or templates go
to ``ctx.diagnostics`` (an error there fails the output); an exception is a crash of the
renderer, reported with where it happened. Either way the output is not written. In a worker,
``ctx.content.documents`` (the positions of content values, for ``check``'s diagnostics) is
empty: see :func:`worker_context`.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context

from docgen.build.writer import BuiltOutputs
from docgen.diagnostics import Diagnostic, Diagnostics, Severity
from docgen.render.context import Output, RenderContext

RenderFunction = Callable[..., bytes]

PDF_MODULE = "docgen.render.pdf"


@dataclass(frozen=True, slots=True)
class RenderTask:
    """One output to render, with where to read the outputs it declared in ``after``."""

    output: Output
    fingerprint: str
    after_files: dict[str, str]  # output path → absolute file holding its current bytes


@dataclass(slots=True)
class RenderResult:
    """What one render gave: bytes, or why there are none."""

    task: RenderTask
    data: bytes | None
    seconds: float
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None  # a crash: exception type and message, and where it was raised
    detail: str | None = None  # the traceback of a crash

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


def render(ctx: RenderContext, task: RenderTask) -> RenderResult:
    """Render one output with ``ctx``; never raises for a failing renderer."""
    ctx.built = BuiltOutputs(task.after_files)
    ctx.diagnostics = Diagnostics()
    started = time.perf_counter()
    try:
        data = resolve(task.output.renderer)(ctx, *task.output.args)
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
        ctx.built = {}
    return RenderResult(task, data, time.perf_counter() - started, list(ctx.diagnostics))


def worker_context(ctx: RenderContext) -> RenderContext:
    """What workers receive: the context without the positions of content values (``content.documents``).

    Positions serve diagnostics of ``check``, which runs in the main process; sending them costs
    more than everything else together (12 MB, 3 s to unpickle per worker at 1,000 projects).
    """
    return replace(ctx, content=replace(ctx.content, documents={}), diagnostics=Diagnostics(), built={})


def warm_pdf() -> None:
    """Load WeasyPrint and the PDF renderer's one font configuration for this process, if it offers one."""
    try:
        module = importlib.import_module(PDF_MODULE)
    except ModuleNotFoundError:
        return
    accessor = getattr(module, "font_config", None)
    if callable(accessor):
        accessor()


def _exit_with_parent() -> None:
    """End this worker as soon as the build process is gone (killed with SIGKILL, it cannot stop us)."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch(sentinel: int) -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, args=(parent.sentinel,), name="docgen-parent-watch", daemon=True).start()


def _init_worker(context: bytes, source_date_epoch: int, pdf: bool) -> None:
    global _worker_context
    _exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle: it stops the workers
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    _worker_context = pickle.loads(context)
    if pdf:
        warm_pdf()


def _render_in_worker(task: RenderTask) -> RenderResult:
    assert _worker_context is not None, "the worker initializer did not run"
    return render(_worker_context, task)


class RenderPool:
    """Runs render tasks: inline, or in up to ``jobs`` spawned worker processes (started on first need)."""

    def __init__(self, ctx: RenderContext, jobs: int) -> None:
        self.ctx = ctx
        self.jobs = max(1, jobs)
        self.workers = 0
        self._executor: ProcessPoolExecutor | None = None
        self._pdf_warm = False

    def run(self, tasks: Sequence[RenderTask], *, parallel: bool, pdf: bool) -> Iterator[RenderResult]:
        """Render ``tasks``; results come as they finish (in any order)."""
        if not tasks:
            return
        if parallel and self.jobs > 1 and (self._executor is not None or len(tasks) > 1):
            yield from self._run_parallel(tasks, pdf)
        else:
            yield from self._run_inline(tasks, pdf)

    def _run_inline(self, tasks: Sequence[RenderTask], pdf: bool) -> Iterator[RenderResult]:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(self.ctx.source_date_epoch)
        try:
            if pdf and not self._pdf_warm:
                warm_pdf()
                self._pdf_warm = True
            for task in tasks:
                yield render(self.ctx, task)
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous

    def _run_parallel(self, tasks: Sequence[RenderTask], pdf: bool) -> Iterator[RenderResult]:
        if self._executor is None:
            self.workers = min(self.jobs, len(tasks))
            context = pickle.dumps(worker_context(self.ctx), protocol=pickle.HIGHEST_PROTOCOL)
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(context, self.ctx.source_date_epoch, pdf),
            )
        futures: dict[Future[RenderResult], RenderTask] = {
            self._executor.submit(_render_in_worker, task): task for task in tasks
        }
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                yield RenderResult(futures[future], None, 0.0, error="a worker process died (killed or crashed)")
            except Exception as exc:  # the result could not be returned (e.g. not picklable)
                yield RenderResult(futures[future], None, 0.0, error=f"{type(exc).__name__}: {exc}")

    def close(self, *, kill: bool = False) -> None:
        """Stop the workers; ``kill`` ends them at once (interrupted build)."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            processes = getattr(executor, "_processes", None) or {}  # no public API before Python 3.14
            for process in list(processes.values()):
                process.kill()
            executor.shutdown(wait=False, cancel_futures=True)
        else:
            executor.shutdown(wait=True)
