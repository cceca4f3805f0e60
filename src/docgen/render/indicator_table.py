"""The 绩效目标表's indicator table as rows with merge ranges, for every renderer.

Word, the PDF and the website show the same table: 一级 | 二级 | 三级 (| 口径) | values,
with consecutive rows of the same 一级 and of the same 二级 merged vertically (and, where
the 指标内容及口径 column is split, consecutive rows of the same 三级 name). docxtpl's
``{% vm %}`` cannot nest, so the ranges are computed here, once, and each renderer applies
them (Word: vMerge; HTML: rowspan).
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.model.schema import PERIOD_TITLES, Goal, Project


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    rowspan: int = 1  # > 1 on the first row of a merged range
    hidden: bool = False  # True on the rows a merge covers (Word: vMerge continue; HTML: no <td>)


@dataclass(frozen=True, slots=True)
class Row:
    level1: Cell
    level2: Cell
    name: Cell
    measure: Cell | None
    values: tuple[str, ...]  # one per column in ``IndicatorTable.periods``
    name_spans_measure: bool = False  # the table has a 口径 column but this item has none: its name spans both


@dataclass(frozen=True, slots=True)
class Column:
    period: str  # stage | annual | cycle
    heading: str  # 阶段目标 / 年度目标（2024年） …


@dataclass(frozen=True, slots=True)
class IndicatorTable:
    target_heading: str  # “目标”
    indicator_heading: str  # “指标内容及口径”
    columns: tuple[Column, ...]
    has_measure: bool
    rows: tuple[Row, ...]

    def merges(self) -> list[tuple[int, int, int]]:
        """(column index, first row, last row) of every vertical merge: 0 = 一级, 1 = 二级, 2 = 三级."""
        ranges = []
        for row_index, row in enumerate(self.rows):
            for col, cell in enumerate((row.level1, row.level2, row.name)):
                if cell.rowspan > 1:
                    ranges.append((col, row_index, row_index + cell.rowspan - 1))
        return ranges


def goal_title(project: Project, period: str, goal: Goal) -> str:
    """年度目标 / 阶段目标（6月底前） / 总体目标（2026年底前）: the header row's label."""
    title = goal.title or PERIOD_TITLES[period]
    return f"{title}（{goal.label}）" if goal.label else title


def column_heading(project: Project, period: str, goal: Goal) -> str:
    headers = project.target_table.headers if project.target_table else None
    custom = getattr(headers, period, None) if headers else None
    if custom:
        return str(custom)
    title = goal.title or PERIOD_TITLES[period]
    return f"{title}（{goal.column_label}）" if goal.column_label else title


def build_table(project: Project) -> IndicatorTable:
    """The project's indicator table with its merge ranges computed."""
    headers = project.target_table.headers if project.target_table else None
    periods = project.goals.periods()
    columns = tuple(Column(p, column_heading(project, p, getattr(project.goals, p))) for p in periods)
    flat: list[tuple[str, str, str, str | None, tuple[str, ...]]] = []
    for category in project.indicators:
        groups = category.groups or []
        if not groups:
            flat.append((category.level1, "", "", None, tuple("" for _ in periods)))
        for group in groups:
            if not group.items:
                flat.append((category.level1, group.level2, "", None, tuple("" for _ in periods)))
            for item in group.items:
                values = tuple(item.value(p) or "" for p in periods)
                flat.append((category.level1, group.level2, item.name or "", item.measure, values))
    has_measure = any(entry[3] is not None for entry in flat)
    spans1 = _spans([(e[0],) for e in flat])
    spans2 = _spans([(e[0], e[1]) for e in flat])
    spans3 = _spans([(e[0], e[1], e[2]) if has_measure and e[2] else (object(),) for e in flat])
    rows = tuple(
        Row(
            level1=_cell(entry[0], spans1[i]),
            level2=_cell(entry[1], spans2[i]),
            name=_cell(entry[2], spans3[i]),
            measure=Cell(entry[3] or "") if has_measure else None,
            values=entry[4],
            name_spans_measure=has_measure and entry[3] is None,
        )
        for i, entry in enumerate(flat)
    )
    return IndicatorTable(
        target_heading=(headers.target if headers and headers.target else "目标"),
        indicator_heading=(headers.indicator if headers and headers.indicator else "指标内容及口径"),
        columns=columns,
        has_measure=has_measure,
        rows=rows,
    )


def _spans(keys: list[tuple[object, ...]]) -> list[int]:
    """For each row: the merge length when it starts a run of equal keys, 0 when covered, 1 alone."""
    spans = [1] * len(keys)
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            length = i - start
            spans[start] = length
            for covered in range(start + 1, i):
                spans[covered] = 0
            start = i
    return spans


def _cell(text: str, span: int) -> Cell:
    return Cell(text, rowspan=span) if span else Cell(text, rowspan=0, hidden=True)
