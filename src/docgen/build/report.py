"""What a build did (构建报告), as a one-screen summary or as JSON for CI."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from docgen.diagnostics import Diagnostics


class Status(StrEnum):
    OK = "ok"  # rendered what was stale (possibly nothing) and committed
    NOTHING_TO_DO = "nothing-to-do"  # the no-op rebuild: inputs unchanged, outputs intact
    REFUSED = "refused"  # content has errors: nothing rendered
    FAILED = "failed"  # a render failed: nothing committed, the previous outputs are intact
    INTERRUPTED = "interrupted"  # Ctrl-C: nothing committed, the previous outputs are intact


@dataclass(frozen=True, slots=True)
class Rendered:
    path: str
    kind: str
    seconds: float  # rendering it, in the process that rendered it
    resumed: bool = False  # staged by an interrupted build and taken as it was
    finished: float = 0.0  # when the build had it, in seconds from the build's start: the build's timeline
    helper: bool = False  # rendered by the PDF helper process (see docgen.build.runner.RenderPool.submit)


@dataclass(frozen=True, slots=True)
class Failure:
    path: str
    kind: str
    error: str
    detail: str | None = None
    blocked: bool = False  # not attempted: an output it reads failed


MAX_FAILURE_LINES = 20


@dataclass(slots=True)
class KindStats:
    rendered: int = 0
    unchanged: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class BuildReport:
    """Everything a build did, for the summary, ``--format json`` and tests."""

    out: Path
    status: Status = Status.OK
    rendered: list[Rendered] = field(default_factory=list)
    unchanged: Counter[str] = field(default_factory=Counter)  # kind → outputs left as they were
    removed: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    notices: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # phase → seconds (wall)
    workers: int = 0
    helped: int = 0  # outputs the PDF helper process rendered: its PDFs, and a share of the rest (RenderPool.submit)
    ahead: int = 0  # of those, rendered while the build was still planning (PdfHelper.render_ahead)
    seconds: float = 0.0
    started: float = field(default_factory=time.perf_counter)  # the build's start (perf_counter)

    @property
    def ok(self) -> bool:
        return self.status in (Status.OK, Status.NOTHING_TO_DO)

    @property
    def rendered_paths(self) -> list[str]:
        return sorted(r.path for r in self.rendered)

    def per_kind(self) -> dict[str, KindStats]:
        """kind → outputs rendered and unchanged, and render seconds (summed over workers)."""
        table: dict[str, KindStats] = defaultdict(KindStats)
        for item in self.rendered:
            table[item.kind].rendered += 1
            table[item.kind].seconds += item.seconds
        for kind, count in self.unchanged.items():
            table[kind].unchanged += count
        return {kind: table[kind] for kind in sorted(table)}

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON (``indent=None``: on one line, as ``docgen build --watch --format json`` prints each)."""
        data = {
            "status": self.status.value,
            "out": self.out.as_posix(),
            "rendered": [
                {
                    "path": r.path,
                    "kind": r.kind,
                    "seconds": round(r.seconds, 3),
                    "finished": round(r.finished, 3),
                    "resumed": r.resumed,
                    "helper": r.helper,
                }
                for r in sorted(self.rendered, key=lambda r: r.path)
            ],
            "unchanged": sum(self.unchanged.values()),
            "removed": sorted(self.removed),
            "failures": [
                {"path": f.path, "kind": f.kind, "error": f.error, "detail": f.detail, "blocked": f.blocked}
                for f in sorted(self.failures, key=lambda f: f.path)
            ],
            "per_kind": {
                kind: {"rendered": row.rendered, "unchanged": row.unchanged, "seconds": round(row.seconds, 3)}
                for kind, row in self.per_kind().items()
            },
            "phases": {name: round(seconds, 3) for name, seconds in self.phases.items()},
            "workers": self.workers,
            "helped": self.helped,
            "ahead": self.ahead,
            "seconds": round(self.seconds, 3),
            "notices": self.notices,
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "errors": len(self.diagnostics.errors),
            "warnings": len(self.diagnostics.warnings),
        }
        return json.dumps(data, ensure_ascii=False, indent=indent)

    @property
    def exit_code(self) -> int:
        return {Status.OK: 0, Status.NOTHING_TO_DO: 0, Status.INTERRUPTED: 130}.get(self.status, 1)

    def text_lines(self, *, quiet: bool = False) -> list[tuple[str, str | None]]:
        """What ``docgen build`` prints, with a colour per line: errors always, the rest unless quiet."""
        lines: list[tuple[str, str | None]] = [(d.format(), "red") for d in self.diagnostics.errors]
        failed = sorted((f for f in self.failures if not f.blocked), key=lambda f: f.path)
        for failure in failed[:MAX_FAILURE_LINES]:
            if failure.path:
                lines.append((f"{failure.path}: error: not made: {failure.error} [render-failed]", "red"))
            else:
                lines.append((f"docgen: error: {failure.error} [{failure.kind}-failed]", "red"))
        if len(failed) > MAX_FAILURE_LINES:
            more = len(failed) - MAX_FAILURE_LINES
            lines.append((f"… and {more} more outputs failed (--format json lists them)", "red"))
        blocked = sum(1 for f in self.failures if f.blocked)
        if blocked:
            lines.append((f"{blocked} output(s) not rendered because an output they read failed", "red"))
        if quiet:
            return lines
        lines.extend((f"notice: {notice}", "yellow") for notice in self.notices)
        colour = "green" if self.ok else "red"
        lines.extend((line, colour if i == 0 else None) for i, line in enumerate(self.summary_lines()))
        return lines

    def summary_lines(self) -> list[str]:
        """The one-screen summary printed at the end of a build."""
        headline = {
            Status.OK: "built",
            Status.NOTHING_TO_DO: "nothing to do",
            Status.REFUSED: "refused: the content has errors, nothing was rendered",
            Status.FAILED: "failed: nothing was written, the previous outputs are intact",
            Status.INTERRUPTED: "interrupted: nothing was written, the previous outputs are intact",
        }[self.status]
        resumed = sum(1 for r in self.rendered if r.resumed)
        counts = (
            f"{len(self.rendered)} rendered"
            + (f" ({resumed} taken from an interrupted build)" if resumed else "")
            + f", {sum(self.unchanged.values())} unchanged, {len(self.removed)} removed"
        )
        lines = [f"docgen build: {headline} — {counts} in {self.seconds:.2f} s → {self.out.as_posix()}"]
        table = self.per_kind()
        if table and self.status is not Status.NOTHING_TO_DO:
            lines.append(f"  {'kind':<8}{'rendered':>10}{'unchanged':>11}{'render time':>13}")
            for kind, row in table.items():
                lines.append(f"  {kind:<8}{row.rendered:>10}{row.unchanged:>11}{row.seconds:>11.2f} s")
        if self.phases:
            phases = " · ".join(f"{name} {seconds:.2f} s" for name, seconds in self.phases.items())
            workers = f" ({self.workers} workers)" if self.workers > 1 else ""
            workers += f" ({self.helped} PDFs in the helper process)" if self.helped else ""
            lines.append(f"  {phases}{workers}")
        for path in sorted(self.removed)[:10]:
            lines.append(f"  removed {path}")
        if len(self.removed) > 10:
            lines.append(f"  … and {len(self.removed) - 10} more removed")
        warnings = len(self.diagnostics.warnings)
        if warnings:
            lines.append(f"  {warnings} warning(s) in content (docgen check shows them)")
        return lines
