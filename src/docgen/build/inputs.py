"""What a build reads, as hashes: the input files, docgen's own code, the build date.

Everything here is cheap and imports nothing heavy, because it runs on every build,
including the no-op one: the build decides what is stale from these hashes alone, without
parsing any YAML (see :mod:`docgen.build`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import docgen
from docgen.project import ProjectPaths

FALLBACK_SOURCE_DATE_EPOCH = 1704067200  # 2024-01-01T00:00:00Z: outside git and without SOURCE_DATE_EPOCH
"""The build date when neither SOURCE_DATE_EPOCH nor a git commit gives one."""

ABSENT = "absent"
"""The hash recorded for a declared dependency that does not exist."""

RENDERING_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "docxtpl",
    "python-docx",
    "lxml",
    "jinja2",
    "markdown-it-py",
    "pygal",
)
"""Libraries whose version changes the bytes of outputs: part of every fingerprint."""


RACY_NS = 2_000_000_000
"""Files modified less than this long (ns) before a scan began are hashed again by the next look
(:meth:`InputState.rescan`)."""

Signature = tuple[int, int]
"""A file's size and modification time (ns): what tells, without reading it, that it is the file hashed."""


def sha256_file(path: Path | str) -> str:
    """The sha256 of a file's bytes (hex); symlinks are not followed."""
    return _sha256_and_signature(path)[0]


def _sha256_and_signature(path: Path | str) -> tuple[str, Signature]:
    """The sha256 of a file's bytes and its signature, taken before reading (a write while it is read
    changes the file's time, so the next look at its signature hashes it again)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest(), (info.st_size, info.st_mtime_ns)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_tree(folder: Path, root: Path) -> dict[str, str]:
    """sha256 of every regular file below ``folder``, keyed by its path relative to ``root``.

    Hidden files and folders and symbolic links are left out, as content discovery leaves
    them out (:mod:`docgen.source.discover`).
    """
    scan = _TreeScan()
    scan.tree(folder, root)
    return scan.hashes


Known = tuple[str, Signature]
"""A file's hash and the signature of the file hashed."""


@dataclass(slots=True)
class _TreeScan:
    """One walk of folders (:func:`hash_tree`): each file's hash and signature. A file ``known`` with
    the same signature, modified before ``settled`` (ns since 1970), keeps its known hash, unread."""

    known: Mapping[str, Known] = field(default_factory=dict)
    settled: int = 0
    hashes: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, Signature] = field(default_factory=dict)

    def tree(self, folder: Path, root: Path) -> None:
        if folder.is_dir() and not folder.is_symlink():
            self._folder(str(folder), folder.relative_to(root).as_posix())

    def _folder(self, folder: str, rel: str) -> None:
        # os.scandir and plain strings: this runs on every build, over every content file (no-op < 0.5 s).
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                self._folder(entry.path, f"{rel}/{entry.name}")
            elif entry.is_file(follow_symlinks=False):
                key = f"{rel}/{entry.name}"
                previous = self.known.get(key)
                if previous is not None and previous[1][1] < self.settled:
                    info = entry.stat(follow_symlinks=False)
                    if (info.st_size, info.st_mtime_ns) == previous[1]:
                        self.hashes[key], self.signatures[key] = previous
                        continue
                self.hashes[key], self.signatures[key] = _sha256_and_signature(entry.path)


@cache
def code_digest() -> str:
    """docgen's version, the hash of its installed code and data, and the rendering libraries' versions.

    The version alone would miss every change made between releases; the code's hash makes an
    edited renderer re-render its outputs. Computed once per process: the code that runs is the
    code that was loaded (the build, the kept PDFs, the search index's cache and the template
    check all ask for it).
    """
    package = Path(docgen.__file__).resolve().parent
    digest = hashlib.sha256(f"docgen {docgen.__version__}\n".encode())
    for rel, file_hash in sorted(hash_tree(package, package.parent).items()):
        digest.update(f"{rel} {file_hash}\n".encode())
    for library in RENDERING_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = ABSENT
        digest.update(f"{library} {version}\n".encode())
    return digest.hexdigest()


def source_date_epoch(root: Path, environ: dict[str, str] | None = None) -> int:
    """The build date (SOURCE_DATE_EPOCH): the environment's, else the last commit's, else a constant.

    The commit is the last one that touched what the documents are made of (content/ and
    templates/), so that a commit changing only code or docs does not re-date, and so
    re-render, every document.
    """
    env = os.environ if environ is None else environ
    value = env.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}") from None
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct", "--", "content", "templates"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return FALLBACK_SOURCE_DATE_EPOCH
    text = completed.stdout.strip()
    return int(text) if completed.returncode == 0 and text.isdigit() else FALLBACK_SOURCE_DATE_EPOCH


@dataclass(slots=True)
class InputState:
    """The hashes of everything a build may read (构建输入): content, templates, code, build date."""

    files: dict[str, str]  # project-relative path → sha256, for content/ and templates/
    code: str
    source_date_epoch: int
    extra: dict[str, str] = field(default_factory=dict)  # other declared dependencies, hashed on demand
    signatures: dict[str, Signature] = field(default_factory=dict)  # of the files hashed in ``files``
    scanned_ns: int = 0  # when the scan began (ns since 1970)

    @classmethod
    def scan(cls, paths: ProjectPaths, sde: int) -> InputState:
        return cls._scanned(paths, sde, {})

    def rescan(self, paths: ProjectPaths) -> InputState:
        """The inputs as they are now: a file whose signature is the one hashed keeps its hash, unread
        (the build's last look, for files edited while it ran: ~5 ms instead of ~0.05 s at 1,000 projects).

        As git does with its index ("racy" files), a file modified less than :data:`RACY_NS` before
        the first scan began is hashed again whatever its signature: a file system's clock ticks
        coarsely (a few ms; seconds on some), so an edit in the same tick as the file hashed, of
        the same size, would have the same signature."""
        known = {
            rel: (file_hash, self.signatures[rel]) for rel, file_hash in self.files.items() if rel in self.signatures
        }
        return self._scanned(paths, self.source_date_epoch, known, self.scanned_ns - RACY_NS)

    @classmethod
    def _scanned(cls, paths: ProjectPaths, sde: int, known: Mapping[str, Known], settled: int = 0) -> InputState:
        began = time.time_ns()
        root = paths.root.resolve()
        scan = _TreeScan(known, settled)
        for folder in (paths.content, paths.templates):
            scan.tree(root / folder.relative_to(paths.root), root)
        return cls(scan.hashes, code_digest(), sde, signatures=scan.signatures, scanned_ns=began)

    @property
    def digest(self) -> str:
        """One hash of the whole state: equal digests mean the same inputs to the build."""
        digest = hashlib.sha256(f"code {self.code}\nsde {self.source_date_epoch}\n".encode())
        for rel, file_hash in sorted(self.files.items()):
            digest.update(f"{rel} {file_hash}\n".encode())
        return digest.hexdigest()

    def file_hash(self, rel: str, root: Path) -> str:
        """The hash of a declared dependency (project-relative); one outside content/ and templates/ is hashed now."""
        known = self.files.get(rel)
        if known is not None:
            return known
        cached = self.extra.get(rel)
        if cached is not None:
            return cached
        path = root / rel
        try:
            value = sha256_file(path) if path.is_file() and not path.is_symlink() else ABSENT
        except OSError:
            value = ABSENT
        self.extra[rel] = value
        return value

    def changed_since(self, other: InputState) -> set[str]:
        """The files whose hash differs between two scans (added, removed or edited)."""
        keys = set(self.files) | set(other.files)
        return {k for k in keys if self.files.get(k) != other.files.get(k)}
