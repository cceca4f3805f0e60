"""What every renderer receives, and how it declares the outputs it can make.

A renderer is a module with ``plan(ctx) -> list[Output]`` and render functions
``render_x(ctx, *args) -> bytes``. An :class:`Output` names its render function by dotted
path (so that a worker process can call it) and lists exactly what it depends on: the
content files, templates and assets, from which the build computes its fingerprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from docgen.diagnostics import Diagnostics
from docgen.facts.derive import YearFacts
from docgen.model.content import Content
from docgen.project import ProjectPaths


@dataclass(frozen=True, slots=True)
class Output:
    """One file the build writes (产出文件), and what it is made from."""

    path: str  # posix, relative to the output folder: "2022/targets/reguarantee-fee-subsidy.docx"
    kind: str  # "docx" | "pdf" | "site"
    renderer: str  # "docgen.render.docx:render_target_table"
    args: tuple[str | int, ...] = ()
    content_files: tuple[str, ...] = ()  # relative to the project root, as diagnostics print them
    templates: tuple[str, ...] = ()  # template and asset files, relative to the project root
    after: tuple[str, ...] = ()  # outputs (paths) whose bytes this one reads (the site's download sizes)
    batch: str = ""  # outputs of one batch render one after another in the same process (they share work)
    streamed: bool = False  # the render function writes into a binary file it is given last (large outputs)
    # The same bytes as this other output, which ``after`` names (the site's copy of a document):
    # the build stages a hard link to that file, and no render function runs.
    copy_of: str | None = None


@dataclass(slots=True)
class RenderContext:
    """Checked content, its facts, and where templates live; the same in every worker."""

    paths: ProjectPaths
    content: Content
    facts: dict[int, YearFacts]
    source_date_epoch: int
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    # The bytes of the outputs this render declared in Output.after, read on access (docgen.build.writer.BuiltOutputs).
    built: Mapping[str, bytes] = field(default_factory=dict)
    # The sha256 of each of those outputs, as the build knows them without reading them.
    built_hashes: Mapping[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.paths.root

    def content_rel(self, key: str) -> str:
        """The project-relative path of a content file by its key ("project/2022/<id>")."""
        rel = self.content.files.get(key)
        return rel or ""


@runtime_checkable
class SizedOutputs(Protocol):
    """``ctx.built`` that can tell an output's size without reading it (the build's, which reads from files)."""

    def size(self, path: str) -> int: ...


def built_sizes(built: Mapping[str, bytes]) -> dict[str, int]:
    """The size of every output in ``built`` (a download's size on a page), read only when it must be."""
    if isinstance(built, SizedOutputs):
        return {path: built.size(path) for path in built}
    return {path: len(data) for path, data in built.items()}
