"""``docgen build --watch`` (监视构建): build, then build again whenever content or templates change,
each build forked from one process that stays warm.

A build in a new process at 1,000 projects spends ~1 s on what every build repeats: Python's
imports (~0.4 s), WeasyPrint and the role fonts in its PDF helper (~0.5-1 s, on the other core),
and loading and validating 1,761 content files (~0.3 s). The watch process pays these once: it
imports what a build uses, loads WeasyPrint and registers the fonts, and loads the content,
keeping each file's validated model (:class:`~docgen.source.model_memo.ModelMemo`). Each build
is then a fork of it: a new process that starts with all of that in its memory and runs the
ordinary :func:`~docgen.build.build` (the same check, plan, fingerprints, renders and atomic
commit: interrupted or killed, it leaves the outputs as any build does), prints its report and
ends; its PDF helper is forked from it, warm. Nothing a build does stays for the next one: the
watch process only loads the content again after each build (parsing and validating the files
whose text changed) and waits for the next change (watchfiles).
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docgen.build.engine import BuildOptions, Progress, build, output_folder
from docgen.build.report import BuildReport
from docgen.project import ProjectPaths
from docgen.source.model_memo import ModelMemo

WARM_MODULES = (
    "docgen.api",
    "docgen.build.bundle",
    "docgen.build.plan",
    "docgen.build.runner",
    "docgen.diff",
    "docgen.render.docx",
    "docgen.render.docx_engine",
    "docgen.render.pdf_book",
    "docgen.render.report",
    "docgen.render.site",
    "docgen.render.site_pages",
    "docgen.render.site_search",
    "docxtpl",
)
"""What a build imports when it renders (its renderers import their libraries only then)."""

CHANGE_STEP_MS = 50
"""How long the watch waits for more changes after one (an editor saving a file writes it more than once)."""
WAKE_MS = 200
"""How often the watch looks at ``stop`` when nothing changes."""


@dataclass(frozen=True, slots=True)
class WarmState:
    """What a build forked from the watch process finds loaded: each content file's model, and
    whether WeasyPrint and the fonts are warm (its PDF helper may then be forked with them)."""

    models: ModelMemo
    pdf_warm: bool


class WarmBuilder:
    """Builds ``options`` of ``paths``, each build in a process forked from this one."""

    def __init__(self, paths: ProjectPaths, options: BuildOptions) -> None:
        from docgen.build.runner import Scratch

        self.paths = paths
        self.options = options
        self.state = WarmState(ModelMemo(), pdf_warm=False)
        # This process's temporary files (WeasyPrint's copies of the fonts, ~86 MB) and its builds'
        # go into a folder removed when it stops, or by the next build if it is killed.
        self.scratch = Scratch()
        tempfile.tempdir = self.scratch.path

    def close(self) -> None:
        self.scratch.remove()

    def warm_up(self) -> None:
        """Import what a build uses, load WeasyPrint and the fonts when PDFs are built, load the content."""
        for module in WARM_MODULES:
            importlib.import_module(module)
        for renderer in self.options.renderers:
            importlib.import_module(renderer.module)
        if "pdf" in self.options.kinds():
            from docgen.render.pdf import font_config, warm_up

            warm_up()  # without the role fonts, a build says what to install
            self.state = WarmState(self.state.models, pdf_warm=font_config() is not None)
        self.refresh()

    def refresh(self) -> None:
        """Load the content again (the files whose text changed), and keep it out of the collector's sight."""
        from docgen.source.cache import ParseCache
        from docgen.source.load import load_content

        load_content(self.paths.content, cache=ParseCache.from_environment(), models=self.state.models)
        self.state.models.forget_positions()
        gc.collect()
        gc.freeze()  # a build's collections do not walk what it shares with this process

    def build(self, report: Callable[[BuildReport], None], progress: Callable[[], Progress | None]) -> int:
        """Build once, in a fork of this process; its exit code. Ctrl-C ends the build (as it would a
        ``docgen build``) and then raises KeyboardInterrupt here."""
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:  # the build: never returns
            self._build_here(report, progress)
        interrupted = False
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except KeyboardInterrupt:  # the build has it too: wait for it to stop
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        return os.waitstatus_to_exitcode(status)

    def _build_here(self, report: Callable[[BuildReport], None], progress: Callable[[], Progress | None]) -> None:
        from docgen.process_exit import exit_now

        code = 1
        try:
            done = build(self.paths, self.options, progress(), warm=self.state)
            report(done)
            code = done.exit_code
        except BaseException:  # never back into the watch loop of the parent's copy
            traceback.print_exc()
        finally:
            exit_now(code)


def watch(
    paths: ProjectPaths,
    options: BuildOptions,
    report: Callable[[BuildReport], None],
    echo: Callable[[str], None],
    *,
    progress: Callable[[], Progress | None] = lambda: None,
    stop: threading.Event | None = None,
) -> int:
    """Build, then build again after each change under content/ and templates/, until Ctrl-C (or ``stop``)."""
    import watchfiles

    output_folder(paths, options)  # refused before anything is loaded (BuildError)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops it, even started in the background
    signal.signal(signal.SIGTERM, _stop)  # as does a service manager: its folder removed, a build interrupted
    builder = WarmBuilder(paths, options)
    folders = [folder for folder in (paths.content, paths.templates) if folder.is_dir()]
    changes_seen = watchfiles.watch(
        *folders,
        stop_event=stop,
        raise_interrupt=False,
        step=CHANGE_STEP_MS,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,  # its first answer says it is watching
    )
    try:
        builder.warm_up()
        next(changes_seen, None)  # watching from here on: an edit made while a build runs is built next
        builder.build(report, progress)
        builder.refresh()
        echo(f"watching {', '.join(str(folder) for folder in folders)} (Ctrl-C stops)")
        for changes in changes_seen:
            if not changes:
                continue
            names = sorted({Path(changed).name for _, changed in changes})
            echo(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}; building")
            builder.build(report, progress)
            builder.refresh()
    except KeyboardInterrupt:
        pass
    finally:
        builder.close()
    return 0


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
