"""The 绩效评价报告 (evaluation report) and the 绩效目标表 book of a year, as PDFs.

Every figure comes from :class:`~docgen.facts.derive.YearFacts` and is formatted in the
templates by the filters of :mod:`docgen.facts.format`; the narrative is content Markdown whose
``${fact}`` placeholders are filled from the same facts (:mod:`docgen.facts.placeholders`), so
the tables, the text and the data cannot disagree. This module builds the templates' context
(plain data, never template source), renders ``templates/html/report/report.html`` and
``templates/html/targets/targets.html``, and hands the HTML to :mod:`docgen.render.pdf`.

Outputs: ``<year>/evaluation-report.pdf`` for every year with a fund evaluation
(``evaluations/<year>/_fund.yaml``) and ``<year>/targets.pdf`` for every year with projects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from lxml import html as lxml_html

from docgen.cache_home import kept_file
from docgen.diagnostics import display_path
from docgen.facts.derive import DirectionFacts, LevelFacts, ProjectFacts, SectionFacts, YearFacts, ratio, total
from docgen.facts.placeholders import fact_table, fill
from docgen.facts.scoring import IndicatorScore
from docgen.model.schema import NARRATIVE_SLOTS, FundEvaluation, FundIndicator, Goal, Project, ProjectEvaluation
from docgen.render.chart import directions_chart
from docgen.render.context import Output, RenderContext
from docgen.render.front_matter import Breaks, FrontPart, lay_out_front
from docgen.render.indicator_table import IndicatorTable, build_table, goal_title
from docgen.render.jinja_env import make_env
from docgen.render.markdown import fill_markdown
from docgen.render.pdf import (
    FONTS_STYLESHEET,
    Generated,
    KeptPdfs,
    Layout,
    RenderedPdf,
    asset_url,
    font_programs_left_out,
    generated_url,
    lay_out_pdf,
    render_pdf,
    role_face,
    role_face_key,
    role_families,
)
from docgen.render.pdf_apart import PagesApart, lay_out_apart

REPORT_TEMPLATE = "report/report.html"
TARGETS_TEMPLATE = "targets/targets.html"
SHEET_TEMPLATE = "targets/sheet.html"
PAGE_NUMBERS_TEMPLATE = "print/page-numbers.html"
TARGET_SHEET_PATH = "{year}/targets/{id}.pdf"
"""A project's 绩效目标表 as its own PDF, beside its Word file; the year's book joins them."""
PRINT_FOLDER = "print"  # shared print layout and stylesheet (公文 page, headings, tables)
REPORT_FOLDER = "report"
TARGETS_FOLDER = "targets"
_PRINT_LAYOUT = ("print/base.html", "print/macros.html", "print/print.css")
REPORT_TEMPLATES = (*_PRINT_LAYOUT, REPORT_FOLDER)
SHEET_TEMPLATES = (*_PRINT_LAYOUT, SHEET_TEMPLATE, "targets/macros.html", "targets/targets.css")
BOOK_TEMPLATES = ("print/base.html", "print/print.css", PAGE_NUMBERS_TEMPLATE, TARGETS_TEMPLATE, "targets/targets.css")
"""The templates each PDF reads (its fingerprint): a sheet's edit does not touch the book's front matter."""
CHART_NAME = "charts/directions.svg"
GOAL_ORDER = ("cycle", "annual", "stage")  # the goal rows of a 绩效目标表, as the documents order them
TABLE1_3_GOALS = ("annual", "cycle", "stage")  # which goal 表1-3 shows: the first the project has

_CHINESE_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


# ---------------------------------------------------------------------------- numbering


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (headings 一、 and （一）)."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_CHINESE_DIGITS[tens]}十")
    return head + (_CHINESE_DIGITS[units] if units else "")


def circled_number(number: int) -> str:
    """1 → ① … 20 → ⑳, then （21） (the fifth heading level)."""
    return _CIRCLED[number - 1] if 0 < number <= len(_CIRCLED) else f"（{number}）"


# ---------------------------------------------------------------------------- the report's context


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """A project as 表1-1, 表1-3, 表2-1 and 表3-2 show it (项目情况)."""

    label: str  # 项目4
    facts: ProjectFacts
    implementers: str  # 实施主体
    goal: str  # 表1-3 绩效目标: the project's goal text (one paragraph per line)
    execution_note: str  # 表3-2 备注


@dataclass(frozen=True, slots=True)
class DirectionRow:
    """A 资金使用方向 in 表1-2, with its projects named as 项目1、项目2."""

    facts: DirectionFacts
    members: str


@dataclass(frozen=True, slots=True)
class Totals:
    """The 合计 row of 表1-2."""

    count: int
    amount: Decimal
    share: Decimal | None


@dataclass(frozen=True, slots=True)
class SectionDetailView:
    """A second-level item of an evaluation section (1.论证决策) with its commentary, filled."""

    name: str
    max: Decimal
    average: Decimal
    text: str


@dataclass(frozen=True, slots=True)
class SectionView:
    """（一）投入 of 二、: the section's figures, its analysis and its items."""

    facts: SectionFacts
    text: str
    details: list[SectionDetailView]


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """A fund-level indicator with its computed score (三、（二）, 表3-1, 表3-3)."""

    indicator: FundIndicator
    score: IndicatorScore
    analysis: str  # filled

    @property
    def label(self) -> str:
        """How 三、（二） names it (its analysis name, else its 表3-3 name)."""
        return self.indicator.analysis_name or self.indicator.name

    @property
    def met_text(self) -> str:
        """表3-3 是否完成: 是 / 否 / — (cannot be compared)."""
        if self.score.met is None:
            return "—"
        return "是" if self.score.met else "否"


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    """A 二级 group of fund indicators: （1）数量指标."""

    name: str
    lead: str  # filled level text, "" when none
    level: LevelFacts
    indicators: list[IndicatorView]


@dataclass(frozen=True, slots=True)
class IndicatorLevel:
    """A 一级 of the fund indicators: 1.过程 with its groups."""

    name: str
    lead: str
    level: LevelFacts
    groups: list[IndicatorGroup]

    @property
    def indicator_count(self) -> int:
        return sum(len(group.indicators) for group in self.groups)


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Everything report/report.html shows for one year (绩效评价报告)."""

    year: int
    title: str
    publisher: str
    fund_name: str
    facts: YearFacts
    narrative: dict[str, str]  # slot → filled Markdown ("" when the slot is empty)
    projects: list[ProjectRow]
    directions: list[DirectionRow]
    direction_totals: Totals
    chart_url: str
    sections: list[SectionView]
    average_total: Decimal | None  # 表2-1 平均得分 of 合计
    average_total_rate: Decimal | None
    levels: list[IndicatorLevel]
    points_total: Decimal  # 附件1 合计 分值
    completion: list[IndicatorGroup]  # 表3-3: the indicators with a 预期值, by 二级

    @property
    def conclusion_number(self) -> int:
        """（五）综合评价结论 follows the sections of 二、."""
        return len(self.sections) + 1


def report_context(ctx: RenderContext, year: int) -> EvaluationReport:
    """The report of ``year`` as template data; the year must have a fund evaluation."""
    content = ctx.content
    fund_eval = content.fund_evaluations[year]
    facts = ctx.facts[year]
    facts_text = fact_table(facts)
    projects = {p.id: p for p in content.projects_of(year)}
    evaluations = content.evaluations.get(year, {})

    def text(value: str | None) -> str:
        return fill(value or "", facts_text)

    rows = [
        ProjectRow(
            label=f"项目{pf.seq}",
            facts=pf,
            implementers="、".join(projects[pf.id].implementers) or (projects[pf.id].applicant or ""),
            goal=_goal_text(projects[pf.id]),
            execution_note=_execution_note(evaluations.get(pf.id)),
        )
        for pf in facts.projects
    ]
    labels = {row.facts.id: row.label for row in rows}
    directions = [DirectionRow(d, "、".join(labels[p.id] for p in d.projects)) for d in facts.directions]
    direction_amount = total(d.amount for d in facts.directions)
    totals = Totals(
        count=sum(d.count for d in facts.directions),
        amount=direction_amount,
        share=ratio(total(d.amount for d in facts.directions if d.share is not None), direction_amount),
    )
    sections = [
        SectionView(
            facts=s,
            text=text(s.section.text),
            details=[SectionDetailView(d.name, d.max, d.average, text(d.text)) for d in s.section.details],
        )
        for s in facts.sections
    ]
    indicators = [IndicatorView(i, facts.indicator_scores[i.key], text(i.analysis)) for i in fund_eval.indicators]
    site = content.site
    return EvaluationReport(
        year=year,
        title=fund_eval.title,
        publisher=site.publisher if site else "",
        fund_name=site.fund_name if site else "",
        facts=facts,
        narrative=_narratives(fund_eval, facts_text),
        projects=rows,
        directions=directions,
        direction_totals=totals,
        chart_url=generated_url(CHART_NAME),
        sections=sections,
        average_total=facts.average_total,
        average_total_rate=facts.average_total_rate,
        levels=_levels(indicators, fund_eval, facts, text),
        points_total=total(i.score.points for i in indicators),
        completion=_groups([i for i in indicators if i.indicator.target is not None], fund_eval, facts, text),
    )


def _narratives(fund_eval: FundEvaluation, facts_text: dict[str, str]) -> dict[str, str]:
    """Every narrative slot's Markdown, its placeholders filled ("" for an empty slot)."""
    return {slot: fill_markdown(getattr(fund_eval.narrative, slot) or "", facts_text) for slot in NARRATIVE_SLOTS}


def _goal_text(project: Project) -> str:
    for period in TABLE1_3_GOALS:
        goal: Goal | None = getattr(project.goals, period)
        if goal is not None and goal.text:
            return goal.text
    return ""


def _execution_note(evaluation: ProjectEvaluation | None) -> str:
    execution = evaluation.execution if evaluation is not None else None
    return (execution.note or "") if execution is not None else ""


def _groups(
    indicators: list[IndicatorView], fund_eval: FundEvaluation, facts: YearFacts, text: Callable[[str | None], str]
) -> list[IndicatorGroup]:
    """Consecutive indicators of the same 二级, as groups (the document's order is kept)."""
    groups: list[IndicatorGroup] = []
    for view in indicators:
        name = view.indicator.level2
        if not groups or groups[-1].name != name:
            level = facts.levels.get(name, LevelFacts(name, Decimal(0), Decimal(0)))
            groups.append(IndicatorGroup(name, text(fund_eval.level_texts.get(name)), level, []))
        groups[-1].indicators.append(view)
    return groups


def _levels(
    indicators: list[IndicatorView], fund_eval: FundEvaluation, facts: YearFacts, text: Callable[[str | None], str]
) -> list[IndicatorLevel]:
    """The fund indicators by 一级 (in the order they first appear), each by 二级."""
    order: list[str] = []
    by_level1: dict[str, list[IndicatorView]] = {}
    for view in indicators:
        name = view.indicator.level1
        if name not in by_level1:
            order.append(name)
            by_level1[name] = []
        by_level1[name].append(view)
    return [
        IndicatorLevel(
            name=name,
            lead=text(fund_eval.level_texts.get(name)),
            level=facts.levels.get(name, LevelFacts(name, Decimal(0), Decimal(0))),
            groups=_groups(by_level1[name], fund_eval, facts, text),
        )
        for name in order
    ]


# ---------------------------------------------------------------------------- the targets book's context


@dataclass(frozen=True, slots=True)
class GoalRow:
    """A goal row of a 绩效目标表 header: 年度目标 / 阶段目标（6月底前） and its text or table."""

    title: str
    goal: Goal


@dataclass(frozen=True, slots=True)
class TargetSheet:
    """One project's 绩效目标表."""

    number: int  # 序号: its place in the year's 绩效目标表
    title: str
    applicant: str
    amount_label: str
    amount: Decimal | None
    goals: list[GoalRow]
    table: IndicatorTable

    @property
    def label_span(self) -> int:
        """Columns of the left label cells (一级 + 二级)."""
        return 2

    @property
    def indicator_span(self) -> int:
        return 2 if self.table.has_measure else 1

    @property
    def column_count(self) -> int:
        return self.label_span + self.indicator_span + len(self.table.columns)


@dataclass(frozen=True, slots=True)
class ContentsLine:
    """A line of the book's 目录: a sheet's title and the page it starts on; ``number`` counts the lines from 1."""

    number: int
    text: str
    page: int


@dataclass(frozen=True, slots=True)
class TargetsBook:
    """A document of the front matter of the year's 绩效目标表 book: its cover, a page of contents, or the fund's note.

    The front matter is laid out a page per document (:mod:`docgen.render.front_matter`): the
    template shows the cover when ``cover``, the 目录 heading when ``contents_title``, the lines
    ``contents`` and the note when ``note`` is not empty.
    """

    year: int
    title: str
    publisher: str
    cover: bool
    contents_title: bool
    contents: list[ContentsLine]
    note: str  # funds/<year>.yaml targets_note, on the document that closes the contents


def _sheet_name(project: Project) -> str:
    """The project's name as its 绩效目标表 gives it (the table's own title when it has one)."""
    heading = project.target_table
    return (heading.title if heading and heading.title else None) or project.display_name


def sheet_title(project: Project) -> str:
    """``5.广东省国家融资担保基金项下再担保费补助项目绩效目标表``: the sheet's heading, contents line and bookmark."""
    return f"{project.seq}.{_sheet_name(project)}绩效目标表"


def target_sheet(project: Project) -> TargetSheet:
    """A project's 绩效目标表 as template data."""
    heading = project.target_table
    label = heading.amount_label if heading and heading.amount_label else None
    return TargetSheet(
        number=project.seq,
        title=_sheet_name(project),
        applicant=(heading.applicant if heading and heading.applicant else None) or project.applicant or "",
        amount_label=label or ("分配金额" if project.allocated is not None else "金额"),
        amount=project.allocated if project.allocated is not None else project.requested,
        goals=[
            GoalRow(goal_title(project, period, goal), goal)
            for period in GOAL_ORDER
            if (goal := getattr(project.goals, period)) is not None
        ],
        table=build_table(project),
    )


def targets_note(ctx: RenderContext, year: int) -> str:
    """The note closing the year's contents (funds/<year>.yaml ``targets_note``), or ""."""
    fund = ctx.content.funds.get(year)
    return (fund.targets_note or "") if fund else ""


def targets_book(ctx: RenderContext, year: int, contents: list[ContentsLine], part: FrontPart) -> TargetsBook:
    """The document ``part`` of the book's front matter; ``contents`` every line, in 序号 order."""
    site = ctx.content.site
    fund_name = site.fund_name if site else ""
    return TargetsBook(
        year=year,
        title=f"{year}年{fund_name}项目绩效目标表",
        publisher=site.publisher if site else "",
        cover=part.cover,
        contents_title=part.title,
        contents=contents[part.start : part.stop],
        note=targets_note(ctx, year) if part.note else "",
    )


# ---------------------------------------------------------------------------- plan and render


def plan(ctx: RenderContext) -> list[Output]:
    """``<year>/evaluation-report.pdf`` per evaluated year, ``<year>/targets.pdf`` per year with projects."""
    outputs = []
    for year in sorted(ctx.content.fund_evaluations):
        outputs.append(
            Output(
                path=f"{year}/evaluation-report.pdf",
                kind="pdf",
                renderer="docgen.render.report:render_evaluation_report",
                args=(year,),
                content_files=_year_files(ctx, year, ("project", "evaluation", "fund-evaluation", "fund")),
                templates=_template_files(ctx, REPORT_TEMPLATES),
            )
        )
    sheet_templates = _template_files(ctx, SHEET_TEMPLATES)
    for year in sorted(y for y, projects in ctx.content.projects.items() if projects):
        projects = ctx.content.projects_of(year)
        sheets = [TARGET_SHEET_PATH.format(year=year, id=project.id) for project in projects]
        configuration = _year_files(ctx, year, ())  # site.yaml, scoring.yaml, hierarchy.yaml
        for project, path in zip(projects, sheets, strict=True):
            outputs.append(
                Output(
                    path=path,
                    kind="pdf",
                    renderer="docgen.render.report:render_target_sheet",
                    args=(year, project.id),
                    content_files=tuple(sorted({ctx.content_rel(f"project/{year}/{project.id}"), *configuration})),
                    templates=sheet_templates,
                )
            )
        outputs.append(
            Output(
                path=f"{year}/targets.pdf",
                kind="pdf",
                renderer="docgen.render.report:render_targets_book",
                args=(year,),
                content_files=_year_files(ctx, year, ("project", "fund")),
                templates=_template_files(ctx, BOOK_TEMPLATES),
                after=tuple(sheets),
            )
        )
    return outputs


def _year_files(ctx: RenderContext, year: int, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The content files of ``year`` of the given kinds, with site.yaml and the scoring and hierarchy configuration."""
    files = {path for key, path in ctx.content.files.items() if key.split("/")[0] in kinds and f"/{year}" in f"/{key}/"}
    for name in ("site.yaml", "scoring.yaml", "hierarchy.yaml"):
        rel = display_path(ctx.paths.content / name, ctx.root)
        if rel in ctx.content.documents or (ctx.paths.content / name).is_file():
            files.add(rel)
    return tuple(sorted(files))


def _template_files(ctx: RenderContext, names: tuple[str, ...]) -> tuple[str, ...]:
    """The template files ``names`` (relative to templates/html/; a folder stands for every file in it)."""
    files: list[str] = []
    for name in names:
        path = ctx.paths.html_templates / name
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        files.extend(display_path(p, ctx.root) for p in found)
    return tuple(files)


def render_evaluation_report(ctx: RenderContext, year: int) -> bytes:
    """``<year>/evaluation-report.pdf``: the 绩效评价报告."""
    report = report_context(ctx, year)
    chart = directions_chart(report.facts.directions, f"directions-{year}")
    html = render_html(ctx, REPORT_TEMPLATE, (PRINT_FOLDER, REPORT_FOLDER), report=report)
    result = render_pdf(html, _asset_roots(ctx), {CHART_NAME: Generated(chart, "image/svg+xml")})
    _report_problems(ctx, result, ctx.content.file_of("fund-evaluation", year) or "", REPORT_TEMPLATE)
    return result.data


def render_target_sheet(ctx: RenderContext, year: int, project_id: str) -> bytes:
    """``<year>/targets/<id>.pdf``: one project's 绩效目标表, unnumbered (the book numbers its pages)."""
    project = ctx.content.projects[year][project_id]
    publisher = ctx.content.site.publisher if ctx.content.site else ""
    html = render_html(
        ctx, SHEET_TEMPLATE, (PRINT_FOLDER, TARGETS_FOLDER), sheet=target_sheet(project), publisher=publisher
    )
    result = render_pdf(html, _asset_roots(ctx))
    _report_problems(ctx, result, ctx.content_rel(f"project/{year}/{project_id}"), SHEET_TEMPLATE)
    return result.data


def render_targets_book(ctx: RenderContext, year: int) -> bytes:
    """``<year>/targets.pdf``: the year's sheets (already rendered) joined after a cover and contents."""
    from docgen.render.pdf_book import GlyphMemo, Sheet, SheetBook, SubsetMemo

    projects = ctx.content.projects_of(year)
    paths = [TARGET_SHEET_PATH.format(year=year, id=p.id) for p in projects]
    sheets = [
        Sheet(sheet_title(p), ctx.built[path], ctx.built_hashes.get(path, ""))
        for p, path in zip(projects, paths, strict=True)
    ]
    with SheetBook(sheets, GlyphMemo(kept_file("targets-glyphs", f"{ctx.root.resolve()}\0{year}", ".pickle"))) as book:
        contents = [
            ContentsLine(number, sheet.title, start)
            for number, (sheet, start) in enumerate(zip(sheets, book.first_pages, strict=True), start=1)
        ]
        kept = KeptPdfs(f"{ctx.root.resolve()}|targets-front|{year}", _asset_roots(ctx))
        renderer = _FrontRenderer(ctx, year, contents, kept)
        with font_programs_left_out(role_families()):  # the book embeds the role fonts' programs
            last = kept.hints()
            front = lay_out_front(len(contents), bool(targets_note(ctx, year)), renderer, _breaks_or_none(last))
        kept.note_hints(front.breaks)
        kept.close()
        for document in front.documents:
            _report_problems(ctx, document, ctx.content.file_of("fund", year) or "", TARGETS_TEMPLATE)
        specimen = page_number_specimen(ctx)
        mirror = type_area_mirror(specimen)
        subsets = SubsetMemo(kept_file("targets-subsets", f"{ctx.root.resolve()}\0{year}", ".pickle"), role_face_key)
        fronts = [document.data for document in front.documents]
        return book.join(fronts, specimen.data, role_face, mirror=mirror, subsets=subsets)


def _breaks_or_none(kept: object) -> Breaks | None:
    """The breaks the book's last run kept, when what was kept is breaks."""
    return kept if isinstance(kept, Breaks) else None


@dataclass(frozen=True, slots=True)
class _FrontRenderer:
    """The book's front matter (:class:`~docgen.render.front_matter.FrontRenderer`): targets.html, kept by HTML."""

    ctx: RenderContext
    year: int
    contents: list[ContentsLine]
    kept: KeptPdfs

    def html(self, part: FrontPart) -> str:
        document = targets_book(self.ctx, self.year, self.contents, part)
        return render_html(self.ctx, TARGETS_TEMPLATE, (PRINT_FOLDER, TARGETS_FOLDER), book=document)

    def document(self, part: FrontPart) -> RenderedPdf:
        return self.kept.render(self.html(part))

    def lay_out(self, part: FrontPart) -> Layout:
        return lay_out_pdf(self.html(part), _asset_roots(self.ctx))

    def kept_page(self, part: FrontPart) -> RenderedPdf | None:
        return self.kept.get(self.html(part), page=True)

    def keep_page(self, part: FrontPart, page: RenderedPdf) -> None:
        self.kept.put(self.html(part), page, page=True)

    def lay_out_apart(self, part: FrontPart) -> PagesApart | None:
        return lay_out_apart(self.html(part), _asset_roots(self.ctx))


def page_number_specimen(ctx: RenderContext) -> RenderedPdf:
    """Two pages whose footers print.css draws: what :mod:`docgen.render.pdf_book` numbers a book's pages with."""
    from docgen.render.pdf_book import SPECIMEN_NUMBERS

    html = render_html(ctx, PAGE_NUMBERS_TEMPLATE, (PRINT_FOLDER,), numbers=SPECIMEN_NUMBERS)
    kept = KeptPdfs(f"{ctx.root.resolve()}|page-numbers", _asset_roots(ctx))  # the same for every book
    result = kept.render(html)
    kept.close()
    _report_problems(ctx, result, "", PAGE_NUMBERS_TEMPLATE)
    return result


CSS_PX_IN_PT = Decimal("0.75")


def type_area_mirror(specimen: RenderedPdf) -> Decimal | None:
    """How far a left-hand page's type area is to the right of a right-hand page's, in points
    (print.css: −2 mm), from the specimen's marks; None when its template has none."""
    if len(specimen.anchors) < 2:
        return None
    right = specimen.anchors[0].get("type-area-right")
    left = specimen.anchors[1].get("type-area-left")
    if right is None or left is None:
        return None
    return (Decimal(str(left[0])) - Decimal(str(right[0]))) * CSS_PX_IN_PT


@dataclass(frozen=True, slots=True)
class TocEntry:
    """A line of the table of contents (目录); its page number is the target's (CSS target-counter)."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True, slots=True)
class _Page:
    """What every print template receives besides its document."""

    stylesheets: list[str]
    created: str  # dcterms.created, from SOURCE_DATE_EPOCH
    toc: list[TocEntry] = field(default_factory=list)


def render_html(ctx: RenderContext, template: str, folders: tuple[str, ...], **document: Any) -> str:
    """The document's HTML, its table of contents filled from its own headings (``data-toc``)."""
    env = _environment(ctx.paths.html_templates)
    stylesheets = [generated_url(FONTS_STYLESHEET)] + [
        asset_url(ctx.paths.html_templates / folder / f"{folder}.css") for folder in folders
    ]
    created = dt.datetime.fromtimestamp(ctx.source_date_epoch, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    page = _Page(stylesheets, created)
    first = env.get_template(template).render(page=page, **document)
    page = _Page(stylesheets, created, _toc_entries(first))
    return env.get_template(template).render(page=page, **document)


def _toc_entries(html: str) -> list[TocEntry]:
    """The headings marked ``data-toc="<level>"`` (with an id), in document order."""
    entries = []
    for element in lxml_html.fromstring(html).iter():
        level, anchor = element.get("data-toc"), element.get("id")
        if isinstance(element.tag, str) and level and anchor:
            entries.append(TocEntry(int(level), anchor, " ".join(element.text_content().split())))
    return entries


@lru_cache(maxsize=4)
def _environment(template_dir: Path) -> Environment:
    return make_env(template_dir, {"cn_number": chinese_number, "circled": circled_number})


def _asset_roots(ctx: RenderContext) -> list[Path]:
    return [ctx.paths.html_templates / folder for folder in (PRINT_FOLDER, REPORT_FOLDER, TARGETS_FOLDER)]


def _report_problems(ctx: RenderContext, result: RenderedPdf, content_path: str, template: str) -> None:
    """Refused URLs are errors at the content file (a Markdown image names them); warnings at the template."""
    for refusal in result.refused:
        ctx.diagnostics.error(content_path, 1, 1, f"the PDF leaves out {refusal.describe()}", "pdf-refused-url")
    template_path = display_path(ctx.paths.html_templates / template, ctx.root)
    for warning in result.warnings:
        ctx.diagnostics.warning(template_path, 1, 1, f"WeasyPrint: {warning}", "pdf-warning")
