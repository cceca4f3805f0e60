"""``docgen diff OLD [NEW]``: decide what OLD and NEW name (two years, or git revisions) and compare."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from docgen.diff.compare import compare_years
from docgen.diff.model import DiffError, DiffResult
from docgen.diff.revisions import CONFIG_FILES, compare_revisions, scratch_folder
from docgen.project import ProjectPaths
from docgen.source.load import load_content

_YEAR = re.compile(r"^\d{4}$")


def is_year(text: str | None) -> bool:
    return text is not None and _YEAR.match(text) is not None


def run_diff(paths: ProjectPaths, old: str, new: str | None = None, *, project: str | None = None) -> DiffResult:
    """Compare two years of the working content (``2023 2024``) or two git revisions
    (``origin/main HEAD``, ``HEAD~1``, a tag; the working tree when ``new`` is None).

    Two four-digit arguments are years; anything else is a revision. Raises
    :class:`DiffError` with a message for the user when the comparison cannot be made.
    """
    if is_year(old) and is_year(new):
        assert new is not None
        return diff_years(paths, int(old), int(new), project=project)
    try:
        return compare_revisions(paths, old, new, project=project)
    except DiffError as exc:
        if is_year(old) and new is None:
            raise DiffError(f"{exc}\n(to compare two years, give both: docgen diff {old} {int(old) + 1})") from exc
        raise


def content_years(content: Path) -> list[int]:
    """The years the content folder has files for (funds/<year>.yaml, projects/<year>/, evaluations/<year>/)."""
    years = {int(p.stem) for p in content.glob("funds/*.y*ml") if _YEAR.match(p.stem)}
    for kind in ("projects", "evaluations"):
        years |= {int(p.name) for p in content.glob(f"{kind}/*") if p.is_dir() and _YEAR.match(p.name)}
    return sorted(years)


def diff_years(paths: ProjectPaths, old: int, new: int, *, project: str | None = None) -> DiffResult:
    """Compare two years of the working content, reading the files of those two years only."""
    source = paths.content
    if not source.is_dir():
        raise DiffError(f"{source} is not a folder")
    years = content_years(source)
    for year in (old, new):
        if year not in years:
            raise DiffError(f"the content has no year {year} (years: {'、'.join(map(str, years)) or 'none'})")
    with tempfile.TemporaryDirectory(prefix="docgen-diff-", dir=scratch_folder()) as temp:
        target = Path(temp) / "content"
        target.mkdir()
        for name in CONFIG_FILES:
            if (source / name).exists() or (source / name).is_symlink():
                shutil.copy2(source / name, target / name, follow_symlinks=False)
        for year in sorted({old, new}):
            for fund in source.glob(f"funds/{year}.y*ml"):
                (target / "funds").mkdir(exist_ok=True)
                shutil.copy2(fund, target / "funds" / fund.name, follow_symlinks=False)
            for kind in ("projects", "evaluations"):
                if (source / kind / str(year)).is_dir():
                    shutil.copytree(source / kind / str(year), target / kind / str(year), symlinks=True)
        content, diagnostics = load_content(target)
        errors = diagnostics.errors
        if errors:
            shown = "\n".join(f"  {d.format()}" for d in errors[:20])
            raise DiffError(f"the content has {len(errors)} error(s); fix them (docgen check) first:\n{shown}")
        return compare_years(content, old, new, project=project)
