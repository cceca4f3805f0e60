"""Compare content by meaning: projects, amounts, goals, indicators and targets, evaluations.

Two entry points, over content already loaded (no git; the only file they read is a
hierarchy.yaml or scoring.yaml, for the positions the loader does not keep):

* :func:`compare_years` compares the projects of one year with those of another year of
  the same content (2023 → 2024): projects are matched by their stable ``id``;
* :func:`compare_contents` compares two loaded contents (two git revisions) year by year,
  plus the notices and configuration files.

How things are matched: projects by ``id``; goals by period, their numbered items by number
and similarity; indicators by an explicit ``key``, else by hierarchy and name (the bureau's
一级/二级 names resolved through hierarchy.yaml), else by the same name elsewhere in the table
(*moved*), else — only between leftovers at least :data:`RENAME_SIMILARITY` alike in the same
一级 — reported as *renamed?* with the similarity, never paired silently; evaluation results
by the indicator they name; fund indicators, directions, sections by their keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from docgen.diagnostics import Diagnostics
from docgen.diff.memo import DiffMemo
from docgen.diff.memo import key as memo_key
from docgen.diff.model import (
    Change,
    ChangeKind,
    Comparison,
    DiffError,
    DiffResult,
    Location,
    NumberChange,
    ProjectEntry,
    Scope,
    Side,
    Totals,
    Verdict,
    combined_verdict,
)
from docgen.diff.quantities import compare_amounts
from docgen.diff.text import PAIR_SIMILAR, TextItem, char_diff, numbered_items, pair_by_similarity, pair_items
from docgen.facts import format as fmt
from docgen.facts.derive import ProjectFacts, YearFacts, derive
from docgen.facts.target_values import Kind, find_amounts, parse_target
from docgen.model.content import Content, Notice
from docgen.model.hierarchy import Hierarchy
from docgen.model.schema import (
    PERIOD_TITLES,
    PERIODS,
    FundEvaluation,
    FundIndicator,
    Goal,
    Indicator,
    Project,
    ProjectEvaluation,
    SectionKey,
)
from docgen.render.indicator_table import goal_title
from docgen.source.yaml_loader import Path_, YamlDocument, parse_yaml

K = TypeVar("K")
T = TypeVar("T")

RENAME_SIMILARITY = PAIR_SIMILAR
"""Indicators left unmatched on both sides are reported as “renamed?” when at least this alike."""

GOAL_ORDER = tuple(reversed(PERIODS))
"""Goals in the order the documents show them: 实施周期目标, 年度目标, 阶段目标."""

SEPARATOR = " › "

_KIND_BY_PRESENCE = {
    "field": (ChangeKind.FIELD_ADDED, ChangeKind.FIELD_REMOVED, ChangeKind.FIELD),
    "goal": (ChangeKind.GOAL_ADDED, ChangeKind.GOAL_REMOVED, None),
    "goal-item": (ChangeKind.GOAL_ITEM_ADDED, ChangeKind.GOAL_ITEM_REMOVED, ChangeKind.GOAL_ITEM),
    "target": (ChangeKind.TARGET_ADDED, ChangeKind.TARGET_REMOVED, ChangeKind.TARGET),
    "result": (ChangeKind.RESULT_ADDED, ChangeKind.RESULT_REMOVED, ChangeKind.RESULT),
    "item": (ChangeKind.ITEM_ADDED, ChangeKind.ITEM_REMOVED, None),
    "file": (ChangeKind.FILE_ADDED, ChangeKind.FILE_REMOVED, ChangeKind.FILE),
    "evaluation": (ChangeKind.EVALUATION_ADDED, ChangeKind.EVALUATION_REMOVED, None),
    "indicator": (ChangeKind.INDICATOR_ADDED, ChangeKind.INDICATOR_REMOVED, None),
    "indicator-table": (ChangeKind.INDICATOR_TABLE_ADDED, ChangeKind.INDICATOR_TABLE_REMOVED, None),
}


# ---------------------------------------------------------------------------- entry points


def compare_years(
    content: Content,
    old_year: int,
    new_year: int,
    *,
    facts: dict[int, YearFacts] | None = None,
    project: str | None = None,
    located: bool = True,
    memo: DiffMemo | None = None,
) -> DiffResult:
    """What changed from fund-year ``old_year`` to ``new_year`` of the same content (年度变化).

    The website's changes pages (changes/<old>-<new>.html) show this result: render it with
    :func:`docgen.diff.render_html`. Projects are matched by id; ``project`` narrows the
    diff to one project. Raises :class:`DiffError` for a year the content does not have.
    Without ``located`` the changes name their files but not their lines: content that came
    from the parse cache is then not parsed again for positions (the public pages show none).
    A ``memo`` (:mod:`docgen.diff.memo`) gives the projects compared as before their kept changes,
    and keeps the others'; it is used without ``located`` only.
    """
    for year in (old_year, new_year):
        if year not in content.years:
            known = "、".join(str(y) for y in content.years) or "none"
            raise DiffError(f"the content has no year {year} (years: {known})")
    if project is not None and not any(project in content.projects.get(y, {}) for y in (old_year, new_year)):
        raise DiffError(f"project {project!r} is in neither {old_year} nor {new_year}")
    side = _Side(content, facts if facts is not None else derive(content), located=located)
    comparer = _YearComparer(side, side, old_year, new_year, revisions=False, project=project)
    comparer.memo = None if located else memo
    comparison = comparer.compare()
    return DiffResult(Side(str(old_year), "year"), Side(str(new_year), "year"), (comparison,), (), project)


def compare_contents(
    old: Content,
    new: Content,
    old_side: Side,
    new_side: Side,
    *,
    old_facts: dict[int, YearFacts] | None = None,
    new_facts: dict[int, YearFacts] | None = None,
    project: str | None = None,
    general: bool = True,
) -> DiffResult:
    """What changed between two versions of the whole content (two git revisions): each year
    with the same year, years added or removed, and (with ``general``) notices and configuration.
    Only years with differences are listed."""
    before = _Side(old, old_facts if old_facts is not None else derive(old))
    after = _Side(new, new_facts if new_facts is not None else derive(new))
    comparisons = []
    for year in sorted(set(old.years) | set(new.years)):
        comparer = _YearComparer(
            before,
            after,
            year if year in old.years else None,
            year if year in new.years else None,
            revisions=True,
            project=project,
        )
        comparison = comparer.compare()
        if comparison.difference_count:
            comparisons.append(comparison)
    changes: list[Change] = []
    if general and project is None:
        changes.extend(_GeneralComparer(before, after).compare())
    return DiffResult(old_side, new_side, tuple(comparisons), tuple(changes), project)


# ---------------------------------------------------------------------------- one side


@dataclass(slots=True)
class _Side:
    """One side's content, facts and where its values stand."""

    content: Content
    facts: dict[int, YearFacts]
    located: bool = True  # False: locations name the file only (no positions are looked up)
    _hierarchies: dict[int, Hierarchy] = field(default_factory=dict)
    _configs: dict[str, tuple[str, YamlDocument]] = field(default_factory=dict)
    _project_facts: dict[int, dict[str, ProjectFacts]] = field(default_factory=dict)

    def _document(self, file_key: str | None) -> tuple[str | None, YamlDocument | None]:
        if not file_key:
            return None, None
        if file_key in self._configs:
            return self._configs[file_key]
        path = self.content.files.get(file_key)
        return path, self.content.documents.get(path) if path else None

    def at(self, file_key: str | None, loc: Path_ = ()) -> Location | None:
        path, doc = self._document(file_key)
        if path is None:
            return None
        if not self.located:
            return Location(path)
        if doc is None:
            return Location(path, 1, 1)
        pos = doc.position(loc)
        return Location(path, pos.line, pos.col)

    def text_at(self, file_key: str | None, loc: Path_, line_index: int, col: int) -> Location | None:
        path, doc = self._document(file_key)
        if path is None or doc is None or not self.located:
            return self.at(file_key, loc)
        line, column = doc.text_position(loc, line_index, col)
        return Location(path, min(max(line, 1), max(len(doc.locate().lines), 1)), max(column, 1))

    def config(self, name: str) -> str | None:
        """The file key of a configuration file (site.yaml, hierarchy.yaml, scoring.yaml) the content
        has, with its positions (the loader keeps none for hierarchy and scoring); None when absent."""
        if name in self._configs:
            return name
        rel = f"{self.content.root.name}/{name}"
        doc = self.content.documents.get(rel)
        path = self.content.root / name
        if doc is None and path.is_file():
            doc = parse_yaml(path.read_text(encoding="utf-8"), rel, Diagnostics())
        if doc is None:
            return None
        self._configs[name] = (rel, doc)
        return name

    def project_facts(self, year: int | None, project_id: str) -> ProjectFacts | None:
        """A project's computed figures in a year (indexed once per year)."""
        if year is None or year not in self.facts:
            return None
        if year not in self._project_facts:
            self._project_facts[year] = {p.id: p for p in self.facts[year].projects}
        return self._project_facts[year].get(project_id)

    def direction_name(self, year: int | None, direction: str | None) -> str | None:
        """The name of a 资金使用方向 the fund-year declares (``real-economy`` → 金融服务实体经济项目);
        the id itself when the year declares none of that id."""
        fund = self.content.funds.get(year) if year is not None else None
        if direction is None or fund is None:
            return direction
        return next((d.name for d in fund.directions if d.id == direction), direction)

    def hierarchy(self, year: int) -> Hierarchy:
        if year not in self._hierarchies:
            fund = self.content.funds.get(year)
            self._hierarchies[year] = Hierarchy(self.content.hierarchy, fund.hierarchy if fund else "current")
        return self._hierarchies[year]


@dataclass(frozen=True, slots=True)
class _Where:
    """A thing on both sides: its content file key and key path on each side."""

    old_file: str | None
    new_file: str | None
    old_loc: Path_ = ()
    new_loc: Path_ = ()

    def deeper(self, *parts: str | int) -> _Where:
        return _Where(self.old_file, self.new_file, (*self.old_loc, *parts), (*self.new_loc, *parts))

    def split(self, old_parts: Path_, new_parts: Path_) -> _Where:
        return _Where(self.old_file, self.new_file, (*self.old_loc, *old_parts), (*self.new_loc, *new_parts))


class _Recorder:
    """Collects the changes of one comparison, with their locations on both sides."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []

    def add(
        self,
        kind: ChangeKind,
        scope: Scope,
        where: _Where,
        path: str,
        label: str,
        old: str | None,
        new: str | None,
        *,
        old_at: Location | None = None,
        new_at: Location | None = None,
        **details: Any,
    ) -> None:
        if old_at is None and old is not None:
            old_at = self.old.at(where.old_file, where.old_loc)
        if new_at is None and new is not None:
            new_at = self.new.at(where.new_file, where.new_loc)
        if old_at is None and new_at is None:  # something absent on both sides, e.g. a computed figure
            old_at = self.old.at(where.old_file, where.old_loc)
            new_at = self.new.at(where.new_file, where.new_loc)
        if old_at is None and new_at is None:
            return
        self.changes.append(Change(kind, scope, path, label, old, new, old_at, new_at, **details))

    def presence(
        self,
        family: str,
        scope: Scope,
        where: _Where,
        path: str,
        label: str,
        old: str | None,
        new: str | None,
        **details: Any,
    ) -> bool:
        """Record an addition or removal (returns True), or return False when both exist."""
        added, removed, _changed = _KIND_BY_PRESENCE[family]
        if old is None and new is not None:
            self.add(added, scope, where, path, label, None, new, **details)
            return True
        if new is None and old is not None:
            self.add(removed, scope, where, path, label, old, None, **details)
            return True
        return False

    def text(self, scope: Scope, where: _Where, path: str, label: str, old: str | None, new: str | None) -> None:
        """A plain value compared: added, removed, or changed with a character diff."""
        if (_absent(old) and _absent(new)) or old == new:
            return
        if self.presence("field", scope, where, path, label, _none(old), _none(new)):
            return
        assert old is not None and new is not None
        self.add(ChangeKind.FIELD, scope, where, path, label, old, new, text=char_diff(old, new))

    def amount(
        self,
        scope: Scope,
        where: _Where,
        path: str,
        label: str,
        old: Decimal | None,
        new: Decimal | None,
        unit: str = "万元",
        kind: ChangeKind = ChangeKind.AMOUNT,
        show: Callable[[Decimal], str] = fmt.money_text,
    ) -> None:
        """A number compared: added, removed, or changed with its difference and percentage."""
        if old == new:
            return
        old_text = f"{show(old)}{unit}" if old is not None else None
        new_text = f"{show(new)}{unit}" if new is not None else None
        if self.presence("field", scope, where, path, label, old_text, new_text):
            return
        assert old is not None and new is not None
        change = NumberChange(old, new, unit, unit)
        self.add(kind, scope, where, path, label, old_text, new_text, amount=change, verdict=change.direction)

    def score_and_grade(
        self,
        scope: Scope,
        where: _Where,
        path: str,
        label: str,
        old: tuple[Decimal | None, str | None],
        new: tuple[Decimal | None, str | None],
    ) -> None:
        """A total score and its grade (评价等级), compared together."""
        self.amount(scope, where, path, label, old[0], new[0], unit="分", kind=ChangeKind.SCORE, show=fmt.score_text)
        if old[1] != new[1]:
            self.add(ChangeKind.GRADE, scope, where, "grade", "评价等级", old[1], new[1])

    def walk(self, scope: Scope, where: _Where, path: str, label: str, old: object, new: object) -> None:
        """Any other value, field by field (models), entry by entry (lists), with titles as labels."""
        if _same(old, new):
            return
        if isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old) is type(new):
            for name, info in type(old).model_fields.items():
                self.walk(
                    scope,
                    where.deeper(name),
                    f"{path}.{name}",
                    _join(label, info.title or name),
                    getattr(old, name),
                    getattr(new, name),
                )
            return
        if isinstance(old, dict) and isinstance(new, dict):
            for key in _union(list(old), list(new)):
                self.walk(scope, where.deeper(key), f"{path}.{key}", _join(label, key), old.get(key), new.get(key))
            return
        if isinstance(old, list) and isinstance(new, list) and any(isinstance(v, BaseModel | list) for v in old + new):
            for index in range(max(len(old), len(new))):
                self.walk(
                    scope,
                    where.deeper(index),
                    f"{path}[{index}]",
                    f"{label}第{index + 1}项",
                    old[index] if index < len(old) else None,
                    new[index] if index < len(new) else None,
                )
            return
        self.text(scope, where, path, label, _none(plain(old)), _none(plain(new)))


def plain(value: object) -> str:
    """A value as one line of text, as the content writes it (lists joined with 、)."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return fmt.money_plain(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        parts = []
        for name, info in type(value).model_fields.items():
            text = plain(getattr(value, name))
            if text:
                parts.append(f"{info.title or name}：{text}")
        return "；".join(parts)
    if isinstance(value, list):
        return "、".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{plain(v)}" for k, v in value.items())
    return str(value)


def _same(old: object, new: object) -> bool:
    return old == new or (_absent(old) and _absent(new))


def _absent(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _none(text: str | None) -> str | None:
    return text if text else None


def _join(*parts: str | None) -> str:
    return SEPARATOR.join(p for p in parts if p)


def _union(old: list[K], new: list[K]) -> list[K]:
    """The keys of both sides: the new side's in its order, then those only the old side has."""
    return new + [k for k in old if k not in new]


def _keyed_pairs(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], K], wanted: Callable[[T], bool] = lambda _: True
) -> Iterator[tuple[K, int, T | None, int, T | None]]:
    """The entries of two lists paired by ``key``: (key, old index, old entry, new index, new entry).

    An entry missing on one side is None there, with index 0 (its list's position for locations).
    """
    olds = {key(x): (i, x) for i, x in enumerate(old) if wanted(x)}
    news = {key(x): (j, x) for j, x in enumerate(new) if wanted(x)}
    for k in _union(list(olds), list(news)):
        i, before = olds.get(k, (0, None))
        j, after = news.get(k, (0, None))
        yield k, i, before, j, after


def _amount_of(project: Project) -> tuple[Decimal | None, Literal["allocated", "requested"] | None]:
    """The amount a diff compares: 分配金额 when given, else 申报金额."""
    if project.allocated is not None:
        return project.allocated, "allocated"
    if project.requested is not None:
        return project.requested, "requested"
    return None, None


_BASIS_TITLES = {"allocated": "分配金额", "requested": "申报金额"}


# ---------------------------------------------------------------------------- one year


class _YearComparer:
    """One fund-year compared: its projects, their goals, indicators and evaluations, the fund."""

    def __init__(
        self,
        old: _Side,
        new: _Side,
        old_year: int | None,
        new_year: int | None,
        *,
        revisions: bool,
        project: str | None,
    ) -> None:
        self.old, self.new = old, new
        self.old_year, self.new_year = old_year, new_year
        self.revisions = revisions  # same year at two revisions: seq and every field count
        self.project = project
        self.record = _Recorder(old, new)
        self.memo: DiffMemo | None = None  # each continued project's changes, kept between builds

    def _projects(self, side: _Side, year: int | None) -> dict[str, Project]:
        if year is None:
            return {}
        projects = {p.id: p for p in side.content.projects_of(year)}
        if self.project is not None:
            projects = {k: v for k, v in projects.items() if k == self.project}
        return projects

    def compare(self) -> Comparison:
        old_projects = self._projects(self.old, self.old_year)
        new_projects = self._projects(self.new, self.new_year)
        added = tuple(
            self._entry(self.new, self.new_year, p) for p in new_projects.values() if p.id not in old_projects
        )
        removed = tuple(
            self._entry(self.old, self.old_year, p) for p in old_projects.values() if p.id not in new_projects
        )
        continued = tuple(pid for pid in new_projects if pid in old_projects)
        common = self._memo_common() if self.memo is not None else ""
        for pid in continued:
            if self.memo is not None:
                kept = self.memo.changes(pid, self._memo_key(common, pid))
                if kept is not None:
                    self.record.changes.extend(kept)
                    continue
            first = len(self.record.changes)
            if old_projects[pid] != new_projects[pid]:  # an unchanged project file has nothing to say
                self._project(old_projects[pid], new_projects[pid])
            self._evaluation(pid)
            if self.memo is not None:
                self.memo.keep(pid, self.record.changes[first:])
        if self.project is None:
            self._fund()
        self._fund_evaluation()
        totals = Totals(
            len(old_projects),
            len(new_projects),
            _total(old_projects.values()),
            _total(new_projects.values()),
        )
        names = tuple((pid, new_projects[pid].display_name) for pid in continued)
        return Comparison(
            self.old_year, self.new_year, totals, added, removed, continued, tuple(self.record.changes), names
        )

    def _memo_common(self) -> str:
        """What every project's part of this comparison reads besides its own files (see :mod:`docgen.diff.memo`)."""
        parts = [repr((self.old_year, self.new_year, self.revisions)), self.old.content.hierarchy.model_dump_json()]
        for side, year in ((self.old, self.old_year), (self.new, self.new_year)):
            fund = side.content.funds.get(year or 0)
            fund_eval = side.content.fund_evaluations.get(year or 0)
            parts.append(repr(([(d.id, d.name) for d in fund.directions], fund.hierarchy) if fund else None))
            parts.append(repr([(s.key, s.name) for s in fund_eval.sections] if fund_eval else None))
        return memo_key(parts)

    def _memo_key(self, common: str, pid: str) -> str:
        """The key of a continued project's part: its models, files and figures in both years."""
        parts = [common, pid]
        for side, year in ((self.old, self.old_year), (self.new, self.new_year)):
            project = side.content.projects[year or 0][pid]
            evaluation = side.content.evaluations.get(year or 0, {}).get(pid)
            parts += [
                side.content.files.get(f"project/{year}/{pid}", ""),
                project.model_dump_json(),
                side.content.files.get(f"evaluation/{year}/{pid}", ""),
                evaluation.model_dump_json() if evaluation is not None else "",
                repr(side.project_facts(year, pid)),
            ]
        return memo_key(parts)

    def _entry(self, side: _Side, year: int | None, project: Project) -> ProjectEntry:
        amount, basis = _amount_of(project)
        at = side.at(f"project/{year}/{project.id}", ("id",))
        assert at is not None
        return ProjectEntry(project.id, project.display_name, amount, basis, at)

    # ------------------------------------------------------------------ projects

    def _project(self, old: Project, new: Project) -> None:
        scope = Scope("project", new.id)
        where = _Where(f"project/{self.old_year}/{old.id}", f"project/{self.new_year}/{new.id}")
        record = self.record
        if self.revisions:  # the same project-year at two revisions: each amount as written
            for basis in ("requested", "allocated"):
                record.amount(
                    scope, where.deeper(basis), basis, _BASIS_TITLES[basis], getattr(old, basis), getattr(new, basis)
                )
        else:
            self._amount(scope, where, old, new)
        fields = ["name", "applicant", "implementers", "approval", "direction", "note", "summary", "target_table"]
        if self.revisions:
            fields.insert(0, "seq")
        for name in fields:
            title = Project.model_fields[name].title or name
            before, after = getattr(old, name), getattr(new, name)
            if name == "direction" and before != after:  # the public reads the direction's name, not its id
                before = self.old.direction_name(self.old_year, before)
                after = self.new.direction_name(self.new_year, after)
            record.walk(scope, where.deeper(name), name, title, before, after)
        periods = self._goals(scope, where, old, new)
        self._indicators(scope, where, old, new, periods)

    def _amount(self, scope: Scope, where: _Where, old: Project, new: Project) -> None:
        """Two years of a project: the amount each year gives (分配金额, else 申报金额), saying which."""
        old_amount, old_basis = _amount_of(old)
        new_amount, new_basis = _amount_of(new)
        if old_amount is None or new_amount is None or old_basis is None or new_basis is None:
            basis = new_basis or old_basis or "allocated"
            self.record.amount(scope, where.deeper(basis), "amount", _BASIS_TITLES[basis], old_amount, new_amount)
            return
        if old_amount == new_amount and old_basis == new_basis:
            return
        label, notes = _BASIS_TITLES[new_basis], tuple[str, ...]()
        if old_basis != new_basis:
            label = f"{_BASIS_TITLES[old_basis]} → {_BASIS_TITLES[new_basis]}"
            notes = (f"金额口径：{_BASIS_TITLES[old_basis]} → {_BASIS_TITLES[new_basis]}",)
        change = NumberChange(old_amount, new_amount, "万元", "万元")
        self.record.add(
            ChangeKind.AMOUNT,
            scope,
            where.split((old_basis,), (new_basis,)),
            "amount",
            label,
            f"{fmt.money_text(old_amount)}万元",
            f"{fmt.money_text(new_amount)}万元",
            amount=change,
            verdict=change.direction,
            notes=notes,
        )

    # ------------------------------------------------------------------ goals

    def _goals(
        self, scope: Scope, where: _Where, old: Project, new: Project
    ) -> dict[str, tuple[str | None, str | None]]:
        """Compare the goals; return the periods whose 时限 changed (for the targets of that period)."""
        changed_periods: dict[str, tuple[str | None, str | None]] = {}
        for period in GOAL_ORDER:
            old_goal: Goal | None = getattr(old.goals, period)
            new_goal: Goal | None = getattr(new.goals, period)
            if old_goal is None and new_goal is None:
                continue
            here = where.deeper("goals", period)
            old_title = goal_title(old, period, old_goal) if old_goal else None
            new_title = goal_title(new, period, new_goal) if new_goal else None
            title = new_title or old_title or PERIOD_TITLES[period]
            if self.record.presence(
                "goal",
                scope,
                here,
                f"goals.{period}",
                title,
                _goal_text(old_goal) if old_goal else None,
                _goal_text(new_goal) if new_goal else None,
            ):
                continue
            assert old_goal is not None and new_goal is not None
            for name in ("title", "label", "column_label"):
                field_title = Goal.model_fields[name].title or name
                self.record.walk(
                    scope,
                    here.deeper(name),
                    f"goals.{period}.{name}",
                    _join(PERIOD_TITLES[period], field_title),
                    getattr(old_goal, name),
                    getattr(new_goal, name),
                )
            period_change = (old_goal.label, new_goal.label) if old_goal.label != new_goal.label else None
            if period_change:
                changed_periods[period] = period_change
            if old_goal.table and new_goal.table and old_goal.table.columns != new_goal.table.columns:
                self.record.text(
                    scope,
                    here.deeper("table", "columns"),
                    f"goals.{period}.table.columns",
                    _join(title, "表头"),
                    " | ".join(old_goal.table.columns),
                    " | ".join(new_goal.table.columns),
                )
            self.compare_items(
                scope,
                where,
                f"goals.{period}",
                (old_title or title, title),
                _goal_items(old_goal, ("goals", period)),
                _goal_items(new_goal, ("goals", period)),
                period=period_change,
            )
        return changed_periods

    def compare_items(
        self,
        scope: Scope,
        where: _Where,
        path: str,
        titles: tuple[str, str],
        old: list[_Item],
        new: list[_Item],
        *,
        period: tuple[str | None, str | None] | None = None,
    ) -> None:
        """Two versions of a numbered text, item by item, with the quantities each item states;
        ``titles`` names the text on each side (阶段目标（7月底前） / 阶段目标（6月底前）)."""
        old_title, title = titles
        pairs = pair_items([i.item for i in old], [i.item for i in new])
        paired_old = {i for i, _j in pairs}
        paired_new = {j for _i, j in pairs}
        record = self.record
        for i, j in pairs:
            before, after = old[i], new[j]
            if before.item.text == after.item.text:
                continue
            quantities = compare_amounts(find_amounts(before.item.text), find_amounts(after.item.text), "target")
            record.add(
                ChangeKind.GOAL_ITEM,
                scope,
                where,
                f"{path}.items[{after.name}]",
                _join(title, after.label),
                before.item.text,
                after.item.text,
                old_at=self._item_at(self.old, where.old_file, before),
                new_at=self._item_at(self.new, where.new_file, after),
                text=char_diff(before.item.text, after.item.text),
                quantities=quantities,
                verdict=combined_verdict([q.verdict for q in quantities]),
                period=period,
            )
        for i, before in enumerate(old):
            if i not in paired_old:
                record.add(
                    ChangeKind.GOAL_ITEM_REMOVED,
                    scope,
                    where,
                    f"{path}.items[{before.name}]",
                    _join(old_title, before.label),
                    before.item.text,
                    None,
                    old_at=self._item_at(self.old, where.old_file, before),
                )
        for j, after in enumerate(new):
            if j not in paired_new:
                record.add(
                    ChangeKind.GOAL_ITEM_ADDED,
                    scope,
                    where,
                    f"{path}.items[{after.name}]",
                    _join(title, after.label),
                    None,
                    after.item.text,
                    new_at=self._item_at(self.new, where.new_file, after),
                )

    @staticmethod
    def _item_at(side: _Side, file_key: str | None, item: _Item) -> Location | None:
        if item.in_text:
            return side.text_at(file_key, item.loc, item.item.line_index, item.item.col)
        return side.at(file_key, item.loc)

    # ------------------------------------------------------------------ indicators

    def _indicators(
        self,
        scope: Scope,
        where: _Where,
        old: Project,
        new: Project,
        periods: dict[str, tuple[str | None, str | None]],
    ) -> None:
        assert self.old_year is not None and self.new_year is not None
        old_items = list(_flatten(old, self.old.hierarchy(self.old_year)))
        new_items = list(_flatten(new, self.new.hierarchy(self.new_year)))
        record = self.record
        if not old_items or not new_items:
            count = len(old_items) or len(new_items)
            if count:
                record.presence(
                    "indicator-table",
                    scope,
                    where.deeper("indicators"),
                    "indicators",
                    "绩效指标表",
                    f"{count}项指标" if old_items else None,
                    f"{count}项指标" if new_items else None,
                )
            return
        pairs = _match_indicators(old_items, new_items)
        for pair in pairs:
            self._indicator_pair(scope, where, pair, periods)
        matched_old = {id(p.old) for p in pairs}
        matched_new = {id(p.new) for p in pairs}
        for item in old_items:
            if id(item) not in matched_old:
                record.add(
                    ChangeKind.INDICATOR_REMOVED,
                    scope,
                    where.split(item.loc, ()),
                    f"indicators[{item.path}]",
                    item.label,
                    _indicator_values(item.indicator),
                    None,
                )
        for item in new_items:
            if id(item) not in matched_new:
                record.add(
                    ChangeKind.INDICATOR_ADDED,
                    scope,
                    where.split((), item.loc),
                    f"indicators[{item.path}]",
                    item.label,
                    None,
                    _indicator_values(item.indicator),
                )

    def _indicator_pair(
        self,
        scope: Scope,
        where: _Where,
        pair: _IndicatorPair,
        periods: dict[str, tuple[str | None, str | None]],
    ) -> None:
        old, new = pair.old, pair.new
        here = where.split(old.loc, new.loc)
        path = f"indicators[{new.path}]"
        record = self.record
        if old.name != new.name:
            notes = ("按指标标识匹配",) if pair.matched_by == "key" else ("名称相似，可能是同一指标，请核对",)
            record.add(
                ChangeKind.INDICATOR_RENAMED,
                scope,
                here.deeper("name"),
                path,
                new.label,
                old.name,
                new.name,
                text=char_diff(old.name, new.name),
                similarity=pair.similarity,
                matched_by=pair.matched_by,
                notes=notes,
            )
        if old.placement != new.placement:
            record.add(
                ChangeKind.INDICATOR_MOVED,
                scope,
                here,
                path,
                new.label,
                _join(*old.placement),
                _join(*new.placement),
                matched_by=pair.matched_by,
            )
        record.text(
            scope,
            here.deeper("measure"),
            f"{path}.measure",
            _join(new.label, "指标口径"),
            old.indicator.measure,
            new.indicator.measure,
        )
        record.text(
            scope, here.deeper("key"), f"{path}.key", _join(new.label, "指标标识"), old.indicator.key, new.indicator.key
        )
        for period in PERIODS:
            self._target(
                scope,
                here.deeper(period),
                f"{path}.{period}",
                _join(new.label, PERIOD_TITLES[period]),
                old.indicator.value(period),
                new.indicator.value(period),
                periods.get(period),
                "target",
            )

    def _target(
        self,
        scope: Scope,
        where: _Where,
        path: str,
        label: str,
        old: str | None,
        new: str | None,
        period: tuple[str | None, str | None] | None,
        family: Literal["target", "result"],
        notes: tuple[str, ...] = (),
    ) -> None:
        """A target value (or an actual value) compared by its parsed meaning."""
        if old == new:
            return
        if self.record.presence(family, scope, where, path, label, old, new, period=period, notes=notes):
            return
        assert old is not None and new is not None
        before, after = parse_target(old), parse_target(new)
        sense: Literal["target", "value"] = "target" if family == "target" else "value"
        quantities = compare_amounts(before.bounds, after.bounds, sense)
        verdict = combined_verdict([q.verdict for q in quantities])
        if before.kind is not after.kind:
            notes = (*notes, f"性质：{_KIND_TITLES[before.kind]} → {_KIND_TITLES[after.kind]}")
            verdict = Verdict.CHANGED if verdict is None else verdict
        kind = ChangeKind.TARGET if family == "target" else ChangeKind.RESULT
        self.record.add(
            kind,
            scope,
            where,
            path,
            label,
            old,
            new,
            text=char_diff(old, new),
            quantities=quantities,
            verdict=verdict,
            period=period,
            notes=notes,
        )

    # ------------------------------------------------------------------ evaluations

    def _evaluation(self, pid: str) -> None:
        old_eval = self.old.content.evaluations.get(self.old_year or 0, {}).get(pid)
        new_eval = self.new.content.evaluations.get(self.new_year or 0, {}).get(pid)
        if old_eval is None and new_eval is None:
            return
        if not self.revisions and (old_eval is None or new_eval is None):
            return  # between years, a year not (yet) evaluated is not a change of the evaluation
        old_facts = self.old.project_facts(self.old_year, pid)
        new_facts = self.new.project_facts(self.new_year, pid)
        if old_eval == new_eval and old_facts == new_facts:
            return
        scope = Scope("evaluation", pid)
        where = _Where(f"evaluation/{self.old_year}/{pid}", f"evaluation/{self.new_year}/{pid}")
        record = self.record
        if record.presence(
            "evaluation",
            scope,
            where,
            "evaluation",
            "项目绩效评价",
            _evaluation_summary(old_facts) if old_eval else None,
            _evaluation_summary(new_facts) if new_eval else None,
        ):
            return
        assert old_eval is not None and new_eval is not None
        if self.revisions:
            record.walk(scope, where.deeper("seq"), "seq", "序号", old_eval.seq, new_eval.seq)
        names = self._section_names()
        for key in SectionKey:
            record.amount(
                scope,
                where.deeper("scores", key.value),
                f"scores.{key.value}",
                _join("评价得分", names.get(key, key.value)),
                old_eval.scores.get(key),
                new_eval.scores.get(key),
                unit="分",
                kind=ChangeKind.SCORE,
                show=fmt.score_text,
            )
        if old_facts and new_facts:
            record.score_and_grade(
                scope,
                where.deeper("scores"),
                "total",
                "总分",
                (old_facts.total, old_facts.grade),
                (new_facts.total, new_facts.grade),
            )
            if old_facts.execution_rate != new_facts.execution_rate:
                record.add(
                    ChangeKind.RATE,
                    scope,
                    where.deeper("execution", "spent"),
                    "execution_rate",
                    "预算执行率",
                    fmt.percent(old_facts.execution_rate) if old_facts.execution_rate is not None else None,
                    fmt.percent(new_facts.execution_rate) if new_facts.execution_rate is not None else None,
                )
        old_spent = old_eval.execution.spent if old_eval.execution else None
        new_spent = new_eval.execution.spent if new_eval.execution else None
        record.amount(scope, where.deeper("execution", "spent"), "execution.spent", "支出金额", old_spent, new_spent)
        record.text(
            scope,
            where.deeper("execution", "note"),
            "execution.note",
            _join("预算执行", "备注"),
            old_eval.execution.note if old_eval.execution else None,
            new_eval.execution.note if new_eval.execution else None,
        )
        self._results(scope, where, old_eval, new_eval)

    def _results(self, scope: Scope, where: _Where, old: ProjectEvaluation, new: ProjectEvaluation) -> None:
        for key, i, before, j, after in _keyed_pairs(old.results, new.results, lambda r: (r.indicator, r.period)):
            indicator, period = key
            here = where.split(("results", i), ("results", j))
            label = _join(
                "实际完成值", indicator.replace("/", SEPARATOR), PERIOD_TITLES[period] if period != "annual" else None
            )
            path = f"results[{indicator}|{period}]"
            self._target(
                scope,
                here.deeper("actual"),
                path,
                label,
                before.actual if before else None,
                after.actual if after else None,
                None,
                "result",
            )
            if before and after:
                self.record.text(
                    scope, here.deeper("note"), f"{path}.note", _join(label, "说明"), before.note, after.note
                )

    def _section_names(self) -> dict[SectionKey, str]:
        names: dict[SectionKey, str] = {}
        for side, year in ((self.old, self.old_year), (self.new, self.new_year)):
            fund_eval = side.content.fund_evaluations.get(year or 0)
            for section in fund_eval.sections if fund_eval else []:
                names[section.key] = section.name
        return names

    # ------------------------------------------------------------------ the fund-year

    def _fund(self) -> None:
        old = self.old.content.funds.get(self.old_year or 0)
        new = self.new.content.funds.get(self.new_year or 0)
        if old is None and new is None:
            return
        scope = Scope("fund", "")
        where = _Where(f"fund/{self.old_year}", f"fund/{self.new_year}")
        record = self.record
        if record.presence(
            "file",
            scope,
            where,
            "fund",
            "专项资金年度安排",
            f"{old.year}年" if old else None,
            f"{new.year}年" if new else None,
        ):
            return
        assert old is not None and new is not None
        record.amount(scope, where.deeper("budget"), "budget", "资金额度", old.budget, new.budget)
        for name in ("hierarchy", "department", "catalog", "targets_note"):
            title = type(new).model_fields[name].title or name
            record.walk(scope, where.deeper(name), name, title, getattr(old, name), getattr(new, name))
        for name in ("uses", "goals"):
            title = type(new).model_fields[name].title or name
            self._numbered_text(scope, where, name, title, getattr(old, name), getattr(new, name))
        for key, i, before, j, after in _keyed_pairs(old.directions, new.directions, lambda d: d.id):
            here = where.split(("directions", i), ("directions", j))
            label = _join("资金使用方向", (after or before).name)  # type: ignore[union-attr]
            if record.presence(
                "item",
                scope,
                here,
                f"directions[{key}]",
                label,
                before.name if before else None,
                after.name if after else None,
            ):
                continue
            record.walk(scope, here.deeper("name"), f"directions[{key}].name", label, before.name, after.name)  # type: ignore[union-attr]
        for key, i, before_r, j, after_r in _keyed_pairs(old.recoveries, new.recoveries, lambda r: r.project):
            here = where.split(("recoveries", i), ("recoveries", j))
            label = _join("收回资金", key)
            if record.presence(
                "item", scope, here, f"recoveries[{key}]", label, _recovery(before_r), _recovery(after_r)
            ):
                continue
            assert before_r is not None and after_r is not None
            record.amount(
                scope, here.deeper("amount"), f"recoveries[{key}].amount", label, before_r.amount, after_r.amount
            )
            for name in ("date", "reason"):
                title = type(after_r).model_fields[name].title or name
                record.walk(
                    scope,
                    here.deeper(name),
                    f"recoveries[{key}].{name}",
                    _join(label, title),
                    getattr(before_r, name),
                    getattr(after_r, name),
                )

    def _numbered_text(
        self, scope: Scope, where: _Where, name: str, title: str, old: str | None, new: str | None
    ) -> None:
        if old == new:
            return
        here = where.deeper(name)
        if self.record.presence("field", scope, here, name, title, old or None, new or None):
            return
        assert old is not None and new is not None
        self.compare_items(scope, where, name, (title, title), _text_items(old, (name,)), _text_items(new, (name,)))

    # ------------------------------------------------------------------ the fund evaluation

    def _fund_evaluation(self) -> None:
        old = self.old.content.fund_evaluations.get(self.old_year or 0)
        new = self.new.content.fund_evaluations.get(self.new_year or 0)
        if old is None and new is None:
            return
        if not self.revisions and (old is None or new is None):
            return  # between years, a year not (yet) evaluated is not a change of the evaluation
        scope = Scope("fund-evaluation", "")
        where = _Where(f"fund-evaluation/{self.old_year}", f"fund-evaluation/{self.new_year}")
        old_facts = self.old.facts.get(self.old_year or 0)
        new_facts = self.new.facts.get(self.new_year or 0)
        record = self.record
        if self.project is not None:
            if old is not None and new is not None:
                self._fund_indicators(scope, where, old, new, old_facts, new_facts)
            return
        if record.presence(
            "file",
            scope,
            where,
            "fund-evaluation",
            "专项资金绩效评价",
            _fund_summary(old_facts) if old else None,
            _fund_summary(new_facts) if new else None,
        ):
            return
        assert old is not None and new is not None
        if old_facts and new_facts:
            record.score_and_grade(
                scope,
                where.deeper("indicators"),
                "score",
                "综合得分",
                (old_facts.score, old_facts.grade),
                (new_facts.score, new_facts.grade),
            )
        record.walk(scope, where.deeper("title"), "title", "报告标题", old.title, new.title)
        for key, i, before, j, after in _keyed_pairs(old.sections, new.sections, lambda s: s.key):
            here = where.split(("sections", i), ("sections", j))
            label = _join("评价部分", (after or before).name)  # type: ignore[union-attr]
            if record.presence(
                "item",
                scope,
                here,
                f"sections[{key}]",
                label,
                plain(before) if before else None,
                plain(after) if after else None,
            ):
                continue
            record.walk(scope, here, f"sections[{key}]", label, before, after)
        self._fund_indicators(scope, where, old, new, old_facts, new_facts)
        record.walk(scope, where.deeper("level_texts"), "level_texts", "各级指标导语", old.level_texts, new.level_texts)
        record.walk(scope, where.deeper("narrative"), "narrative", "报告正文", old.narrative, new.narrative)

    def _fund_indicators(
        self,
        scope: Scope,
        where: _Where,
        old: FundEvaluation,
        new: FundEvaluation,
        old_facts: YearFacts | None,
        new_facts: YearFacts | None,
    ) -> None:
        def wanted(indicator: FundIndicator) -> bool:
            return self.project is None or indicator.project == self.project

        record = self.record
        for key, i, before, j, after in _keyed_pairs(old.indicators, new.indicators, lambda x: x.key, wanted):
            here = where.split(("indicators", i), ("indicators", j))
            either = after or before
            assert either is not None
            label = _join("专项资金绩效指标", either.name)
            path = f"indicators[{key}]"
            if record.presence(
                "item", scope, here, path, label, _fund_indicator_summary(before), _fund_indicator_summary(after)
            ):
                continue
            assert before is not None and after is not None
            for name in ("name", "analysis_name", "level1", "level2", "project", "method"):
                title = FundIndicator.model_fields[name].title or name
                record.walk(
                    scope,
                    here.deeper(name),
                    f"{path}.{name}",
                    _join(label, title),
                    getattr(before, name),
                    getattr(after, name),
                )
            self._target(
                scope,
                here.deeper("target"),
                f"{path}.target",
                _join(label, "预期值"),
                before.target,
                after.target,
                None,
                "target",
            )
            self._target(
                scope,
                here.deeper("actual"),
                f"{path}.actual",
                _join(label, "实际完成值"),
                before.actual,
                after.actual,
                None,
                "result",
            )
            record.amount(
                scope,
                here.deeper("points"),
                f"{path}.points",
                _join(label, "分值"),
                before.points,
                after.points,
                unit="分",
                kind=ChangeKind.SCORE,
                show=fmt.score_text,
            )
            old_score = (
                old_facts.indicator_scores[key].score if old_facts and key in old_facts.indicator_scores else None
            )
            new_score = (
                new_facts.indicator_scores[key].score if new_facts and key in new_facts.indicator_scores else None
            )
            record.amount(
                scope,
                here,
                f"{path}.score",
                _join(label, "得分"),
                old_score,
                new_score,
                unit="分",
                kind=ChangeKind.SCORE,
                show=fmt.score_text,
            )
            for name in ("result", "override", "analysis", "explanation"):
                title = FundIndicator.model_fields[name].title or name
                record.walk(
                    scope,
                    here.deeper(name),
                    f"{path}.{name}",
                    _join(label, title),
                    getattr(before, name),
                    getattr(after, name),
                )


# ---------------------------------------------------------------------------- notices and configuration


class _GeneralComparer:
    """What belongs to no fund-year: the notices and the configuration files."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old, self.new = old, new
        self.record = _Recorder(old, new)

    def compare(self) -> list[Change]:
        self._config("site.yaml", "site", "网站设置", self.old.content.site, self.new.content.site)
        for name, title in (("hierarchy.yaml", "指标体系"), ("scoring.yaml", "评分规则")):
            stem = name.removesuffix(".yaml")
            self._config(name, stem, title, getattr(self.old.content, stem), getattr(self.new.content, stem))
        old_notices = {n.slug: n for n in self.old.content.notices}
        new_notices = {n.slug: n for n in self.new.content.notices}
        for slug in _union(sorted(old_notices), sorted(new_notices)):
            self._notice(slug, old_notices.get(slug), new_notices.get(slug))
        return self.record.changes

    def _config(self, name: str, key: str, title: str, old: BaseModel | None, new: BaseModel | None) -> None:
        scope = Scope("config", name)
        where = _Where(self.old.config(name), self.new.config(name))
        if self.record.presence(
            "file", scope, where, key, title, plain(old) if old else None, plain(new) if new else None
        ):
            return
        self.record.walk(scope, where, key, title, old, new)

    def _notice(self, slug: str, old: Notice | None, new: Notice | None) -> None:
        scope = Scope("notice", slug)
        where = _Where(f"notice/{slug}", f"notice/{slug}")
        record = self.record
        if record.presence(
            "file", scope, where, "notice", "通知", old.meta.title if old else None, new.meta.title if new else None
        ):
            return
        assert old is not None and new is not None
        record.walk(scope, where, "meta", "", old.meta, new.meta)
        if old.body != new.body:
            old_line, new_line = _first_difference(old.body, new.body)
            old_path, new_path = (s.content.files.get(f"notice/{slug}") for s in (self.old, self.new))
            assert old_path is not None and new_path is not None
            record.add(
                ChangeKind.FIELD,
                scope,
                where,
                "body",
                "正文",
                old.body,
                new.body,
                old_at=Location(old_path, old.body_line + old_line),
                new_at=Location(new_path, new.body_line + new_line),
                text=char_diff(old.body, new.body),
            )


def _first_difference(old: str, new: str) -> tuple[int, int]:
    """The 0-based line, in each text, of the first line that differs."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    index = 0
    while index < min(len(old_lines), len(new_lines)) and old_lines[index] == new_lines[index]:
        index += 1
    return min(index, len(old_lines) - 1), min(index, len(new_lines) - 1)


# ---------------------------------------------------------------------------- goal items


@dataclass(frozen=True, slots=True)
class _Item:
    """An item of a text (a numbered paragraph) or a row of a goal's table, and where it stands."""

    item: TextItem
    loc: Path_
    in_text: bool
    name: str  # "1", "row2", "text"
    label: str  # 第1项, 表格第2行, ""


def _text_items(text: str | None, loc: Path_) -> list[_Item]:
    items = []
    for index, item in enumerate(numbered_items(text or "")):
        name = str(item.number) if item.number is not None else ("text" if index == 0 else f"text{index}")
        label = f"第{item.number}项" if item.number is not None else ""
        items.append(_Item(item, loc, True, name, label))
    return items


def _goal_items(goal: Goal, loc: Path_) -> list[_Item]:
    items = _text_items(goal.text, (*loc, "text"))
    if goal.table is not None:
        for index, row in enumerate(goal.table.rows):
            text = " | ".join(row)
            items.append(
                _Item(
                    TextItem(None, text, 0, 1),
                    (*loc, "table", "rows", index),
                    False,
                    f"row{index + 1}",
                    f"表格第{index + 1}行",
                )
            )
    return items


def _goal_text(goal: Goal) -> str:
    parts = [goal.text] if goal.text else []
    if goal.table is not None:
        parts.append(" | ".join(goal.table.columns))
        parts.extend(" | ".join(row) for row in goal.table.rows)
    return "\n".join(parts) or "（空）"


# ---------------------------------------------------------------------------- indicators


@dataclass(frozen=True, slots=True)
class _Flat:
    """An indicator of the table with its place in the standard hierarchy."""

    indicator: Indicator
    loc: Path_
    level1: str  # as written
    level2: str
    placement: tuple[str, str]  # (一级, 二级) in the standard hierarchy (or as written when outside it)

    @property
    def name(self) -> str:
        return self.indicator.name or ""

    @property
    def label(self) -> str:
        return _join(self.level1, self.level2, self.name or "（无名称）", self.indicator.measure)

    @property
    def path(self) -> str:
        return "/".join((*self.placement, self.name, *([self.indicator.measure] if self.indicator.measure else [])))

    @property
    def name_key(self) -> tuple[str, str]:
        return ("".join(self.name.split()), "".join((self.indicator.measure or "").split()))


@dataclass(frozen=True, slots=True)
class _IndicatorPair:
    old: _Flat
    new: _Flat
    matched_by: Literal["key", "name", "similarity"]
    similarity: Decimal | None = None


def _flatten(project: Project, hierarchy: Hierarchy) -> Iterator[_Flat]:
    for ci, category in enumerate(project.indicators):
        for gi, group in enumerate(category.groups):
            placement = hierarchy.place(category.level1, group.level2)
            standard = (
                (placement.level1, placement.level2 or group.level2)
                if placement
                else ("".join(category.level1.split()), "".join(group.level2.split()))
            )
            for ii, item in enumerate(group.items):
                loc: Path_ = ("indicators", ci, "groups", gi, "items", ii)
                yield _Flat(item, loc, category.level1, group.level2, standard)


def _match_indicators(old: list[_Flat], new: list[_Flat]) -> list[_IndicatorPair]:
    """Pairs by explicit key, then by hierarchy and name, then by name alone, then similar names."""
    pairs: list[_IndicatorPair] = []
    free_old, free_new = list(old), list(new)

    def take(matcher: Callable[[_Flat], object], matched_by: Literal["key", "name"]) -> None:
        nonlocal free_old, free_new
        by_key: dict[object, list[_Flat]] = {}
        for item in free_new:
            key = matcher(item)
            if key is not None:
                by_key.setdefault(key, []).append(item)
        used_old: set[int] = set()
        used_new: set[int] = set()
        for item in free_old:
            key = matcher(item)
            candidates = by_key.get(key, []) if key is not None else []
            if candidates:
                partner = candidates.pop(0)
                pairs.append(_IndicatorPair(item, partner, matched_by))
                used_old.add(id(item))
                used_new.add(id(partner))
        free_old = [i for i in free_old if id(i) not in used_old]
        free_new = [i for i in free_new if id(i) not in used_new]

    take(lambda item: item.indicator.key, "key")
    take(lambda item: (item.placement, item.name_key), "name")
    take(lambda item: item.name_key if item.name else None, "name")
    similar = pair_by_similarity(
        [item.label for item in free_old],
        [item.label for item in free_new],
        RENAME_SIMILARITY,
        lambda i, j: free_old[i].placement[0] == free_new[j].placement[0],
    )
    for i, j, score in similar:
        pairs.append(_IndicatorPair(free_old[i], free_new[j], "similarity", score))
    order = {id(item): index for index, item in enumerate(new)}
    return sorted(pairs, key=lambda pair: order[id(pair.new)])


def _indicator_values(indicator: Indicator) -> str:
    values = [f"{PERIOD_TITLES[p]}：{v}" for p in PERIODS if (v := indicator.value(p))]
    return "；".join(values) or "（无目标值）"


# ---------------------------------------------------------------------------- small summaries


_KIND_TITLES = {Kind.QUANTITATIVE: "定量", Kind.QUALITATIVE: "定性", Kind.EMPTY: "空"}


def _total(projects: Iterable[Project]) -> Decimal:
    return sum((amount for p in projects if (amount := _amount_of(p)[0]) is not None), Decimal(0))


def _evaluation_summary(facts: ProjectFacts | None) -> str:
    if facts is None or facts.total is None:
        return "已评价"
    return f"总分{fmt.score_text(facts.total)}分，{facts.grade}"


def _fund_summary(facts: YearFacts | None) -> str:
    if facts is None or facts.score is None:
        return "专项资金绩效评价"
    return f"综合得分{fmt.score_text(facts.score)}分，{facts.grade}"


def _fund_indicator_summary(indicator: FundIndicator | None) -> str | None:
    if indicator is None:
        return None
    parts = [indicator.name]
    if indicator.target:
        parts.append(f"预期值{indicator.target}")
    if indicator.actual:
        parts.append(f"实际{indicator.actual}")
    parts.append(f"分值{fmt.score_text(indicator.points)}")
    return "，".join(parts)


def _recovery(recovery: Any) -> str | None:
    if recovery is None:
        return None
    return f"{fmt.money_text(recovery.amount)}万元（{recovery.date}）"
