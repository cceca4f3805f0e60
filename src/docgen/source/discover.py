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
    """Every regular content file below ``root``, sorted; symlinks and other files are refused.

    Walked with ``os.scandir`` and plain strings (the directory entries know their type without
    a ``stat``): this runs on every build, over ~1,800 files at 1,000 projects.
    """
    found: list[ContentFile] = []
    root = root.resolve()
    base = display_base.resolve()
    prefix = _rel(root, base)
    _walk(str(root), "" if prefix == "." else prefix, found, diagnostics)
    return found


def _walk(folder: str, rel: str, found: list[ContentFile], diagnostics: Diagnostics) -> None:
    with os.scandir(folder) as scan:
        entries = sorted((entry for entry in scan if not entry.name.startswith(".")), key=lambda e: e.name)
    files = [entry for entry in entries if entry.is_symlink() or not entry.is_dir()]
    for entry in files:
        entry_rel = f"{rel}/{entry.name}" if rel else entry.name
        if entry.is_symlink():
            diagnostics.error(entry_rel, 1, 1, "symbolic links are not followed in content", "symlink")
            continue
        if not entry.is_file():
            diagnostics.error(entry_rel, 1, 1, "not a regular file", "not-a-file")
            continue
        suffix = os.path.splitext(entry.name)[1]
        if suffix not in CONTENT_SUFFIXES:
            diagnostics.warning(
                entry_rel, 1, 1, f"ignored: not a content file ({suffix or 'no suffix'})", "unknown-file"
            )
            continue
        found.append(ContentFile(Path(entry.path), entry_rel))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, f"{rel}/{entry.name}" if rel else entry.name, found, diagnostics)


def _rel(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` (both resolved), as diagnostics print it."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
