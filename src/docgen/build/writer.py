"""The one writer of the output folder (输出目录): safe names, atomic writes, staging, removal.

Nothing else in docgen writes into the output folder. A build never changes a published
file in place:

* every rendered output is first written to the staging folder ``<out>/.docgen-staging/``
  (a temporary name, then ``os.replace``), named by its fingerprint;
* only when every output of the build has rendered does :meth:`OutputFolder.commit` move the
  staged files to their places (``os.replace`` again: a reader sees the old file or the new
  one, never a part), remove outputs whose content is gone, and save the manifest.

A build interrupted before the commit (Ctrl-C, ``kill -9``, a renderer that crashes) has
therefore not touched a single output; the files it staged are complete, and the next build
takes them instead of rendering them again (their names are their fingerprints).

Output paths come from renderers: each must be a plain relative path (see
:func:`path_problem`), and the writer refuses to write, read or remove anything that would
resolve outside the output folder, including through a symbolic link.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

STAGING = ".docgen-staging"
MANIFEST = ".docgen-manifest.json"
TEMP_MARK = ".tmp-"

_WINDOWS_FORBIDDEN = set('<>:"|?*\\')
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, bidi and format marks, unassigned
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_.\-]+")
MAX_PATH_CHARS = 240
MAX_SEGMENT_CHARS = 120
# The common case at once (a build checks ~8,000 paths at 1,000 projects): ASCII segments of letters,
# digits, "_", "-" and inner dots, none a Windows device name; anything else is looked at closely.
_SEGMENT = r"(?!(?:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:[./]|$))[a-z0-9_\-](?:[a-z0-9_.\-]{0,118}[a-z0-9_\-])?"
_PLAIN_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*", re.IGNORECASE | re.ASCII)


class UnsafePathError(ValueError):
    """An output path that could escape the output folder or that other systems cannot hold."""


def path_problem(path: str) -> str | None:
    """Why ``path`` is not a safe relative output path (for the folder and for zip entries), or None.

    Safe: ``/``-separated, non-empty segments; none is ``.`` or ``..`` or starts with a dot; no
    backslash, drive or other character Windows refuses (``<>:"|?*``); no control, bidi or
    format character; no Windows device name (``CON``, ``NUL.pdf``); no trailing dot or space;
    at most 240 characters.
    """
    if len(path) <= MAX_PATH_CHARS and _PLAIN_PATH.fullmatch(path):
        return None
    return _closer_look(path)


def _closer_look(path: str) -> str | None:
    """:func:`path_problem`, character by character."""
    if not path:
        return "empty path"
    if len(path) > MAX_PATH_CHARS:
        return f"longer than {MAX_PATH_CHARS} characters"
    if path.startswith("/") or "\\" in path or ":" in path:
        return "not a relative posix path"
    for segment in path.split("/"):
        if not segment:
            return "empty segment"
        if segment in (".", ".."):
            return f"segment {segment!r}"
        if len(segment) > MAX_SEGMENT_CHARS:
            return f"segment longer than {MAX_SEGMENT_CHARS} characters"
        if segment.startswith("."):
            return f"segment {segment!r} starts with a dot (hidden and reserved names)"
        if segment.endswith((".", " ")) or segment.startswith(" "):
            return f"segment {segment!r} starts with a space or ends with a dot or space"
        if not _PLAIN_SEGMENT.fullmatch(segment):  # a plain ASCII name has no character to look up
            for char in segment:
                if char in _WINDOWS_FORBIDDEN or unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
                    return f"segment {segment!r} holds the character U+{ord(char):04X}"
        if segment.split(".", 1)[0].lower() in _WINDOWS_RESERVED:
            return f"segment {segment!r} is a Windows device name"
    return None


def check_path(path: str) -> str:
    problem = path_problem(path)
    if problem is not None:
        raise UnsafePathError(f"unsafe output path {path!r}: {problem}")
    return path


def read_regular(path: Path) -> bytes:
    """A regular file's bytes; refuses a symbolic link or anything else that is not a plain file."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (which must not exist) and write ``data`` to it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    temp = path.with_name(f"{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        _write_new(temp, data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class BuiltOutputs(Mapping[str, bytes]):
    """``ctx.built``: the bytes of the outputs a render declared in ``Output.after``.

    Read on access from wherever the build keeps each one (staged by this build, or unchanged
    in the output folder), so that nothing large is copied between processes; an output that
    was not declared is a ``KeyError``, which keeps fingerprints honest.
    """

    __slots__ = ("_files",)

    def __init__(self, files: Mapping[str, str]) -> None:
        self._files = dict(files)

    def __getitem__(self, path: str) -> bytes:
        return read_regular(Path(self._files[path]))

    def size(self, path: str) -> int:
        """The output's size in bytes, without reading it (a year's bundle is ~70 MB at 1,000 projects)."""
        info = os.lstat(self._files[path])
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{self._files[path]} is not a regular file")
        return info.st_size

    def __iter__(self) -> Iterator[str]:
        """In the order the output declared them (``Output.after``)."""
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


class OutputFolder:
    """The output folder: the only code that creates, replaces or removes files in it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve() if root.exists() else root.absolute()

    @property
    def staging(self) -> Path:
        return self.root / STAGING

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def prepare(self) -> None:
        """Create the folder and its staging area; remove temporary files a killed build left."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root = self.root.resolve()
        if self.staging.is_symlink() or (self.staging.exists() and not self.staging.is_dir()):
            self.staging.unlink()  # a reserved name: never write through whatever was put there
        self.staging.mkdir(exist_ok=True)
        for entry in os.scandir(self.staging):
            if TEMP_MARK in entry.name and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        for entry in os.scandir(self.root):
            if entry.name.startswith(MANIFEST) and TEMP_MARK in entry.name and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)

    def target(self, rel: str) -> Path:
        """The absolute path of an output, refusing anything that resolves outside the folder."""
        check_path(rel)
        path = self.root / rel
        parent = path.parent
        real_parent = Path(os.path.realpath(parent))
        if real_parent != self.root and self.root not in real_parent.parents:
            raise UnsafePathError(f"output path {rel!r} resolves outside {self.root} (through {real_parent})")
        if path.is_symlink():
            raise UnsafePathError(f"output path {rel!r} is a symbolic link; docgen does not write through links")
        return path

    def staged(self, fingerprint: str) -> Path:
        return self.staging / fingerprint

    def stage(self, fingerprint: str, data: bytes) -> Path:
        """Write a rendered output to the staging area under its fingerprint."""
        path = self.staged(fingerprint)
        write_atomic(path, data)
        return path

    def stage_link(self, fingerprint: str, source: Path) -> Path:
        """Stage the file ``source`` (an output of this build, staged or in place) again, as another output.

        A hard link, so that a 70 MB bundle and its site copy are one file on disk and the copy
        costs nothing; a copy of the bytes where the file system has no hard links. The output
        that replaces either later is a new file (:meth:`place` replaces), never a write into this one.
        """
        path = self.staged(fingerprint)
        temp = path.with_name(f"{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            try:
                os.link(source, temp, follow_symlinks=False)
            except OSError:
                shutil.copyfile(source, temp, follow_symlinks=False)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        return path

    def stage_from(self, fingerprint: str, write: Callable[[BinaryIO], bool]) -> Path | None:
        """Stage an output that ``write`` streams into a new file; kept only when ``write`` returns True."""
        path = self.staged(fingerprint)
        temp = path.with_name(f"{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
        try:
            with os.fdopen(os.open(temp, flags, 0o644), "w+b") as handle:
                kept = write(handle)
            if kept:
                os.replace(temp, path)
                return path
        finally:
            temp.unlink(missing_ok=True)
        return None

    def has_staged(self, fingerprint: str) -> bool:
        path = self.staged(fingerprint)
        return path.is_file() and not path.is_symlink()

    def stat(self, rel: str) -> os.stat_result | None:
        """The output's stat, or None when it is missing or not a regular file."""
        try:
            result = os.stat(os.path.join(self.root, rel), follow_symlinks=False)
        except (OSError, ValueError):
            return None
        return result if stat.S_ISREG(result.st_mode) else None

    def place(self, rel: str, staged: Path) -> os.stat_result:
        """Move a staged file to its output path (atomic replace); return the new file's stat."""
        path = self.target(rel)
        self._make_parents(path.parent)
        os.replace(staged, path)
        return os.stat(path, follow_symlinks=False)

    def remove(self, rel: str) -> bool:
        """Remove an output the build no longer makes, and the folders it leaves empty."""
        try:
            path = self.target(rel)
        except UnsafePathError:
            return False
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        folder = path.parent
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
        return True

    def clear_staging(self) -> None:
        if not self.staging.is_dir():
            return
        for entry in os.scandir(self.staging):
            if entry.is_file(follow_symlinks=False) or entry.is_symlink():
                os.unlink(entry.path)
        with contextlib.suppress(OSError):
            self.staging.rmdir()

    def forget_staged_except(self, keep: set[str]) -> None:
        """Drop staged files that no current output will take (their content changed since)."""
        if not self.staging.is_dir():
            return
        for entry in os.scandir(self.staging):
            if entry.name not in keep and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)

    def _make_parents(self, folder: Path) -> None:
        missing: list[Path] = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            if Path(os.path.realpath(path)).parent != Path(os.path.realpath(path.parent)):
                raise UnsafePathError(f"{path} resolves outside its parent")
