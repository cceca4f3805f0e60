"""What a build reads, as hashes: the input files, docgen's own code, the build dates.

Everything here is cheap and imports nothing heavy, because it runs on every build,
including the no-op one: the build decides what is stale from these hashes alone, without
parsing any YAML (see :mod:`docgen.build`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import docgen
from docgen.cache_home import cache_home, read_entry, write_entry
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
    "pikepdf",  # qpdf writes the books
    "uharfbuzz",  # subsets the books' fonts
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


@dataclass(frozen=True, slots=True)
class BuildDates:
    """The build date (SOURCE_DATE_EPOCH) of each output (构建日期): what its PDF metadata, Word
    properties and zip entries say, and part of its fingerprint.

    SOURCE_DATE_EPOCH in the environment is every output's date (:attr:`fixed`). Otherwise an
    output is dated by the last commit that changed a file it is made of (its content files and
    templates, and the outputs it reads): a merge that edits one project re-dates, and so
    renders again, that project's documents and its year's, not every document of every year.
    A file git does not know (new, not committed yet) takes the date of the last commit that
    touched content/ or templates/ (:attr:`latest`); outside git every date is a constant.
    """

    latest: int = FALLBACK_SOURCE_DATE_EPOCH  # the build's date as a whole: the last commit to content/ or templates/
    files: Mapping[str, int] = field(default_factory=dict)  # project-relative path → its last commit's date
    fixed: bool = False  # SOURCE_DATE_EPOCH was set: every output has :attr:`latest`
    shallow: bool = False  # a shallow clone: the files its first commit holds are dated by that commit

    def of(self, files: Iterable[str]) -> int:
        """The date of an output made of ``files`` (the constant when it is made of none)."""
        if self.fixed:
            return self.latest
        return max((self.files.get(rel, self.latest) for rel in files), default=FALLBACK_SOURCE_DATE_EPOCH)

    def digest_line(self) -> str:
        return f"dates {self.latest} {self.fixed}\n"


_LOG = ("log", "--relative", "-z", "--name-only", "--format=%x01%ct")
_DATED = ("--", "content", "templates")


def build_dates(root: Path, environ: Mapping[str, str] | None = None) -> BuildDates:
    """The build dates: SOURCE_DATE_EPOCH from the environment, else each file's last commit
    (the latest date of the commits in ``git log`` of content/ and templates/ that changed it),
    else a constant. A commit changing only code or docs re-dates nothing, and so re-renders nothing.

    Reading the whole history costs ~0.3 s at 1,000 projects and 1,500 commits, every build: the
    dates are kept in the cache folder under the commit they were read at (JSON), and a later
    commit that descends from it reads only the commits since."""
    env = os.environ if environ is None else environ
    value = env.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return BuildDates(int(value), fixed=True)
        except ValueError:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}") from None
    found, answer = _git(root, "rev-parse", "HEAD", "--is-shallow-repository")
    if not found or len(answer.split()) != 2:
        return BuildDates()  # not in git, or no commit yet
    head, shallow = answer.split()
    kept_at = _kept_dates_file(root)
    kept = _read_kept_dates(kept_at)
    if kept is not None and kept[0] == head:
        latest, files = kept[1], kept[2]
    else:
        since = kept is not None and _git(root, "merge-base", "--is-ancestor", kept[0], head)[0]
        latest, files = (kept[1], dict(kept[2])) if kept is not None and since else (0, {})
        commits = f"{kept[0]}..{head}" if kept is not None and since else head
        latest = _read_log(_git(root, *_LOG, commits, *_DATED)[1], files, latest)
        if kept_at is not None:
            write_entry(kept_at, json.dumps({"head": head, "latest": latest, "files": files}).encode())
    if not latest:
        return BuildDates()
    return BuildDates(latest, files, shallow=shallow == "true")


def _read_log(log: str, files: dict[str, int], latest: int) -> int:
    """Take each file's latest commit date from ``git log -z --name-only`` into ``files``; the latest date."""
    date = None
    for token in log.split("\0"):
        if token.startswith("\x01"):
            date = int(token[1:]) if token[1:].isdigit() else None
            latest = max(latest, date or 0)
        elif token.strip("\n") and date is not None:
            name = token.lstrip("\n")
            files[name] = max(files.get(name, 0), date)
    return latest


def _kept_dates_file(root: Path) -> Path | None:
    home = cache_home()
    if home is None:
        return None
    return home / "dates" / f"{hashlib.sha256(str(root.resolve()).encode('utf-8', 'surrogatepass')).hexdigest()}.json"


def _read_kept_dates(file: Path | None) -> tuple[str, int, dict[str, int]] | None:
    """The kept dates: the commit they were read at, the latest date, each file's; None if none or damaged."""
    data = read_entry(file)
    if data is None:
        return None
    try:
        kept = json.loads(data)
        head, latest, files = kept["head"], kept["latest"], kept["files"]
    except (ValueError, TypeError, KeyError):
        return None
    if not (isinstance(head, str) and type(latest) is int and isinstance(files, dict)):
        return None
    if not all(isinstance(name, str) and type(date) is int for name, date in files.items()):
        return None
    return head, latest, files


def _git(root: Path, *args: str) -> tuple[bool, str]:
    """Whether ``git -C root <args>`` succeeded, and what it printed."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False, ""
    return completed.returncode == 0, completed.stdout


@dataclass(slots=True)
class InputState:
    """The hashes of everything a build may read (构建输入): content, templates, code, build dates."""

    files: dict[str, str]  # project-relative path → sha256, for content/ and templates/
    code: str
    dates: BuildDates
    extra: dict[str, str] = field(default_factory=dict)  # other declared dependencies, hashed on demand
    signatures: dict[str, Signature] = field(default_factory=dict)  # of the files hashed in ``files``
    scanned_ns: int = 0  # when the scan began (ns since 1970)

    @classmethod
    def scan(cls, paths: ProjectPaths, dates: BuildDates) -> InputState:
        return cls._scanned(paths, dates, {})

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
        return self._scanned(paths, self.dates, known, self.scanned_ns - RACY_NS)

    @classmethod
    def _scanned(
        cls, paths: ProjectPaths, dates: BuildDates, known: Mapping[str, Known], settled: int = 0
    ) -> InputState:
        began = time.time_ns()
        root = paths.root.resolve()
        scan = _TreeScan(known, settled)
        for folder in (paths.content, paths.templates):
            scan.tree(root / folder.relative_to(paths.root), root)
        return cls(scan.hashes, code_digest(), dates, signatures=scan.signatures, scanned_ns=began)

    @property
    def digest(self) -> str:
        """One hash of the whole state: equal digests mean the same inputs to the build."""
        digest = hashlib.sha256(f"code {self.code}\n{self.dates.digest_line()}".encode())
        dated = self.dates.files
        for rel, file_hash in sorted(self.files.items()):
            digest.update(f"{rel} {file_hash} {dated.get(rel, '')}\n".encode())
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
