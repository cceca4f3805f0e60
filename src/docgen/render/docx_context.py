"""What each Word template receives: documented view objects, built from content and facts.

Every template in ``templates/docx/`` has a contract (:data:`DOCX_TEMPLATES`): the top-level
variables it may use, each a field of a frozen dataclass below whose ``Doc`` annotation is its
documentation. The reference page (docs/templates.md) is generated from these classes and
``docgen check`` verifies every template against them, so the contract cannot drift from the
code. Figures are passed as ``Decimal`` and formatted in the template with the filters of
:mod:`docgen.facts.format` (``{{ row.allocated|money }}``); text is passed as written.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Annotated, Any

from docgen.facts.derive import YearFacts
from docgen.model.content import Content
from docgen.model.schema import PERIOD_TITLES, Project
from docgen.render.indicator_table import Cell, build_table, goal_title


@dataclass(frozen=True, slots=True)
class Doc:
    """The documentation of a template variable (shown on the reference page)."""

    text: str


# ---------------------------------------------------------------------------- 绩效目标表


@dataclass(frozen=True, slots=True)
class GoalTableView:
    """A small table inside a goal: the 2021 再担保 阶段目标 by quarter (目标表格)."""

    columns: Annotated[list[str], Doc("表头: the column headings.")]
    rows: Annotated[list[list[str]], Doc("行: the rows, each a list of cell texts.")]


@dataclass(frozen=True, slots=True)
class GoalView:
    """One goal row of the table's header: 年度目标, 阶段目标（6月底前）, 实施周期目标 (绩效目标)."""

    title: Annotated[str, Doc("The row's label with its deadline: 阶段目标（6月底前）, 总体目标（2026年底前）.")]
    name: Annotated[str, Doc("The label without its deadline: 阶段目标, 总体目标.")]
    deadline: Annotated[str, Doc("The deadline alone: 6月底前 (empty when none), for a label on two lines.")]
    text: Annotated[str, Doc("目标内容 as written, one paragraph per line: `{%p for para in goal.text|paragraphs %}`.")]
    table: Annotated[GoalTableView | None, Doc("目标表格, where the goal is given as a table; else none.")]


@dataclass(frozen=True, slots=True)
class IndicatorRowView:
    """One row of the indicator table (一级 | 二级 | 三级 (| 口径) | values), merges computed."""

    level1: Annotated[Cell, Doc("一级指标, merged over its rows: `{% vmerge row.level1 %}{{ row.level1.text }}`.")]
    level2: Annotated[Cell, Doc("二级指标, merged over its rows: `{% vmerge row.level2 %}`.")]
    name: Annotated[Cell, Doc("三级指标（指标内容及口径）; merged only where the 口径 column is split.")]
    measure: Annotated[str, Doc("The second 口径 cell (2024 汕尾: 金融产品（项）); empty when none.")]
    name_spans_measure: Annotated[
        bool,
        Doc("True where the table has a 口径 column but this row has none: `{% cellif not row.name_spans_measure %}`."),
    ]
    values: Annotated[list[str], Doc("The target values, one per column of `t.columns` (empty string when absent).")]


@dataclass(frozen=True, slots=True)
class TargetTableView:
    """One project's 绩效目标表 (项目绩效目标表)."""

    number: Annotated[str, Doc("“5.” (the 序号) in the year's 附件3; empty in the project's own file.")]
    title: Annotated[str, Doc("The project as the table names it (target_table.title, else 项目名称).")]
    applicant: Annotated[str, Doc("申报单位 as the table writes it.")]
    amount_label: Annotated[str, Doc("分配金额 / 金额 / 支持金额.")]
    amount: Annotated[Decimal | None, Doc("The amount in 万元 (分配金额, else 申报金额); none when unknown.")]
    goals: Annotated[list[GoalView], Doc("The goal rows in document order: 实施周期目标, 年度目标, 阶段目标.")]
    target_heading: Annotated[str, Doc("The heading over 一级 and 二级: 目标.")]
    indicator_heading: Annotated[str, Doc("The heading over 三级: 指标内容及口径 (or 指标解释及计算公式).")]
    columns: Annotated[list[str], Doc("Value column headings: 阶段目标, 年度目标（2024年）, 总体目标（2026年）.")]
    has_measure: Annotated[bool, Doc("True when the 指标内容及口径 column is split in two (name | 口径).")]
    rows: Annotated[list[IndicatorRowView], Doc("The indicator rows; empty when the project has no indicator table.")]


@dataclass(frozen=True, slots=True)
class TargetTablesContext:
    """One project's 绩效目标表, or all of a year's as the notice's 附件3."""

    attachment_label: Annotated[str, Doc("“附件3” in the notice's attachment; empty in a project's own file.")]
    fund_name: Annotated[str, Doc("专项资金名称: 广东省促进经济高质量发展专项资金（金融发展）.")]
    year: Annotated[int, Doc("The fund-year (年度).")]
    tables: Annotated[list[TargetTableView], Doc("The tables, in 序号 order (one in a project's own file).")]
    note: Annotated[str, Doc("The note closing 附件3 (funds/<year>.yaml targets_note); empty elsewhere.")]


# ---------------------------------------------------------------------------- 附件1 目录清单


@dataclass(frozen=True, slots=True)
class CatalogRowView:
    """The fund's row in the 省级财政专项资金目录清单; its amounts are computed from the projects."""

    fund_name: Annotated[str, Doc("专项资金名称（战略领域名称）.")]
    fiscal_authority: Annotated[str, Doc("财政事权.")]
    policy_task: Annotated[str, Doc("政策任务.")]
    main_uses: Annotated[str, Doc("主要用途, one paragraph per line (use |paragraphs).")]
    main_targets: Annotated[str, Doc("主要绩效目标, one paragraph per line (use |paragraphs).")]
    amount: Annotated[Decimal, Doc("资金额度 (万元): the sum of the year's allocations.")]
    provincial: Annotated[
        Decimal | None, Doc("保留省级审批 (万元): the 省级 projects' allocations; none if there are none.")
    ]
    delegated_to_units: Annotated[Decimal | None, Doc("下放用款单位 (万元): no project is approved so; always none.")]
    municipal: Annotated[
        Decimal | None, Doc("下放市县 (万元): the 地市 projects' allocations; none if there are none.")
    ]
    note: Annotated[str, Doc("备注.")]


@dataclass(frozen=True, slots=True)
class CatalogContext:
    """附件1 省级财政专项资金目录清单（<year>年）: the fund's row in the catalog of provincial special funds."""

    attachment_label: Annotated[str, Doc("“附件1”.")]
    year: Annotated[int, Doc("The fund-year.")]
    department: Annotated[str, Doc("主管部门.")]
    row: Annotated[CatalogRowView, Doc("The fund's row.")]


# ---------------------------------------------------------------------------- 附件2 分配方案


@dataclass(frozen=True, slots=True)
class AllocationRowView:
    """One project in the 分配方案."""

    seq: Annotated[int, Doc("序号.")]
    name: Annotated[str, Doc("项目名称.")]
    applicant: Annotated[str, Doc("申报单位.")]
    implementers: Annotated[list[str], Doc("实施单位 (one or several): `{{ row.implementers|join('、') }}`.")]
    summary: Annotated[str, Doc("项目简介, one paragraph per line (use |paragraphs).")]
    requested: Annotated[Decimal | None, Doc("申报金额 (万元); none when the source gives none.")]
    allocated: Annotated[Decimal | None, Doc("分配金额 (万元); none when the source gives none.")]
    approval: Annotated[str, Doc("审批权限: 省级 / 地市.")]
    note: Annotated[str, Doc("备注.")]


@dataclass(frozen=True, slots=True)
class AllocationContext:
    """附件2 <year>年<fund>分配方案: the year's projects and amounts, with the computed 合计."""

    attachment_label: Annotated[str, Doc("“附件2”.")]
    year: Annotated[int, Doc("The fund-year.")]
    fund_name: Annotated[str, Doc("专项资金名称.")]
    rows: Annotated[list[AllocationRowView], Doc("The projects in 序号 order.")]
    total_requested: Annotated[Decimal | None, Doc("合计 of 申报金额, computed; none when no project gives one.")]
    total_allocated: Annotated[Decimal | None, Doc("合计 of 分配金额, computed; none when no project gives one.")]


# ---------------------------------------------------------------------------- contracts


@dataclass(frozen=True, slots=True)
class DocxTemplateContract:
    """A Word template: its file, the context it receives and the outputs rendered from it."""

    file: str
    context: type[Any]
    outputs: str


TARGET_TABLES = DocxTemplateContract(
    "target-tables.docx",
    TargetTablesContext,
    "`<year>/targets/<id>.docx` (one project) and `<year>/attachments/attachment-3-targets.docx` (附件3)",
)
CATALOG = DocxTemplateContract(
    "attachment-1-catalog.docx", CatalogContext, "`<year>/attachments/attachment-1-catalog.docx` (附件1)"
)
ALLOCATION = DocxTemplateContract(
    "attachment-2-allocation.docx", AllocationContext, "`<year>/attachments/attachment-2-allocation.docx` (附件2)"
)
DOCX_TEMPLATES: tuple[DocxTemplateContract, ...] = (TARGET_TABLES, CATALOG, ALLOCATION)
"""Every Word template docgen renders, with its contract."""

FIELD_DOCS: dict[type[Any], dict[str, str]] = {
    Cell: {
        "text": "The cell's text (the same on every row of a merge; shown once).",
        "rowspan": "The number of rows the merge covers, on its first row (1 when alone, 0 on covered rows).",
        "hidden": "True on the rows a merge covers.",
    }
}
"""Documentation of the fields of shared classes that carry no ``Doc`` annotation."""

CLASS_DOCS: dict[type[Any], str] = {
    Cell: "A cell of the indicator table with its vertical merge, computed by docgen (合并单元格).",
}
"""Documentation of shared classes whose docstring is not written for template authors."""


def as_variables(context: Any) -> dict[str, Any]:
    """A context dataclass as the template's top-level variables."""
    return {f.name: getattr(context, f.name) for f in fields(context)}


# ---------------------------------------------------------------------------- building from content


def target_table_view(project: Project, number: str = "") -> TargetTableView:
    """The view of one project's 绩效目标表 (its header rows and indicator table)."""
    heading = project.target_table
    table = build_table(project)
    goals = []
    for period in ("cycle", "annual", "stage"):
        goal = getattr(project.goals, period)
        if goal is None:
            continue
        goal_table = GoalTableView(list(goal.table.columns), [list(r) for r in goal.table.rows]) if goal.table else None
        name = goal.title or PERIOD_TITLES[period]
        goals.append(GoalView(goal_title(project, period, goal), name, goal.label or "", goal.text or "", goal_table))
    amount = project.allocated if project.allocated is not None else project.requested
    default_label = "分配金额" if project.allocated is not None else "金额"
    return TargetTableView(
        number=number,
        title=(heading.title if heading and heading.title else None) or project.name or project.display_name,
        applicant=(heading.applicant if heading and heading.applicant else None) or project.applicant or "",
        amount_label=(heading.amount_label if heading and heading.amount_label else None) or default_label,
        amount=amount,
        goals=goals,
        target_heading=table.target_heading,
        indicator_heading=table.indicator_heading,
        columns=[column.heading for column in table.columns],
        has_measure=table.has_measure,
        rows=[
            IndicatorRowView(
                level1=row.level1,
                level2=row.level2,
                name=row.name,
                measure=row.measure.text if row.measure else "",
                name_spans_measure=row.name_spans_measure,
                values=list(row.values),
            )
            for row in table.rows
        ],
    )


def fund_name(content: Content) -> str:
    return content.site.fund_name if content.site else ""


def project_target_tables(content: Content, project: Project) -> TargetTablesContext:
    """The context of a project's own 绩效目标表 file."""
    return TargetTablesContext("", fund_name(content), project.year, [target_table_view(project)], "")


def year_target_tables(content: Content, year: int) -> TargetTablesContext:
    """The context of the year's 附件3: every project's table, numbered by 序号."""
    fund = content.funds.get(year)
    tables = [target_table_view(p, f"{p.seq}.") for p in content.projects_of(year)]
    return TargetTablesContext("附件3", fund_name(content), year, tables, (fund.targets_note if fund else None) or "")


def catalog_context(content: Content, facts: YearFacts, year: int) -> CatalogContext:
    """The context of 附件1: the fund's 目录清单 row with amounts from the projects."""
    fund = content.funds[year]
    catalog = fund.catalog
    assert catalog is not None  # planned only for funds with a catalog
    row = CatalogRowView(
        fund_name=catalog.fund_name,
        fiscal_authority=catalog.fiscal_authority or "",
        policy_task=catalog.policy_task or "",
        main_uses=catalog.main_uses or "",
        main_targets=catalog.main_targets or "",
        amount=facts.allocated,
        provincial=facts.provincial_amount if facts.provincial else None,
        delegated_to_units=None,
        municipal=facts.municipal_amount if facts.municipal else None,
        note=catalog.note or "",
    )
    return CatalogContext("附件1", year, fund.department or "", row)


def allocation_context(content: Content, facts: YearFacts, year: int) -> AllocationContext:
    """The context of 附件2: the year's projects with the computed 合计."""
    projects = content.projects_of(year)
    rows = [
        AllocationRowView(
            seq=p.seq,
            name=p.display_name,
            applicant=p.applicant or "",
            implementers=list(p.implementers),
            summary=p.summary or "",
            requested=p.requested,
            allocated=p.allocated,
            approval=p.approval.value if p.approval else "",
            note=p.note or "",
        )
        for p in projects
    ]
    any_requested = any(p.requested is not None for p in projects)
    any_allocated = any(p.allocated is not None for p in projects)
    return AllocationContext(
        attachment_label="附件2",
        year=year,
        fund_name=fund_name(content),
        rows=rows,
        total_requested=facts.requested if any_requested else None,
        total_allocated=facts.allocated if any_allocated else None,
    )
