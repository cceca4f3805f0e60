"""Find the content files, in a deterministic order, without leaving the content tree."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docgen.diagnostics import Diagnostics

CONTENT_SUFFIXES = {".yaml", ".yml", ".md"}


@dataclass(frozen=True, slots=True)
class ContentFile:
    path: Path  # absolute
    rel: str  # relative to the content root's parent (what diagnostics print)


def discover(root: Path, display_base: Path, diagnostics: Diagnostics) -> list[ContentFile]:
    """Every regular content file below ``root``, sorted; symlinks and other files are refused."""
    found: list[ContentFile] = []
    root = root.resolve()
    display_base = display_base.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = base / name
            rel = _rel(path, display_base)
            if path.is_symlink():
                diagnostics.error(rel, 1, 1, "symbolic links are not followed in content", "symlink")
                continue
            if not path.is_file():
                diagnostics.error(rel, 1, 1, "not a regular file", "not-a-file")
                continue
            if path.suffix not in CONTENT_SUFFIXES:
                diagnostics.warning(
                    rel, 1, 1, f"ignored: not a content file ({path.suffix or 'no suffix'})", "unknown-file"
                )
                continue
            found.append(ContentFile(path, rel))
    return found


def _rel(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` (both resolved), as diagnostics print it."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
