"""Where a docgen project keeps its parts: content/, templates/, build/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ProjectPaths:
    """The folders of a docgen project (a content repository)."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def docx_templates(self) -> Path:
        return self.templates / "docx"

    @property
    def html_templates(self) -> Path:
        return self.templates / "html"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @classmethod
    def find(cls, start: Path | None = None) -> ProjectPaths:
        """The nearest folder at or above ``start`` that has a content/ folder (else ``start``)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "content").is_dir():
                return cls(folder)
        return cls(here)
