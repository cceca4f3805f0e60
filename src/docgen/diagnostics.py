"""Diagnostics: what is wrong with content or templates, and where.

Every problem docgen finds in its input is a :class:`Diagnostic` with a path, a 1-based line
and column, a severity, a message and a stable code. They print as
``path:line:col: error: message [code]`` (the form editors and CI annotators parse) or as JSON.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at one place (问题及其位置)."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    code: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as a person types it: relative to the project when it lies inside it."""
    if root is not None:
        if path.is_absolute() and ".." not in path.parts:  # a path made from the project's: no file system look-up
            with contextlib.suppress(ValueError):
                return path.relative_to(root).as_posix()
        try:
            return path.resolve().relative_to(_resolved(root)).as_posix()
        except ValueError:
            pass
    return path.as_posix()


@lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    return root.resolve()


class Diagnostics:
    """An ordered collection of diagnostics; it never stops at the first problem."""

    def __init__(self, items: Iterable[Diagnostic] = ()) -> None:
        self._items: list[Diagnostic] = list(items)

    def add(self, path: str, line: int, col: int, severity: Severity, message: str, code: str) -> None:
        self._items.append(Diagnostic(path, max(line, 1), max(col, 1), severity, message, code))

    def error(self, path: str, line: int, col: int, message: str, code: str) -> None:
        self.add(path, line, col, Severity.ERROR, message, code)

    def warning(self, path: str, line: int, col: int, message: str, code: str) -> None:
        self.add(path, line, col, Severity.WARNING, message, code)

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self._items.extend(other)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self._items)
        return sorted(unique, key=lambda d: (d.path, d.line, d.col, d.code, d.message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.WARNING]

    def has_errors(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def to_json(self) -> str:
        return json.dumps(
            {
                "diagnostics": [d.to_json() for d in self.sorted()],
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            ensure_ascii=False,
            indent=2,
        )

    # -- CI annotations (docs/ci/): GitHub workflow commands, GitLab Code Quality --

    def to_github(self) -> str:
        """GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``,
        one per line, which GitHub shows as annotations at the file and line of a pull request."""
        lines = []
        for d in self.sorted():
            properties = ",".join(
                f"{key}={_github_escape(value, property_value=True)}"
                for key, value in (("file", d.path), ("line", str(d.line)), ("col", str(d.col)), ("title", d.code))
            )
            lines.append(f"::{d.severity.value}{' ' if properties else ''}{properties}::{_github_escape(d.message)}")
        return "\n".join(lines)

    def to_gitlab(self) -> str:
        """A GitLab Code Quality report (JSON), which GitLab shows in merge requests at the file and line."""
        report = [
            {
                "description": f"{d.message} [{d.code}]",
                "check_name": d.code,
                "fingerprint": hashlib.sha256(f"{d.path}:{d.line}:{d.col}:{d.code}:{d.message}".encode()).hexdigest(),
                "severity": "major" if d.severity is Severity.ERROR else "minor",
                "location": {"path": d.path, "lines": {"begin": d.line}},
            }
            for d in self.sorted()
        ]
        return json.dumps(report, ensure_ascii=False, indent=2)


def _github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape a workflow command's message (or property value) as the GitHub runner unescapes it."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


class ContentError(Exception):
    """Raised when content cannot be used; carries every diagnostic found."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        super().__init__(f"{len(diagnostics.errors)} error(s) in content")
        self.diagnostics = diagnostics
