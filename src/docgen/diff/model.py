"""What a semantic diff reports (变化): the data every output (terminal, Markdown, JSON, HTML) shows.

A :class:`DiffResult` compares two sides (two years of the content, or two git revisions)
and holds one :class:`Comparison` per pair of fund-years compared, plus the changes that
belong to no year (notices, configuration). Every difference carries where it stands in the
content: the file and line of the NEW side where the thing exists there, else of the OLD side.

Every type here is immutable and has :meth:`mirrored`: the same difference seen from the
other side (added ↔ removed, old ↔ new, raised ↔ lowered, tightened ↔ loosened), so that
``diff(B, A) == diff(A, B).mirrored()`` can be tested.

The JSON form (:meth:`DiffResult.to_json`) is documented in docs/diff.md and has a JSON
Schema in schemas/diff.schema.json; its ``schema`` field names its version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum
from typing import Any, Literal

from docgen.facts.target_values import Bound

JSON_SCHEMA_VERSION = "docgen-diff/1"


class DiffError(Exception):
    """A diff that cannot be made (unknown year or revision, content with errors); the message says why."""


EXACT_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
"""Wide enough for any amount times its multiplier (10⁹ 万元 with 6 decimals × 10¹²)."""

RATIO_PLACES = Decimal("0.000001")
"""Ratios in JSON carry six decimals (0.185185 = +18.5%)."""


class ChangeKind(StrEnum):
    """What kind of difference a :class:`Change` is; the values are the stable JSON codes."""

    AMOUNT = "amount-changed"  # money: 分配金额 / 申报金额 / 预算 / 支出 / 收回
    FIELD_ADDED = "field-added"
    FIELD_REMOVED = "field-removed"
    FIELD = "field-changed"  # any other value: 申报单位, 项目名称, 目标时限 …
    GOAL_ADDED = "goal-added"
    GOAL_REMOVED = "goal-removed"
    GOAL_ITEM_ADDED = "goal-item-added"
    GOAL_ITEM_REMOVED = "goal-item-removed"
    GOAL_ITEM = "goal-item-changed"
    INDICATOR_TABLE_ADDED = "indicator-table-added"
    INDICATOR_TABLE_REMOVED = "indicator-table-removed"
    INDICATOR_ADDED = "indicator-added"
    INDICATOR_REMOVED = "indicator-removed"
    INDICATOR_RENAMED = "indicator-renamed"
    INDICATOR_MOVED = "indicator-moved"
    TARGET_ADDED = "target-added"
    TARGET_REMOVED = "target-removed"
    TARGET = "target-changed"
    EVALUATION_ADDED = "evaluation-added"
    EVALUATION_REMOVED = "evaluation-removed"
    SCORE = "score-changed"
    GRADE = "grade-changed"
    RATE = "rate-changed"
    RESULT_ADDED = "result-added"
    RESULT_REMOVED = "result-removed"
    RESULT = "result-changed"
    ITEM_ADDED = "item-added"  # a keyed entry of a list: 资金使用方向, 收回, 专项资金绩效指标, 评价部分
    ITEM_REMOVED = "item-removed"
    FILE_ADDED = "file-added"  # a whole file: a fund-year, a fund evaluation, a notice, a configuration file
    FILE_REMOVED = "file-removed"
    FILE = "file-changed"  # a file docgen does not read (an attachment), changed


_MIRROR_KIND: dict[ChangeKind, ChangeKind] = {
    ChangeKind.FIELD_ADDED: ChangeKind.FIELD_REMOVED,
    ChangeKind.GOAL_ADDED: ChangeKind.GOAL_REMOVED,
    ChangeKind.GOAL_ITEM_ADDED: ChangeKind.GOAL_ITEM_REMOVED,
    ChangeKind.INDICATOR_TABLE_ADDED: ChangeKind.INDICATOR_TABLE_REMOVED,
    ChangeKind.INDICATOR_ADDED: ChangeKind.INDICATOR_REMOVED,
    ChangeKind.TARGET_ADDED: ChangeKind.TARGET_REMOVED,
    ChangeKind.EVALUATION_ADDED: ChangeKind.EVALUATION_REMOVED,
    ChangeKind.RESULT_ADDED: ChangeKind.RESULT_REMOVED,
    ChangeKind.ITEM_ADDED: ChangeKind.ITEM_REMOVED,
    ChangeKind.FILE_ADDED: ChangeKind.FILE_REMOVED,
}
_MIRROR_KIND.update({v: k for k, v in list(_MIRROR_KIND.items())})


class Verdict(StrEnum):
    """The direction of a change of meaning (变化方向)."""

    TIGHTENED = "tightened"  # 收紧: harder to meet (≥ raised, ≤ lowered, ≥ → >)
    LOOSENED = "loosened"  # 放宽
    RAISED = "raised"  # 提高: a plain number (amount, score, actual value) went up
    LOWERED = "lowered"  # 降低
    CHANGED = "changed"  # 改变: changed without a direction (= moved, a range shifted, mixed directions)
    NOT_COMPARABLE = "not-comparable"  # 不可比: the unit (家 → 亿元) or the sense (≥ → ≤) changed
    ADDED = "added"  # 新增 (a quantity only the new text states)
    REMOVED = "removed"  # 删除
    UNCHANGED = "unchanged"

    def mirrored(self) -> Verdict:
        return _MIRROR_VERDICT.get(self, self)


_MIRROR_VERDICT = {
    Verdict.TIGHTENED: Verdict.LOOSENED,
    Verdict.LOOSENED: Verdict.TIGHTENED,
    Verdict.RAISED: Verdict.LOWERED,
    Verdict.LOWERED: Verdict.RAISED,
    Verdict.ADDED: Verdict.REMOVED,
    Verdict.REMOVED: Verdict.ADDED,
}


def combined_verdict(verdicts: list[Verdict]) -> Verdict | None:
    """One verdict for several quantities: the common one, else CHANGED; None when nothing moved."""
    moved = {v for v in verdicts if v is not Verdict.UNCHANGED}
    if not moved:
        return None
    return moved.pop() if len(moved) == 1 else Verdict.CHANGED


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where a value stands in the content: ``content/projects/2024/x.yaml:42``."""

    path: str  # relative to the project root, as diagnostics print it
    line: int = 0  # 1-based; 0 when not looked up (compare_years(located=False))
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.col}


@dataclass(frozen=True, slots=True, order=True)
class Scope:
    """What a change belongs to: a project, its evaluation, the fund-year, a notice, a configuration file."""

    kind: Literal["project", "evaluation", "fund", "fund-evaluation", "notice", "config", "file"]
    key: str  # the project id, the notice slug, the file name; "" for the fund-year and its evaluation

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key}


@dataclass(frozen=True, slots=True)
class NumberChange:
    """One number compared (数值变化): an amount, a score, or the number of a target's bound.

    ``old`` and ``new`` are as written, in their own units (``135`` 亿元); the scales turn them
    into base numbers, so that ``1亿元 → 12,000万元`` compares; the difference is shown in the
    new side's unit.
    """

    old: Decimal
    new: Decimal
    old_unit: str = ""
    new_unit: str = ""
    old_scale: Decimal = Decimal(1)
    new_scale: Decimal = Decimal(1)

    @property
    def old_base(self) -> Decimal:
        return EXACT_CONTEXT.multiply(self.old, self.old_scale)

    @property
    def new_base(self) -> Decimal:
        return EXACT_CONTEXT.multiply(self.new, self.new_scale)

    @property
    def delta(self) -> Decimal:
        """new − old, in the unit of the new side (``+25`` 亿元)."""
        return EXACT_CONTEXT.divide(EXACT_CONTEXT.subtract(self.new_base, self.old_base), self.new_scale)

    @property
    def delta_unit(self) -> str:
        return self.new_unit or self.old_unit

    @property
    def ratio(self) -> Decimal | None:
        """(new − old) ÷ old; None when old is 0."""
        if self.old_base.is_zero():
            return None
        return EXACT_CONTEXT.divide(EXACT_CONTEXT.subtract(self.new_base, self.old_base), self.old_base)

    @property
    def direction(self) -> Verdict:
        if self.new_base > self.old_base:
            return Verdict.RAISED
        if self.new_base < self.old_base:
            return Verdict.LOWERED
        return Verdict.UNCHANGED

    def mirrored(self) -> NumberChange:
        return NumberChange(self.new, self.old, self.new_unit, self.old_unit, self.new_scale, self.old_scale)

    def to_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "old": _number(self.old),
            "new": _number(self.new),
            "old_unit": self.old_unit,
            "new_unit": self.new_unit,
            "delta": _number(self.delta),
            "unit": self.delta_unit,
            "ratio": _number(ratio.quantize(RATIO_PLACES)) if ratio is not None else None,
            "direction": self.direction.value,
        }


@dataclass(frozen=True, slots=True)
class BoundChange:
    """One quantity of a target or goal text compared with its counterpart (≥135亿元 → ≥160亿元)."""

    old: Bound | None
    new: Bound | None
    verdict: Verdict
    number: NumberChange | None = None  # when both exist and are comparable
    high: NumberChange | None = None  # the upper ends of two ranges
    comparator_changed: bool = False
    unit_changed: bool = False  # the base unit differs: not comparable (家 → 亿元)

    def mirrored(self) -> BoundChange:
        return BoundChange(
            self.new,
            self.old,
            self.verdict.mirrored(),
            self.number.mirrored() if self.number else None,
            self.high.mirrored() if self.high else None,
            self.comparator_changed,
            self.unit_changed,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "old": _bound_json(self.old),
            "new": _bound_json(self.new),
            "verdict": self.verdict.value,
            "number": self.number.to_json() if self.number else None,
            "high": self.high.to_json() if self.high else None,
            "comparator_changed": self.comparator_changed,
            "unit_changed": self.unit_changed,
        }


@dataclass(frozen=True, slots=True)
class TextEdit:
    """One run of a character-level diff: kept, deleted or inserted text."""

    op: Literal["equal", "delete", "insert"]
    text: str

    def to_json(self) -> list[str]:
        return [self.op, self.text]


def mirror_edits(edits: tuple[TextEdit, ...]) -> tuple[TextEdit, ...]:
    """The edits from new to old: deletions become insertions, each replacement stays delete-first."""
    swapped = [
        TextEdit("insert" if e.op == "delete" else "delete" if e.op == "insert" else "equal", e.text) for e in edits
    ]
    result: list[TextEdit] = []
    index = 0
    while index < len(swapped):
        run = []
        while index < len(swapped) and swapped[index].op != "equal":
            run.append(swapped[index])
            index += 1
        result.extend(e for e in run if e.op == "delete")
        result.extend(e for e in run if e.op == "insert")
        if index < len(swapped):
            result.append(swapped[index])
            index += 1
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference of meaning, and where it stands (一处变化).

    ``label`` says in the bureau's words what changed (年度目标 第1项; 效益指标 › 经济效益 ›
    实现融资金额总量 · 年度目标值); ``path`` is the same as a stable machine path
    (``goals.annual.items[1]``). ``old`` and ``new`` are the values as written (None where
    absent). The optional parts hold the analysis: ``amount`` for money and scores,
    ``quantities`` for the amounts of a target or goal text, ``text`` for a character-level
    diff, ``similarity`` for an indicator that looks renamed.
    """

    kind: ChangeKind
    scope: Scope
    path: str
    label: str
    old: str | None
    new: str | None
    old_at: Location | None
    new_at: Location | None
    verdict: Verdict | None = None
    amount: NumberChange | None = None
    quantities: tuple[BoundChange, ...] = ()
    text: tuple[TextEdit, ...] = ()
    similarity: Decimal | None = None  # 0..1, for an indicator matched by similar names
    matched_by: Literal["key", "name", "similarity"] | None = None
    period: tuple[str | None, str | None] | None = None  # the goal's 时限 when it changed (7月底前 → 6月底前)
    notes: tuple[str, ...] = ()  # short remarks in the bureau's words (金额口径：申报金额 → 分配金额)

    @property
    def location(self) -> Location:
        """Where to look: in NEW where the thing exists, else in OLD."""
        where = self.new_at or self.old_at
        assert where is not None, "every change has a location"
        return where

    def mirrored(self) -> Change:
        return replace(
            self,
            kind=_MIRROR_KIND.get(self.kind, self.kind),
            old=self.new,
            new=self.old,
            old_at=self.new_at,
            new_at=self.old_at,
            verdict=self.verdict.mirrored() if self.verdict else None,
            amount=self.amount.mirrored() if self.amount else None,
            quantities=tuple(q.mirrored() for q in self.quantities),
            text=mirror_edits(self.text),
            period=(self.period[1], self.period[0]) if self.period else None,
            notes=tuple(_mirror_note(n) for n in self.notes),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "scope": self.scope.to_json(),
            "path": self.path,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "location": self.location.to_json(),
            "old_location": self.old_at.to_json() if self.old_at else None,
            "new_location": self.new_at.to_json() if self.new_at else None,
            "verdict": self.verdict.value if self.verdict else None,
            "amount": self.amount.to_json() if self.amount else None,
            "quantities": [q.to_json() for q in self.quantities],
            "text": [e.to_json() for e in self.text],
            "similarity": _number(self.similarity) if self.similarity is not None else None,
            "matched_by": self.matched_by,
            "period": list(self.period) if self.period else None,
            "notes": list(self.notes),
        }


def _mirror_note(note: str) -> str:
    """Notes that name a direction (``A → B``) read the other way round when mirrored."""
    head, sep, tail = note.partition("：")
    if sep and " → " in tail:
        left, _, right = tail.partition(" → ")
        return f"{head}{sep}{right} → {left}"
    return note


@dataclass(frozen=True, slots=True)
class ProjectEntry:
    """A project that starts or ends between the two sides (新增 / 删除 项目), with its amount."""

    id: str
    name: str
    amount: Decimal | None
    basis: Literal["allocated", "requested"] | None  # which amount: 分配金额, else 申报金额
    at: Location

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "amount": _number(self.amount) if self.amount is not None else None,
            "basis": self.basis,
            "location": self.at.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Totals:
    """The computed size of a fund-year on each side: its projects and their amounts (合计)."""

    old_projects: int
    new_projects: int
    old_amount: Decimal
    new_amount: Decimal

    @property
    def amount(self) -> NumberChange:
        return NumberChange(self.old_amount, self.new_amount, "万元", "万元")

    def mirrored(self) -> Totals:
        return Totals(self.new_projects, self.old_projects, self.new_amount, self.old_amount)

    def to_json(self) -> dict[str, Any]:
        return {
            "old_projects": self.old_projects,
            "new_projects": self.new_projects,
            "amount": self.amount.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """One fund-year compared with another (2023 → 2024), or with itself at two revisions."""

    old_year: int | None  # None: the year is not in the old side
    new_year: int | None
    totals: Totals
    added: tuple[ProjectEntry, ...] = ()  # 新增项目
    removed: tuple[ProjectEntry, ...] = ()  # 删除（结束）项目
    continued: tuple[str, ...] = ()  # 延续项目: ids on both sides, changed or not
    changes: tuple[Change, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # (id, name) of the continued projects, as the NEW side names them

    def name_of(self, project_id: str) -> str:
        """A project's name as the NEW side gives it (the id when unknown)."""
        for entry in (*self.added, *self.removed):
            if entry.id == project_id:
                return entry.name
        return dict(self.names).get(project_id, project_id)

    @property
    def difference_count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changes)

    @property
    def changed_projects(self) -> tuple[str, ...]:
        """The continued projects with at least one change (their own, or their evaluation's)."""
        keys = {c.scope.key for c in self.changes if c.scope.kind in ("project", "evaluation")}
        return tuple(p for p in self.continued if p in keys)

    @property
    def title(self) -> str:
        if self.old_year == self.new_year:
            return f"{self.new_year}年"
        return f"{_year(self.old_year)} → {_year(self.new_year)}"

    def mirrored(self) -> Comparison:
        return Comparison(
            self.new_year,
            self.old_year,
            self.totals.mirrored(),
            self.removed,
            self.added,
            self.continued,
            tuple(c.mirrored() for c in self.changes),
            self.names,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "old_year": self.old_year,
            "new_year": self.new_year,
            "totals": self.totals.to_json(),
            "added": [p.to_json() for p in self.added],
            "removed": [p.to_json() for p in self.removed],
            "continued": list(self.continued),
            "changed": list(self.changed_projects),
            "names": dict(self.names),
            "changes": [c.to_json() for c in self.changes],
        }


def _year(year: int | None) -> str:
    return f"{year}年" if year is not None else "（无）"


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a diff: a year of the working content, a git revision, or the working tree."""

    label: str  # "2023", "origin/main", "working tree"
    kind: Literal["year", "revision", "working-tree"]
    commit: str | None = None  # the full commit id of a revision

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "commit": self.commit}


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Everything that differs between two sides (差异报告)."""

    old: Side
    new: Side
    comparisons: tuple[Comparison, ...] = ()
    changes: tuple[Change, ...] = ()  # not tied to a fund-year: notices, configuration, other files
    project: str | None = None  # the --project the diff was narrowed to

    @property
    def difference_count(self) -> int:
        return sum(c.difference_count for c in self.comparisons) + len(self.changes)

    @property
    def has_differences(self) -> bool:
        return self.difference_count > 0

    def all_changes(self) -> list[Change]:
        return [c for comparison in self.comparisons for c in comparison.changes] + list(self.changes)

    def mirrored(self) -> DiffResult:
        return DiffResult(
            self.new,
            self.old,
            tuple(c.mirrored() for c in self.comparisons),
            tuple(c.mirrored() for c in self.changes),
            self.project,
        )

    def counts(self) -> dict[str, int]:
        """How many of each kind of difference (and projects added/removed/continued/changed)."""
        counts = {
            "projects_added": sum(len(c.added) for c in self.comparisons),
            "projects_removed": sum(len(c.removed) for c in self.comparisons),
            "projects_continued": sum(len(c.continued) for c in self.comparisons),
            "projects_changed": sum(len(c.changed_projects) for c in self.comparisons),
            "changes": len(self.all_changes()),
        }
        for change in self.all_changes():
            counts[change.kind.value] = counts.get(change.kind.value, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": JSON_SCHEMA_VERSION,
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "project": self.project,
            "differences": self.difference_count,
            "summary": self.counts(),
            "comparisons": [c.to_json() for c in self.comparisons],
            "changes": [c.to_json() for c in self.changes],
        }


def _number(value: Decimal) -> str:
    """A number in JSON: a string with its exact decimals (money never passes through float)."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{value.normalize():f}"


def _bound_json(bound: Bound | None) -> dict[str, Any] | None:
    if bound is None:
        return None
    return {
        "comparator": bound.comparator.value,
        "number": _number(bound.number),
        "high": _number(bound.high) if bound.high is not None else None,
        "unit": bound.unit,
        "base_unit": bound.base_unit,
        "label": bound.label,
    }
