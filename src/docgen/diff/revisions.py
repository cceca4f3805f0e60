"""The content at a git revision (or in the working tree), loaded for a diff.

Comparing two revisions reads only what can differ: the blob ids of both content trees
(``git ls-tree``) say which files changed; the fund-years those files belong to are then
written out of git (``git cat-file --batch``) into a temporary folder, with the configuration
files, and loaded with docgen's own loader and checks. A year whose files are identical at
both revisions cannot differ and is neither extracted nor loaded, so a pull request that
edits one target costs the load of one year, not of the whole corpus.

Content that does not load at a revision is a :class:`~docgen.diff.model.DiffError` whose
message lists the problems as ``path:line:col`` (with the revision named), never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from docgen.diff.compare import compare_contents
from docgen.diff.model import Change, ChangeKind, DiffError, DiffResult, Location, Scope, Side
from docgen.model.content import Content
from docgen.project import ProjectPaths
from docgen.source.load import load_content

CONFIG_FILES = ("site.yaml", "hierarchy.yaml", "scoring.yaml")
"""Files every load needs (hierarchy.yaml and scoring.yaml also change how every year reads)."""

MAX_ERRORS_SHOWN = 20

_YEAR_FILE = re.compile(r"^(?:funds/(\d{4})\.ya?ml|(?:projects|evaluations)/(\d{4})/[^/]+)$")
_SYMLINK_MODE = "120000"
_SUBMODULE_MODE = "160000"


@dataclass(frozen=True, slots=True)
class _Entry:
    """A file of a content tree: its git blob id and mode."""

    blob: str
    mode: str


@dataclass(slots=True)
class _Snapshot:
    """One side: a commit of the repository, or the working tree."""

    side: Side
    files: dict[str, _Entry]  # path relative to content/ -> entry
    commit: str | None  # None: the working tree
    content_dir: Path  # the working tree's content/ (read when commit is None)


class _Repository:
    """The git repository around a docgen project."""

    def __init__(self, paths: ProjectPaths) -> None:
        self.paths = paths
        if not paths.root.is_dir():
            raise DiffError(f"{paths.root} is not a folder")
        top = self._git(["rev-parse", "--show-toplevel"], cwd=paths.root, what="find the git repository")
        self.top = Path(top.decode().strip())
        try:
            prefix = paths.root.resolve().relative_to(self.top.resolve()).as_posix()
        except ValueError as exc:
            raise DiffError(f"{paths.root} is not inside the git repository {self.top}") from exc
        self.content_prefix = "content" if prefix in ("", ".") else f"{prefix}/content"

    def _git(self, args: list[str], *, cwd: Path | None = None, what: str, stdin: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=cwd or self.top,
                input=stdin,
                capture_output=True,
                check=False,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
            )
        except FileNotFoundError as exc:
            raise DiffError("git is not installed; comparing revisions needs it") from exc
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            detail = message[-1] if message else f"git exited with {done.returncode}"
            raise DiffError(f"cannot {what}: {detail}")
        return done.stdout

    def resolve(self, revision: str) -> str:
        """The full commit id of a revision (a branch, tag, HEAD~1, a commit id)."""
        if not revision or revision.startswith("-") or any(ch in revision for ch in "\0\n"):
            raise DiffError(f"{revision!r} is not a revision")
        out = self._git(
            ["rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}"],
            what=f"find revision {revision!r} (is it a branch, tag or commit of this repository?)",
        )
        return out.decode().strip()

    def snapshot(self, revision: str) -> _Snapshot:
        commit = self.resolve(revision)
        out = self._git(
            ["ls-tree", "-r", "-z", "--full-tree", commit, "--", self.content_prefix],
            what=f"list the content of {revision}",
        )
        files: dict[str, _Entry] = {}
        start = f"{self.content_prefix}/"
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, _kind, blob = meta.decode().split(" ")
            path = name.decode("utf-8", errors="surrogateescape")
            if path.startswith(start) and mode != _SUBMODULE_MODE:
                files[path[len(start) :]] = _Entry(blob, mode)
        if not files:
            raise DiffError(f"revision {revision} has no {self.content_prefix}/ folder")
        return _Snapshot(Side(revision, "revision", commit), files, commit, self.paths.content)

    def working_tree(self) -> _Snapshot:
        """The content on disk now (committed or not), with git blob ids computed here."""
        root = self.paths.content
        if not root.is_dir():
            raise DiffError(f"{root} is not a folder")
        files: dict[str, _Entry] = {}
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):  # editors' swap and backup files; the loader skips them too
                    continue
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                if path.is_symlink():
                    files[rel] = _Entry(_blob_id(os.readlink(path).encode()), _SYMLINK_MODE)
                elif path.is_file():
                    files[rel] = _Entry(_blob_id(path.read_bytes()), "100644")
        return _Snapshot(Side("working tree", "working-tree"), files, None, root)

    def materialise(self, snapshot: _Snapshot, paths: Iterable[str], target: Path) -> None:
        """Write the given content files of a snapshot into ``target`` (a content/ folder)."""
        wanted = [p for p in paths if p in snapshot.files]
        if snapshot.commit is None:
            for rel in wanted:
                source = snapshot.content_dir / rel
                destination = _inside(target, rel)
                if source.is_symlink():
                    os.symlink(os.readlink(source), destination)
                else:
                    destination.write_bytes(source.read_bytes())
            return
        blobs = [snapshot.files[rel].blob for rel in wanted]
        if not blobs:
            return
        out = self._git(["cat-file", "--batch"], stdin="\n".join(blobs).encode() + b"\n", what="read content from git")
        position = 0
        for rel in wanted:
            header_end = out.index(b"\n", position)
            _sha, _kind, size = out[position:header_end].decode().split(" ")
            data = out[header_end + 1 : header_end + 1 + int(size)]
            position = header_end + 1 + int(size) + 1
            destination = _inside(target, rel)
            if snapshot.files[rel].mode == _SYMLINK_MODE:
                os.symlink(data.decode("utf-8", errors="replace"), destination)
            else:
                destination.write_bytes(data)


def scratch_folder() -> str | None:
    """Where to write the files a diff reads: memory (/dev/shm) when the system has it — writing
    a thousand small files there is ten times faster than to a disk — else the default."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _inside(root: Path, rel: str) -> Path:
    """``root / rel`` with its folders made; refuses a path that would leave ``root``
    (absolute, or with a ``..`` part; the folders made here hold no links to follow)."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise DiffError(f"content path {rel!r} leaves the content folder")
    destination = root.joinpath(*parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    return destination


def _blob_id(data: bytes) -> str:
    """The id git gives a file's bytes (so that working-tree files compare with committed ones)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class _Affected:
    """What a set of changed files can change."""

    years: frozenset[int]
    every_year: bool  # hierarchy.yaml, scoring.yaml or a notice changed: load all years
    notices: bool
    other: tuple[str, ...]  # changed files docgen does not read as content


def _affected(changed: Iterable[str]) -> _Affected:
    years: set[int] = set()
    every_year = notices = False
    other: list[str] = []
    for rel in sorted(changed):
        match = _YEAR_FILE.match(rel)
        if match:
            years.add(int(match.group(1) or match.group(2)))
        elif rel.startswith("notices/"):
            notices = every_year = True
        elif rel in ("hierarchy.yaml", "scoring.yaml"):
            every_year = True
        elif rel != "site.yaml":
            other.append(rel)
    return _Affected(frozenset(years), every_year, notices, tuple(other))


def _wanted(files: dict[str, _Entry], affected: _Affected) -> list[str]:
    """The files to load from one side for the affected years (plus configuration and notices)."""
    wanted = []
    for rel in files:
        match = _YEAR_FILE.match(rel)
        if rel in CONFIG_FILES:
            wanted.append(rel)
        elif match:
            year = int(match.group(1) or match.group(2))
            if affected.every_year or year in affected.years:
                wanted.append(rel)
        elif rel.startswith("notices/") and affected.notices:
            wanted.append(rel)
    return wanted


def _load(snapshot: _Snapshot, folder: Path) -> Content:
    """Load a materialised content/ folder; content that cannot be read is a DiffError saying where.

    Only what the loader reports stops a diff (a file that does not parse or validate); the
    cross-file checks of ``docgen check`` do not, so that a pull request that fixes one can be
    reviewed."""
    content, diagnostics = load_content(folder)
    errors = diagnostics.errors
    if errors:
        where = f"revision {snapshot.side.label}" if snapshot.commit else "the working tree"
        lines = [d.format() for d in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            lines.append(f"… and {len(errors) - MAX_ERRORS_SHOWN} more")
        raise DiffError(
            f"the content of {where} has {len(errors)} error(s); it cannot be compared until they are fixed:\n"
            + "\n".join(f"  {line}" for line in lines)
        )
    return content


def _merged(base: Content, changes: Content, dropped: set[str]) -> Content:
    """``base`` with the files ``dropped`` (their display paths) taken out and the files of
    ``changes`` put in: the other side of a diff without parsing its unchanged files again.
    Models and documents are immutable in use, so both sides share the unchanged ones."""
    merged = Content(
        root=changes.root,
        site=changes.site,
        hierarchy=changes.hierarchy,
        scoring=changes.scoring,
        funds=dict(base.funds),
        projects={year: dict(items) for year, items in base.projects.items()},
        evaluations={year: dict(items) for year, items in base.evaluations.items()},
        fund_evaluations=dict(base.fund_evaluations),
        notices=list(base.notices),
        documents={rel: doc for rel, doc in base.documents.items() if rel not in dropped},
        files=dict(base.files),
        invalid=set(base.invalid),
    )
    for key, rel in base.files.items():
        if rel in dropped:
            _move(key, None, merged)
    for key in changes.files:
        _move(key, changes, merged)
    merged.invalid |= changes.invalid
    merged.documents.update(changes.documents)
    merged.notices.sort(key=lambda n: (n.meta.date, n.slug), reverse=True)
    return merged


def _move(key: str, source: Content | None, target: Content) -> None:
    """Put the file ``key`` (``project/2024/<id>``) of ``source`` into ``target``, or take it out (None)."""
    kind, *rest = key.split("/")
    target.files.pop(key, None)
    if source is not None:
        target.files[key] = source.files[key]
    if kind == "notice":
        target.notices = [n for n in target.notices if n.slug != rest[0]]
        if source is not None:
            target.notices += [n for n in source.notices if n.slug == rest[0]]
        return
    year = int(rest[0])
    if kind == "fund":
        target.funds.pop(year, None)
        if source is not None and year in source.funds:
            target.funds[year] = source.funds[year]
        return
    if kind == "fund-evaluation":
        target.fund_evaluations.pop(year, None)
        if source is not None and year in source.fund_evaluations:
            target.fund_evaluations[year] = source.fund_evaluations[year]
        return
    ident = rest[1]
    if kind == "project":
        projects = target.projects.setdefault(year, {})
        projects.pop(ident, None)
        if source is not None and ident in source.projects.get(year, {}):
            projects[ident] = source.projects[year][ident]
        if not projects:
            del target.projects[year]
        return
    evaluations = target.evaluations.setdefault(year, {})
    evaluations.pop(ident, None)
    if source is not None and ident in source.evaluations.get(year, {}):
        evaluations[ident] = source.evaluations[year][ident]
    if not evaluations:
        del target.evaluations[year]


def compare_revisions(
    paths: ProjectPaths,
    old_revision: str,
    new_revision: str | None = None,
    *,
    project: str | None = None,
) -> DiffResult:
    """What changed in the content between two git revisions (the working tree when
    ``new_revision`` is None): ``origin/main`` → ``HEAD``, ``HEAD~1``, a tag. Only the years
    whose files differ are loaded and compared. Raises :class:`DiffError` with a clear message
    for an unknown revision, a folder outside git, or content with errors at either side."""
    repository = _Repository(paths)
    old = repository.snapshot(old_revision)
    new = repository.snapshot(new_revision) if new_revision is not None else repository.working_tree()
    changed = {rel for rel in set(old.files) | set(new.files) if old.files.get(rel) != new.files.get(rel)}
    if not changed:
        return DiffResult(old.side, new.side, project=project)
    affected = _affected(changed)
    with tempfile.TemporaryDirectory(prefix="docgen-diff-", dir=scratch_folder()) as temp:
        # the old side: every file of the affected years; the new side: only the files that
        # differ, merged into the old side's (an unchanged file is read once, not twice)
        old_folder, new_folder = Path(temp) / "old" / "content", Path(temp) / "new" / "content"
        old_folder.mkdir(parents=True)
        new_folder.mkdir(parents=True)
        repository.materialise(old, _wanted(old.files, affected), old_folder)
        different = [rel for rel in _wanted(new.files, affected) if rel in changed or rel in CONFIG_FILES]
        repository.materialise(new, different, new_folder)
        before = _load(old, old_folder)
        dropped = {f"content/{rel}" for rel in changed if rel in old.files}
        after = _merged(before, _load(new, new_folder), dropped)
        result = compare_contents(before, after, old.side, new.side, project=project)
    if project is None and affected.other:
        others = tuple(_other_file(rel, old, new) for rel in affected.other)
        result = DiffResult(result.old, result.new, result.comparisons, result.changes + others, result.project)
    return result


def _other_file(rel: str, old: _Snapshot, new: _Snapshot) -> Change:
    """A changed file that docgen does not read as content (an attachment, a stray file)."""
    path = f"content/{rel}"
    at = Location(path, 1, 1)
    in_old, in_new = rel in old.files, rel in new.files
    kind = ChangeKind.FILE if in_old and in_new else ChangeKind.FILE_ADDED if in_new else ChangeKind.FILE_REMOVED
    return Change(
        kind,
        Scope("file", rel),
        rel,
        path,
        old.files[rel].blob[:12] if in_old else None,
        new.files[rel].blob[:12] if in_new else None,
        at if in_old else None,
        at if in_new else None,
    )
