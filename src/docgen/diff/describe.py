"""How a difference is put into words: the vocabulary every output (terminal, Markdown, HTML) shares.

The outputs differ in markup only; what they say about a change comes from here, in the
bureau's words (新增, 删除, 收紧, 放宽, 单位不同，不可比, 疑似更名), with figures formatted by
:mod:`docgen.facts.format`. Nothing here escapes or styles text: each output does that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from docgen.diff.model import (
    BoundChange,
    Change,
    ChangeKind,
    Comparison,
    DiffResult,
    Location,
    NumberChange,
    ProjectEntry,
    Scope,
    Side,
    Verdict,
)
from docgen.facts import format as fmt
from docgen.facts.target_values import Bound

VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.TIGHTENED: "收紧",
    Verdict.LOOSENED: "放宽",
    Verdict.RAISED: "提高",
    Verdict.LOWERED: "降低",
    Verdict.CHANGED: "改变",
    Verdict.NOT_COMPARABLE: "单位不同，不可比",
    Verdict.ADDED: "新增",
    Verdict.REMOVED: "删除",
    Verdict.UNCHANGED: "未变",
}
"""Verdicts in the bureau's words (the JSON keeps the English codes)."""

ACTION_WORDS: dict[ChangeKind, str] = {
    ChangeKind.FIELD_ADDED: "新增",
    ChangeKind.GOAL_ADDED: "新增",
    ChangeKind.GOAL_ITEM_ADDED: "新增",
    ChangeKind.INDICATOR_TABLE_ADDED: "新增",
    ChangeKind.INDICATOR_ADDED: "新增指标",
    ChangeKind.TARGET_ADDED: "新增",
    ChangeKind.EVALUATION_ADDED: "新增",
    ChangeKind.RESULT_ADDED: "新增",
    ChangeKind.ITEM_ADDED: "新增",
    ChangeKind.FILE_ADDED: "新增",
    ChangeKind.FIELD_REMOVED: "删除",
    ChangeKind.GOAL_REMOVED: "删除",
    ChangeKind.GOAL_ITEM_REMOVED: "删除",
    ChangeKind.INDICATOR_TABLE_REMOVED: "删除",
    ChangeKind.INDICATOR_REMOVED: "删除指标",
    ChangeKind.TARGET_REMOVED: "删除",
    ChangeKind.EVALUATION_REMOVED: "删除",
    ChangeKind.RESULT_REMOVED: "删除",
    ChangeKind.ITEM_REMOVED: "删除",
    ChangeKind.FILE_REMOVED: "删除",
    ChangeKind.INDICATOR_MOVED: "移动",
}
"""The action a change is, when it is not simply “修改”."""

SCOPE_TITLES = {
    "fund": "专项资金年度安排",
    "fund-evaluation": "专项资金绩效评价",
    "notice": "通知",
    "config": "配置",
    "file": "其他文件",
}

DIFF_CONTEXT = 24
"""Characters of unchanged text kept on each side of a change in a shortened text diff."""


def action(change: Change) -> str:
    """新增 / 删除 / 修改 / 疑似更名 / 更名 / 移动."""
    if change.kind is ChangeKind.INDICATOR_RENAMED:
        return "疑似更名" if change.matched_by == "similarity" else "更名"
    return ACTION_WORDS.get(change.kind, "修改")


def state(change: Change) -> str:
    """added | removed | changed: how the change is coloured."""
    word = ACTION_WORDS.get(change.kind, "")
    if word.startswith("新增"):
        return "added"
    if word.startswith("删除"):
        return "removed"
    return "changed"


def side_title(side: Side) -> str:
    if side.kind == "year":
        return f"{side.label}年"
    if side.kind == "working-tree":
        return "工作区（未提交）"
    return side.label


def result_title(result: DiffResult) -> str:
    title = f"{side_title(result.old)} → {side_title(result.new)}"
    return f"{title}（项目 {result.project}）" if result.project else title


def delta_text(number: NumberChange) -> str:
    """+25亿元，+18.5%; −464.44万元，−39.0%; +5分 (no percentage when the old value is 0)."""
    delta = fmt.signed_delta(number.delta, number.delta_unit)
    ratio = number.ratio
    return f"{delta}，{fmt.signed_percent(ratio)}" if ratio is not None else delta


def bound_text(bound: Bound) -> str:
    """A bound as a short figure: ≥135亿元, 1–2场, 支出100%."""
    comparator = bound.comparator.value if bound.comparator.value not in ("", "~") else ""
    number = fmt.money_text(bound.number)
    if bound.high is not None:
        number = f"{number}–{fmt.money_text(bound.high)}"
    return f"{comparator}{number}{bound.unit}"


def quantity_text(quantity: BoundChange) -> str:
    """135亿元 → 160亿元：+25亿元（+18.5%），收紧."""
    label = _short_label(quantity.new or quantity.old)
    prefix = f"{label} " if label else ""
    if quantity.old is None and quantity.new is not None:
        return f"{prefix}新增 {bound_text(quantity.new)}"
    if quantity.new is None and quantity.old is not None:
        return f"{prefix}删除 {bound_text(quantity.old)}"
    assert quantity.old is not None and quantity.new is not None
    text = f"{prefix}{bound_text(quantity.old)} → {bound_text(quantity.new)}"
    details = []
    if quantity.number is not None and quantity.number.delta:
        details.append(delta_text(quantity.number))
    if quantity.comparator_changed:
        details.append("比较方式改变")
    details.append(VERDICT_WORDS[quantity.verdict])
    return f"{text}：{'，'.join(details)}"


def _short_label(bound: Bound | None, limit: int = 6) -> str:
    """The last words before an amount (…合作规模), enough to tell several amounts apart."""
    if bound is None or not bound.label:
        return ""
    label = bound.label
    return label if len(label) <= limit else "…" + label[-limit:]


def headline(change: Change) -> str:
    """What happened, in one short phrase after the label: 收紧 / 新增 / 疑似更名（相似度 77%）."""
    parts = [action(change)]
    if change.verdict is not None and change.kind not in (ChangeKind.INDICATOR_RENAMED,):
        word = VERDICT_WORDS[change.verdict]
        parts = [word] if parts == ["修改"] else [*parts, word]
    if change.similarity is not None:
        parts.append(f"相似度 {fmt.percent(change.similarity)}")
    return "，".join(parts)


def details(change: Change) -> list[str]:
    """The lines that explain a change: amounts, quantities, period, notes (no text diff)."""
    lines: list[str] = []
    if change.amount is not None:
        lines.append(f"{change.old} → {change.new}：{delta_text(change.amount)}")
    lines.extend(quantity_text(q) for q in change.quantities)
    if change.period is not None:
        lines.append(f"时限：{change.period[0] or '（无）'} → {change.period[1] or '（无）'}")
    lines.extend(change.notes)
    return lines


def has_text_diff(change: Change) -> bool:
    return any(edit.op != "equal" for edit in change.text)


REWRITE_BELOW = 0.5
"""A text keeping less than this share of its characters is shown old and new in full, not as edits."""


def is_rewrite(change: Change) -> bool:
    """Whether the text was rewritten rather than edited (its character diff would be noise)."""
    kept = sum(len(e.text) for e in change.text if e.op == "equal")
    total = sum(len(e.text) for e in change.text) + kept
    return total > 0 and 2 * kept / total < REWRITE_BELOW


def value_text(change: Change) -> str | None:
    """For an addition or removal: the value added or removed."""
    if change.old is None:
        return change.new
    if change.new is None:
        return change.old
    return None


def entry_text(entry: ProjectEntry) -> str:
    """汕尾…项目 330万元（分配金额）."""
    if entry.amount is None:
        return entry.name
    basis = {"allocated": "分配金额", "requested": "申报金额"}.get(entry.basis or "", "")
    return f"{entry.name} {fmt.money_text(entry.amount)}万元" + (f"（{basis}）" if basis != "分配金额" else "")


def totals_text(comparison: Comparison) -> str:
    """项目 13 → 5，金额合计 3,901 → 2,355.4万元（−1,545.6万元，−39.6%）."""
    totals = comparison.totals
    amount = totals.amount
    text = f"项目 {totals.old_projects} → {totals.new_projects}，金额合计 {fmt.money_text(totals.old_amount)}"
    text += f" → {fmt.money_text(totals.new_amount)}万元"
    if amount.delta:
        text += f"（{delta_text(amount)}）"
    return text


def counts_text(comparison: Comparison) -> str:
    """新增项目 4，结束项目 12，延续项目 1（有变化 1），变化 12 处."""
    parts = []
    if comparison.old_year != comparison.new_year:
        parts += [f"新增项目 {len(comparison.added)}", f"结束项目 {len(comparison.removed)}"]
        parts.append(f"延续项目 {len(comparison.continued)}（有变化 {len(comparison.changed_projects)}）")
    else:
        if comparison.added:
            parts.append(f"新增项目 {len(comparison.added)}")
        if comparison.removed:
            parts.append(f"删除项目 {len(comparison.removed)}")
        parts.append(f"有变化的项目 {len(comparison.changed_projects)}")
    parts.append(f"变化 {len(comparison.changes)} 处")
    return "，".join(parts)


def summary_text(result: DiffResult) -> str:
    """The one line a reader sees first."""
    if not result.has_differences:
        return "没有变化。"
    counts = result.counts()
    parts = [f"共 {result.difference_count} 处差异"]
    if counts["projects_added"]:
        parts.append(f"新增项目 {counts['projects_added']}")
    if counts["projects_removed"]:
        parts.append(f"结束/删除项目 {counts['projects_removed']}")
    parts.append(f"有变化的项目 {counts['projects_changed']}")
    targets = sum(
        counts.get(k.value, 0) for k in (ChangeKind.TARGET, ChangeKind.TARGET_ADDED, ChangeKind.TARGET_REMOVED)
    )
    if targets:
        parts.append(f"目标值变化 {targets}")
    return "，".join(parts) + "。"


@dataclass(frozen=True, slots=True)
class Group:
    """The changes of one project (or of the fund-year, a notice …) under one heading."""

    scope: Scope
    title: str
    key: str  # the id, slug or file name shown beside the title ("" for the fund-year)
    location: Location
    changes: tuple[Change, ...]


def groups(comparison: Comparison | None, changes: tuple[Change, ...]) -> Iterator[Group]:
    """The changes grouped by what they belong to, in order: each project with its evaluation,
    then the fund-year, its evaluation, then notices and configuration."""
    order: list[tuple[str, str]] = []
    members: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        group_kind: str = "project" if change.scope.kind == "evaluation" else change.scope.kind
        group_key = (group_kind, change.scope.key)
        if group_key not in members:
            order.append(group_key)
            members[group_key] = []
        members[group_key].append(change)
    rank = {"project": 0, "fund": 1, "fund-evaluation": 2, "notice": 3, "config": 4, "file": 5}
    for kind, ident in sorted(order, key=lambda k: rank.get(k[0], 9)):
        found = members[(kind, ident)]
        if kind == "project":
            title = comparison.name_of(ident) if comparison else ident
        else:
            title = SCOPE_TITLES.get(kind, kind) + (f" {ident}" if ident else "")
        scope = Scope("project", ident) if kind == "project" else found[0].scope
        yield Group(scope, title, ident if kind == "project" else "", found[0].location, tuple(found))
