"""The 绩效目标表 of every shipped project, read back from the generated .docx.

For each project of every year: the header rows (申报单位, 金额 / 分配金额 / 支持金额, the goal
rows with their numbered paragraphs), the heading row and every indicator row are compared
with the project's YAML, flattened here independently of the renderer; the vertical merges
must be exactly one merged cell per 一级 group and one per 二级 group (and per repeated
三级 name where the 口径 column is split). A few values are also checked against the seeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.api import Checked
from docgen.facts.format import money_plain
from docgen.model.schema import PERIOD_TITLES, Project
from docgen.render import docx as docx_renderer
from tests.render.docx_helpers import REPO, GridCell, document, grid_rows, grid_widths, render_context, top_tables

PROJECT_FILES = sorted((REPO / "content" / "projects").glob("*/*.yaml"))
ALL_PROJECTS = [(int(path.parent.name), path.stem) for path in PROJECT_FILES]


@pytest.fixture(scope="module")
def targets(shipped: Checked) -> dict[tuple[int, str], bytes]:
    ctx = render_context(shipped)
    rendered = {key: docx_renderer.render_target_table(ctx, *key) for key in ALL_PROJECTS}
    assert not list(ctx.diagnostics)
    return rendered


def test_every_project_of_every_year_is_planned(shipped: Checked) -> None:
    planned = {o.path for o in docx_renderer.plan(render_context(shipped))}
    assert len(ALL_PROJECTS) == 38
    for year, project_id in ALL_PROJECTS:
        assert f"{year}/targets/{project_id}.docx" in planned


# --------------------------------------------------------------------------- the expected table


def expected_rows(project: Project) -> list[tuple[str, str, str, str | None, list[str]]]:
    """(一级, 二级, 三级, 口径, values) per row, as the content model defines the table."""
    periods = [p for p in ("stage", "annual", "cycle") if getattr(project.goals, p) is not None]
    rows: list[tuple[str, str, str, str | None, list[str]]] = []
    for category in project.indicators:
        if not category.groups:
            rows.append((category.level1, "", "", None, [""] * len(periods)))
        for group in category.groups:
            if not group.items:
                rows.append((category.level1, group.level2, "", None, [""] * len(periods)))
            for item in group.items:
                values = [getattr(item, p) or "" for p in periods]
                rows.append((category.level1, group.level2, item.name or "", item.measure, values))
    return rows


def runs(keys: list[object]) -> Iterator[tuple[int, int]]:
    """(first row, length) of each run of equal consecutive keys."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            yield start, index - start
            start = index


def goal_label(project: Project, period: str) -> list[str]:
    goal = getattr(project.goals, period)
    name = goal.title or PERIOD_TITLES[period]
    return [name, f"（{goal.label}）"] if goal.label else [name]


def column_headings(project: Project) -> list[str]:
    """阶段目标 / 年度目标（2024年） / 总体目标（2026年）, or the table's own wording."""
    headers = project.target_table.headers if project.target_table else None
    headings = []
    for period in ("stage", "annual", "cycle"):
        goal = getattr(project.goals, period)
        if goal is None:
            continue
        custom = getattr(headers, period) if headers else None
        title = goal.title or PERIOD_TITLES[period]
        headings.append(custom or (f"{title}（{goal.column_label}）" if goal.column_label else title))
    return headings


def assert_merged_column(cells: list[GridCell], keys: list[object], texts: list[str], what: str) -> None:
    """Exactly one visible cell per run of equal keys: restart + continuations, text once."""
    for start, length in runs(keys):
        first = cells[start]
        assert first.text == texts[start], f"{what} row {start}"
        if length == 1:
            assert first.vmerge is None, f"{what} row {start}: a single row is not merged"
            continue
        assert first.vmerge == "restart", f"{what} rows {start}–{start + length - 1}: one merged cell"
        for covered in cells[start + 1 : start + length]:
            assert covered.vmerge == "continue", f"{what} row {start}: covered rows continue the merge"
            assert covered.text == "", f"{what} row {start}: a covered cell shows nothing"
        after = start + length
        if after < len(cells):
            assert cells[after].vmerge != "continue", f"{what}: the merge ends at row {after - 1}"


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize(("year", "project_id"), ALL_PROJECTS, ids=[f"{y}/{i}" for y, i in ALL_PROJECTS])
def test_target_table_shows_the_project(
    targets: dict[tuple[int, str], bytes], shipped: Checked, year: int, project_id: str
) -> None:
    project = shipped.content.projects[year][project_id]
    tables = top_tables(targets[year, project_id])
    assert len(tables) == 1
    rows = grid_rows(tables[0])
    heading = project.target_table

    applicant = (heading.applicant if heading and heading.applicant else None) or project.applicant or ""
    assert [c.text for c in rows[0]] == ["申报单位", applicant]
    amount = project.allocated if project.allocated is not None else project.requested
    label = (heading.amount_label if heading and heading.amount_label else None) or (
        "分配金额" if project.allocated is not None else "金额"
    )
    assert [c.text for c in rows[1]] == [label, f"{money_plain(amount)}万元" if amount is not None else ""]

    index = 2
    for period in ("cycle", "annual", "stage"):
        goal = getattr(project.goals, period)
        if goal is None:
            continue
        label_cell, text_cell = rows[index]
        assert list(label_cell.paragraphs) == goal_label(project, period)
        lines = [line.strip() for line in (goal.text or "").splitlines() if line.strip()]
        nested = text_cell.element.findall("{*}tbl")
        if goal.table:
            assert len(nested) == 1
            nested_rows = grid_rows(nested[0])
            assert [c.text for c in nested_rows[0]] == goal.table.columns
            assert [[c.text for c in r] for r in nested_rows[1:]] == goal.table.rows
        else:
            assert not nested
            assert list(text_cell.paragraphs) == (lines or [""])  # one paragraph per numbered line
        index += 1

    expected = expected_rows(project)
    if not expected:
        assert len(rows) == index, "no indicator table: no heading row either"
        return
    has_measure = any(measure is not None for *_, measure, _ in expected)
    headers = heading.headers if heading else None
    assert [c.text for c in rows[index]] == [
        (headers.target if headers else None) or "目标",
        (headers.indicator if headers else None) or "指标内容及口径",
        *column_headings(project),
    ]
    body = rows[index + 1 :]
    assert len(body) == len(expected)

    level1 = [cells[0] for cells in body]
    level2 = [cells[1] for cells in body]
    names = [cells[2] for cells in body]
    assert_merged_column(level1, [e[0] for e in expected], [e[0] for e in expected], "一级")
    assert_merged_column(level2, [(e[0], e[1]) for e in expected], [e[1] for e in expected], "二级")
    if has_measure:
        keys: list[object] = [(e[0], e[1], e[2]) if e[2] else object() for e in expected]
        assert_merged_column(names, keys, [e[2] for e in expected], "三级")
    for cells, (_, _, name, measure, values) in zip(body, expected, strict=True):
        if not has_measure:
            assert cells[2].text == name or cells[2].vmerge == "continue"
        rest = cells[3:]
        if has_measure and measure is not None:
            assert rest[0].text == measure
            rest = rest[1:]
        elif has_measure:
            assert cells[2].span == 2, f"{name}: the name spans the 口径 column"
        assert [c.text for c in rest] == values


def test_2022_reguarantee_header_as_in_the_seed(targets: dict[tuple[int, str], bytes]) -> None:
    rows = grid_rows(top_tables(targets[2022, "reguarantee-fee-subsidy"])[0])
    assert [c.text for c in rows[0]] == ["申报单位", "粤财普惠金融（广东）融资再担保有限公司"]
    assert [c.text for c in rows[1]] == ["分配金额", "1361.468万元"]
    assert rows[2][0].text == "年度目标"
    assert [p[:2] for p in rows[2][1].paragraphs] == ["1.", "2.", "3.", "4.", "5."]
    assert rows[3][0].paragraphs == ("阶段目标", "（6月底前）")
    assert [c.text for c in rows[4]] == ["目标", "指标内容及口径", "阶段目标", "年度目标"]
    first = rows[5]
    assert [c.text for c in first] == [
        "产出指标",
        "数量指标",
        "支小支农担保金额占全部担保金额的比例，单户担保金额500万元及以下的占比。",
        "分别不得低于80%和不得低于50%",
        "分别不得低于80%和不得低于50%",
    ]
    level1_merges = [c for r in rows[5:] for c in r if c.column == 0 and c.vmerge == "restart"]
    assert [c.text for c in level1_merges] == ["产出指标", "效益指标", "满意度"]


def test_amount_labels_of_other_years(targets: dict[tuple[int, str], bytes]) -> None:
    gdeq_2021 = grid_rows(top_tables(targets[2021, "gdeq-fintech-upgrade"])[0])
    assert [c.text for c in gdeq_2021[1]] == ["金额", "560万元"]
    shanwei = grid_rows(top_tables(targets[2024, "shanwei-bqw-digital-finance"])[0])
    assert [c.text for c in shanwei[1]] == ["支持金额", "330万元"]
    chaozhou = grid_rows(top_tables(targets[2024, "chaozhou-credit-risk-compensation"])[0])
    assert chaozhou[2][0].paragraphs == ("总体目标", "（2026年底前）")
    assert [c.text for c in chaozhou[4]] == ["目标", "指标内容及口径", "阶段目标（2024年）", "总体目标（2026年）"]


def test_split_indicator_column_2024_shanwei(targets: dict[tuple[int, str], bytes]) -> None:
    """汕尾 2024: 指标内容及口径 in two sub-cells; consecutive equal names merged, 口径-less rows spanning."""
    rows = grid_rows(top_tables(targets[2024, "shanwei-bqw-digital-finance"])[0])
    heading = rows[4]
    assert [c.text for c in heading] == ["目标", "指标内容及口径", "阶段目标", "年度目标"]
    assert heading[1].span == 2
    first, second = rows[5], rows[6]
    assert [c.text for c in first] == [
        "产出指标",
        "数量指标",
        "汕尾“百千万工程”数字普惠金融服务平台",
        "金融产品（项）",
        "完成金融服务平台建设并上线运营",
        "10",
    ]
    assert first[2].vmerge == "restart" and second[2].vmerge == "continue"
    assert [c.text for c in second] == ["", "", "", "服务企业数量（家）", "", "120"]
    quality = rows[10]
    assert quality[2].text == "汕尾“百千万工程”数字普惠金融服务专区" and quality[2].span == 2


def test_table_has_one_grid_whatever_the_columns(targets: dict[tuple[int, str], bytes]) -> None:
    """Every row covers the whole grid; the table keeps the type area's width (156 mm)."""
    for key, data in targets.items():
        table = top_tables(data)[0]
        widths = grid_widths(table)
        for cells in grid_rows(table):
            assert sum(c.span for c in cells) == len(widths), key
        assert sum(widths) == 8845, key


def test_project_file_has_no_attachment_label_nor_number(targets: dict[tuple[int, str], bytes]) -> None:
    paragraphs = [p.text for p in document(targets[2022, "gz-tech-finance-service-base"]).paragraphs if p.text]
    assert paragraphs[:4] == [
        "广州科创金融服务基地建设项目",
        "广东省促进经济高质量发展专项资金（金融发展）",
        "绩效目标表",
        "（2022年）",
    ]


def test_readme_image_exists() -> None:
    image = Path(REPO / "docs" / "images" / "target-table.png")
    assert image.is_file() and image.stat().st_size < 400_000
