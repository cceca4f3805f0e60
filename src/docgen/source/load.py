"""Load: content files → validated models, with every problem reported at its line.

This is the first stage of the pipeline (load → model → facts → render → write). It never
raises for bad content: whatever it cannot use becomes a diagnostic, and loading goes on so
that a single run shows every problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from docgen.diagnostics import Diagnostics
from docgen.model.content import Content, Notice
from docgen.model.schema import (
    Fund,
    FundEvaluation,
    HierarchyConfig,
    NoticeMeta,
    Project,
    ProjectEvaluation,
    ScoringPolicy,
    Site,
)
from docgen.source.cache import ParseCache
from docgen.source.discover import ContentFile, discover
from docgen.source.model_memo import ModelMemo
from docgen.source.yaml_loader import MAX_FILE_BYTES, Path_, YamlDocument, parse_yaml

M = TypeVar("M", bound=BaseModel)

_YEAR = re.compile(r"^\d{4}$")
_FILE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NOTICE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9][a-z0-9-]*)\.md$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)


def load_content(
    root: Path,
    diagnostics: Diagnostics | None = None,
    *,
    cache: ParseCache | None = None,
    models: ModelMemo | None = None,
) -> tuple[Content, Diagnostics]:
    """Load and validate every file under ``root`` (the content/ folder); ``cache`` spares parsing
    unchanged files, ``models`` parsing and validating them (a warm process: :mod:`docgen.source.model_memo`)."""
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    display_base = root.resolve().parent
    files = discover(root, display_base, diagnostics) if root.is_dir() else []
    if not root.is_dir():
        diagnostics.error(root.as_posix(), 1, 1, "content folder not found", "no-content")
    resolved = root.resolve()
    if cache is not None:
        cache.for_tree(resolved)
    prefix = len(f"{_rel_display(resolved, display_base)}/")
    by_rel = {f.rel[prefix:]: f for f in files}

    hierarchy = _config(by_rel.pop("hierarchy.yaml", None), "hierarchy.yaml", HierarchyConfig, diagnostics)
    scoring = _config(by_rel.pop("scoring.yaml", None), "scoring.yaml", ScoringPolicy, diagnostics)
    content = Content(root=root, site=None, hierarchy=hierarchy, scoring=scoring)

    sources = _Sources(cache, models)
    site_file = by_rel.pop("site.yaml", None)
    if site_file is not None:
        content.site = _load_model(site_file, Site, diagnostics, content, sources)
    elif root.is_dir():
        diagnostics.error(_rel_display(root / "site.yaml", display_base), 1, 1, "site.yaml is missing", "missing-file")

    for rel, file in by_rel.items():
        parts = rel.split("/")
        _load_one(parts, file, content, diagnostics, sources)
    content.notices.sort(key=lambda n: (n.meta.date, n.slug), reverse=True)
    if cache is not None:
        cache.save()
    if models is not None:
        models.keep_only({file.rel for file in files})
    return content, diagnostics


@dataclass(frozen=True, slots=True)
class _Sources:
    """Where a load may take a file's data (the parse cache) or its model (the memo) from instead of its text."""

    cache: ParseCache | None = None
    models: ModelMemo | None = None


def _load_one(
    parts: list[str], file: ContentFile, content: Content, diagnostics: Diagnostics, sources: _Sources
) -> None:
    stem = parts[-1].rsplit(".", 1)[0]
    kind = parts[0]
    if kind == "funds" and len(parts) == 2 and _YEAR.match(stem):
        fund = _load_model(file, Fund, diagnostics, content, sources)
        if fund is None:
            content.invalid.add(f"fund/{stem}")
        if fund is not None and _same_year(fund.year, int(stem), file, diagnostics, content):
            content.funds[fund.year] = fund
            content.files[f"fund/{fund.year}"] = file.rel
        return
    if kind == "projects" and len(parts) == 3 and _YEAR.match(parts[1]):
        project = _load_model(file, Project, diagnostics, content, sources)
        if project is None or not _same_year(project.year, int(parts[1]), file, diagnostics, content):
            content.invalid.add(f"project/{parts[1]}/{stem}")
            return
        if project.id != stem:
            content.invalid.add(f"project/{parts[1]}/{stem}")
            _at(
                diagnostics,
                content,
                file,
                ("id",),
                f"id {project.id!r} differs from the file name {stem!r}",
                "id-mismatch",
            )
            return
        content.projects.setdefault(project.year, {})[project.id] = project
        content.files[f"project/{project.year}/{project.id}"] = file.rel
        return
    if kind == "evaluations" and len(parts) == 3 and _YEAR.match(parts[1]):
        if stem == "_fund":
            fund_eval = _load_model(file, FundEvaluation, diagnostics, content, sources)
            if fund_eval is None:
                content.invalid.add(f"fund-evaluation/{parts[1]}")
            if fund_eval is not None and _same_year(fund_eval.year, int(parts[1]), file, diagnostics, content):
                content.fund_evaluations[fund_eval.year] = fund_eval
                content.files[f"fund-evaluation/{fund_eval.year}"] = file.rel
            return
        evaluation = _load_model(file, ProjectEvaluation, diagnostics, content, sources)
        if evaluation is None:
            content.invalid.add(f"evaluation/{parts[1]}/{stem}")
        if evaluation is None or not _same_year(evaluation.year, int(parts[1]), file, diagnostics, content):
            return
        if evaluation.project != stem:
            msg = f"project {evaluation.project!r} differs from the file name {stem!r}"
            _at(diagnostics, content, file, ("project",), msg, "id-mismatch")
            return
        content.evaluations.setdefault(evaluation.year, {})[evaluation.project] = evaluation
        content.files[f"evaluation/{evaluation.year}/{evaluation.project}"] = file.rel
        return
    if kind == "notices" and len(parts) == 2:
        match = _NOTICE_NAME.match(parts[1])
        if match is None:
            diagnostics.error(file.rel, 1, 1, "a notice file is named <yyyy-mm-dd>-<slug>.md", "bad-file-name")
            return
        notice = _load_notice(file, match.group(2), diagnostics, content)
        if notice is not None:
            content.notices.append(notice)
            content.files[f"notice/{notice.slug}"] = file.rel
        return
    expected = (
        "content/site.yaml, funds/<year>.yaml, projects/<year>/<id>.yaml, evaluations/<year>/<id>.yaml, "
        "evaluations/<year>/_fund.yaml, notices/<date>-<slug>.md"
    )
    if kind in ("funds", "projects", "evaluations", "notices") and not _FILE_ID.match(stem.lstrip("_")):
        diagnostics.error(file.rel, 1, 1, f"file name {parts[-1]!r} is not a lowercase id", "bad-file-name")
        return
    diagnostics.error(file.rel, 1, 1, f"unexpected file; content files are {expected}", "unknown-file")


def _same_year(year: int, folder_year: int, file: ContentFile, diagnostics: Diagnostics, content: Content) -> bool:
    if year != folder_year:
        _at(
            diagnostics, content, file, ("year",), f"year {year} differs from its folder {folder_year}", "year-mismatch"
        )
        return False
    return True


def _at(diagnostics: Diagnostics, content: Content, file: ContentFile, loc: Path_, message: str, code: str) -> None:
    doc = content.documents.get(file.rel)
    pos = doc.position(loc) if doc else None
    diagnostics.error(file.rel, pos.line if pos else 1, pos.col if pos else 1, message, code)


def read_text(file: ContentFile, diagnostics: Diagnostics) -> str | None:
    """The file's text (UTF-8, BOM removed), or None with a diagnostic."""
    try:
        with open(file.path, "rb") as handle:  # no stat first: one call less for each of ~1,800 files
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        diagnostics.error(file.rel, 1, 1, f"cannot read: {exc.strerror}", "unreadable")
        return None
    if len(raw) > MAX_FILE_BYTES:
        diagnostics.error(file.rel, 1, 1, f"file is larger than {MAX_FILE_BYTES:,} bytes", "file-too-large")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diagnostics.error(file.rel, line, 1, "not valid UTF-8 text", "encoding")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _load_model(
    file: ContentFile, model: type[M], diagnostics: Diagnostics, content: Content, sources: _Sources
) -> M | None:
    text = read_text(file, diagnostics)
    if text is None:
        return None
    kept = sources.models.get(file.rel, text, model) if sources.models is not None else None
    if kept is not None:
        if sources.cache is not None:  # still in use: the pack keeps the files a load read
            sources.cache.put(file.rel, text, kept[0].data)
        content.documents[file.rel] = kept[0]
        return kept[1]  # type: ignore[return-value]  # kept for this very model
    problems = len(diagnostics)
    doc = _parse(text, file.rel, diagnostics, sources.cache)
    if doc is None:
        return None
    content.documents[file.rel] = doc
    validated = validate(doc, model, diagnostics)
    if sources.models is not None and validated is not None and len(diagnostics) == problems:
        sources.models.put(file.rel, text, model, doc, validated)
    return validated


def _parse(text: str, rel: str, diagnostics: Diagnostics, cache: ParseCache | None) -> YamlDocument | None:
    """Parse ``text``, or take its data from the cache when this very text parsed cleanly before."""
    if cache is None:
        return parse_yaml(text, rel, diagnostics)
    hit, data = cache.get(rel, text)
    if hit:
        return YamlDocument.cached(rel, data, text)
    problems = len(diagnostics)
    doc = parse_yaml(text, rel, diagnostics)
    if doc is not None and len(diagnostics) == problems:
        cache.put(rel, text, doc.data)
    return doc


def validate(doc: YamlDocument, model: type[M], diagnostics: Diagnostics) -> M | None:
    """Validate loaded data into ``model``; every validation error becomes a positioned diagnostic."""
    if not isinstance(doc.data, dict):
        diagnostics.error(doc.path, 1, 1, "expected a mapping of keys and values at the top of the file", "type")
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            _report(doc, error, diagnostics)
        return None


_MESSAGES = {
    "extra_forbidden": "unknown key {key!r}",
    "missing": "required key {key!r} is missing",
}


def _report(doc: YamlDocument, error: Any, diagnostics: Diagnostics) -> None:
    loc: Path_ = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
    kind: str = error["type"]
    key = loc[-1] if loc else ""
    dotted = ".".join(str(part) for part in loc)
    if kind in _MESSAGES:
        message = _MESSAGES[kind].format(key=key)
        pos = doc.key_position(loc) if kind == "extra_forbidden" else doc.position(loc[:-1])
        where = ".".join(str(p) for p in loc[:-1])
        message = f"{message}" + (f" in {where}" if where else "")
    else:
        pos = doc.position(loc)
        text = _not_text(error) or str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        message = f"{dotted}: {text}" if dotted else text
    code = {"extra_forbidden": "unknown-key", "missing": "missing-key"}.get(kind, "type")
    if kind == "value_error" and "money" in message:
        code = "money"
    diagnostics.error(doc.path, pos.line, pos.col, message, code)


def _not_text(error: Any) -> str | None:
    """The message for a number, bool or null where the model wants text (a strict ``str``)."""
    if error["type"] != "string_type":
        return None
    value = error.get("input")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f'must be text: quote it, e.g. "{value}"'
    return "must be text"


def _load_notice(file: ContentFile, slug: str, diagnostics: Diagnostics, content: Content) -> Notice | None:
    text = read_text(file, diagnostics)
    if text is None:
        return None
    match = _FRONT_MATTER.match(text)
    if match is None:
        diagnostics.error(file.rel, 1, 1, "a notice starts with YAML front matter between --- lines", "front-matter")
        return None
    front = "\n" + (match.group(1) or "")  # keep line numbers: the front matter starts on line 2
    doc = parse_yaml(front, file.rel, diagnostics)
    if doc is None:
        return None
    content.documents[file.rel] = doc
    meta = validate(doc, NoticeMeta, diagnostics)
    if meta is None:
        return None
    body_line = text[: match.end()].count("\n") + 1
    return Notice(slug=slug, meta=meta, body=text[match.end() :], body_line=body_line)


def _config(file: ContentFile | None, name: str, model: type[M], diagnostics: Diagnostics) -> M:
    """A configuration file: the content's own when present and valid, else docgen's default."""
    if file is not None:
        text = read_text(file, diagnostics)
        doc = parse_yaml(text, file.rel, diagnostics) if text is not None else None
        loaded = validate(doc, model, diagnostics) if doc is not None else None
        if loaded is not None:
            return loaded
    default = resources.files("docgen").joinpath(f"data/{name}").read_text(encoding="utf-8")
    internal = Diagnostics()
    doc = parse_yaml(default, f"docgen/data/{name}", internal)
    assert doc is not None and not internal.errors, internal.to_json()
    return model.model_validate(doc.data)


def _rel_display(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
