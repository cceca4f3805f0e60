"""The pages of the publication website (信息公开网站) and what each one shows.

:func:`site_pages` lists every page with the content files it is made from and the documents
it links to; :func:`page_context` gathers what its template needs. Figures come from
:mod:`docgen.facts` and are formatted by the templates' filters; nothing here formats a figure.

Site layout (paths relative to the site root; links between pages are relative, so the site
works wherever the bureau puts it)::

    index.html                         home: latest notices, the fund-years
    notices/index.html                 通知公告
    notices/<slug>.html                one notice, in the bureau's layout, with its attachments
    years/index.html                   资金安排: every fund-year
    years/<year>/index.html            one fund-year
    years/<year>/projects/<id>.html    one project in one year
    changes/<year>-<year>.html         年度变化 between consecutive years
    search.html, sitemap.html, 404.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from docgen.cache_home import kept_file
from docgen.diagnostics import display_path
from docgen.facts.derive import ProjectFacts, SectionFacts, YearFacts
from docgen.facts.placeholders import fact_table, fill
from docgen.facts.scoring import IndicatorScore
from docgen.facts.target_values import parse_target
from docgen.kept_pack import KeptPack
from docgen.model.checks import matching_indicators
from docgen.model.content import Content, Notice
from docgen.model.schema import FundIndicator, IndicatorResult, Project, ProjectEvaluation
from docgen.render.context import RenderContext
from docgen.render.indicator_table import IndicatorTable, Row, build_table, goal_title
from docgen.render.markdown import escape_markdown
from docgen.render.site_changes import consecutive_years, year_changes
from docgen.render.site_documents import (
    Download,
    attachment_downloads,
    project_downloads,
    ref_paths,
    year_downloads,
)

GOAL_ORDER = ("cycle", "annual", "stage")
"""The order of the goal rows in the bureau's documents (实施周期, 年度, 阶段)."""

LATEST_NOTICES = 6
"""How many notices the home page lists."""

CONFIG_FILES = ("site.yaml", "hierarchy.yaml", "scoring.yaml")
"""Content every page depends on: the header and footer (site.yaml), the grades and hierarchy names."""

INDEXED_KINDS = frozenset({"notice", "year", "project"})
"""The pages the search covers."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the site (网页): its path, what it shows, and what it is made from."""

    path: str  # relative to the site root, posix: "years/2022/projects/reguarantee-fee-subsidy.html"
    kind: str  # home | notices | notice | years | year | project | changes | search | sitemap | not-found
    key: tuple[str, ...] = ()  # which notice, year, project, pair of years
    title: str = ""
    content_files: tuple[str, ...] = ()
    downloads: tuple[Download, ...] = ()  # documents it could link to (those the build writes are linked)

    def linked(self, available: Iterable[str]) -> tuple[Download, ...]:
        """The documents it links to: those of ``available`` (the documents the build writes)."""
        written = set(available)
        return tuple(d for d in self.downloads if d.built in written)

    @property
    def template(self) -> str:
        return f"site/{self.kind}.html"

    @property
    def indexed(self) -> bool:
        return self.kind in INDEXED_KINDS

    @property
    def root(self) -> str:
        """The relative path from this page up to the site root ("", "../", "../../../")."""
        return "../" * self.path.count("/")

    @property
    def public_path(self) -> str:
        """Its path as the canonical URL writes it: "years/2022/" for years/2022/index.html."""
        return self.path.removesuffix("index.html")


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of the breadcrumb (您现在所在的位置); ``path`` None for a section without a page."""

    label: str
    path: str | None = None


def notice_path(notice: Notice) -> str:
    return f"notices/{notice.slug}.html"


def year_path(year: int) -> str:
    return f"years/{year}/index.html"


def project_path(project: Project) -> str:
    return f"years/{project.year}/projects/{project.id}.html"


def changes_path(before: int, after: int) -> str:
    return f"changes/{before}-{after}.html"


def site_pages(ctx: RenderContext) -> list[Page]:
    """Every page of the site, each with every document it could link to (see :meth:`Page.linked`)."""
    content = ctx.content
    files = _Files(ctx)
    pages = [
        Page("index.html", "home", title="首页", content_files=files.everything()),
        Page("notices/index.html", "notices", title="通知公告", content_files=files.notices()),
        Page("years/index.html", "years", title="资金安排", content_files=files.everything()),
        Page("search.html", "search", title="站内搜索", content_files=files.common()),
        Page("sitemap.html", "sitemap", title="网站地图", content_files=files.everything()),
        Page("404.html", "not-found", title="页面未找到", content_files=files.common()),
    ]
    for notice in content.notices:
        downloads = tuple(
            download
            for number, attachment in enumerate(notice.meta.attachments, start=1)
            for download in attachment_downloads(attachment, number)
        )
        pages.append(
            Page(
                notice_path(notice),
                "notice",
                (notice.slug,),
                notice.meta.title,
                files.common(f"notice/{notice.slug}"),
                downloads,
            )
        )
    for year in content.years:
        pages.append(
            Page(
                year_path(year),
                "year",
                (str(year),),
                f"{year}年",
                files.common(
                    *files.year(year),
                    *files.year(year - 1),
                    *files.year(year + 1),
                    *(f"notice/{notice.slug}" for notice in content.notices if _notice_year(notice) == year),
                ),
                tuple(year_downloads(content, year)),
            )
        )
        for project in content.projects_of(year):
            history = [f"project/{p.year}/{p.id}" for p in content.history(project.id)]
            pages.append(
                Page(
                    project_path(project),
                    "project",
                    (str(year), project.id),
                    project.display_name,
                    files.common(
                        *history,
                        f"evaluation/{year}/{project.id}",
                        f"fund/{year}",
                        f"fund-evaluation/{year}",
                    ),
                    tuple(project_downloads(project)),
                )
            )
    for before, after in consecutive_years(content):
        pages.append(
            Page(
                changes_path(before, after),
                "changes",
                (str(before), str(after)),
                f"{before}年至{after}年变化",
                files.common(*files.year(before), *files.year(after)),
            )
        )
    return pages


class _Files:
    """The content files (project-relative paths) pages are made from."""

    def __init__(self, ctx: RenderContext) -> None:
        self._content = ctx.content
        config = (ctx.paths.content / name for name in CONFIG_FILES)
        self._site = tuple(display_path(path, ctx.root) for path in config if path.is_file())

    def common(self, *keys: str) -> tuple[str, ...]:
        """The configuration files and the files of ``keys`` that exist, in order, once."""
        found = (self._content.files.get(key) for key in keys)
        return tuple(dict.fromkeys((*self._site, *(path for path in found if path))))

    def year(self, year: int) -> list[str]:
        prefixes = (f"fund/{year}", f"fund-evaluation/{year}", f"project/{year}/", f"evaluation/{year}/")
        return sorted(key for key in self._content.files if key.startswith(prefixes))

    def notices(self) -> tuple[str, ...]:
        return self.common(*(f"notice/{n.slug}" for n in self._content.notices))

    def everything(self) -> tuple[str, ...]:
        return self.common(*sorted(self._content.files))


# ---------------------------------------------------------------------------- page contexts


@dataclass(frozen=True, slots=True)
class ResultCell:
    """An evaluation's 实际完成值 against the target in the same row (是否达成)."""

    actual: str
    note: str | None
    met: bool | None  # None: the target and the actual value cannot be compared


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """A row of the indicator table with the evaluation's results for it, if any."""

    row: Row
    results: list[ResultCell]


@dataclass(frozen=True, slots=True)
class FundIndicatorResult:
    """A fund-level indicator (表3-3) and how it scored."""

    indicator: FundIndicator
    score: IndicatorScore


@dataclass(frozen=True, slots=True)
class ProjectLine:
    """A project in the year's tables: the project, its figures, its direction's name."""

    project: Project
    facts: ProjectFacts
    direction: str | None
    path: str


@dataclass(slots=True)
class YearSummary:
    """A fund-year on the home page and the years index."""

    year: int
    facts: YearFacts
    path: str
    evaluated: bool

    @property
    def allocations(self) -> bool:
        """Whether the year's projects have 分配金额 (2021's give only 申报金额)."""
        return any(project.allocated is not None for project in self.facts.projects)


@dataclass(frozen=True, slots=True)
class ProjectEvaluationView:
    """A project's evaluation: section scores, total and grade, budget execution, results."""

    evaluation: ProjectEvaluation
    sections: list[tuple[SectionFacts, Decimal | None]]
    has_results: bool


@dataclass(slots=True)
class PageContext:
    """Everything a page template receives."""

    page: Page
    breadcrumb: list[Crumb]
    values: dict[str, Any] = field(default_factory=dict)


def page_context(ctx: RenderContext, page: Page, available: Iterable[str]) -> PageContext:
    """What the template of ``page`` needs; its documents are those of ``available`` (the build's
    paths of the documents it writes)."""
    linked = replace(page, downloads=page.linked(available))
    context = _BUILDERS[page.kind](ctx, linked)
    context.values["downloads"] = linked.downloads
    return context


def _home(ctx: RenderContext, page: Page) -> PageContext:
    values = {"notices": ctx.content.notices[:LATEST_NOTICES], "years": _year_summaries(ctx)}
    return PageContext(page, [], values)


def _notices(ctx: RenderContext, page: Page) -> PageContext:
    return PageContext(page, [Crumb("通知公告")], {"notices": ctx.content.notices})


def _notice(ctx: RenderContext, page: Page) -> PageContext:
    notice = next(n for n in ctx.content.notices if n.slug == page.key[0])
    attachments = []
    for number, attachment in enumerate(notice.meta.attachments, start=1):
        downloads = [d for d in page.downloads if d.built in ref_paths(attachment.ref or "")]
        attachments.append((number, attachment, downloads))
    sections = notice.meta.breadcrumb or ["通知公告"]
    crumbs = [Crumb(label) for label in sections[:-1]] + [Crumb(sections[-1], "notices/index.html")]
    values = {"notice": notice, "notice_year": _notice_year(notice), "attachments": attachments}
    return PageContext(page, crumbs, values)


def _years(ctx: RenderContext, page: Page) -> PageContext:
    changes = [(before, after, changes_path(before, after)) for before, after in consecutive_years(ctx.content)]
    return PageContext(page, [Crumb("资金安排")], {"years": _year_summaries(ctx), "changes": changes})


def _year(ctx: RenderContext, page: Page) -> PageContext:
    year = int(page.key[0])
    content, facts = ctx.content, ctx.facts[year]
    fund = content.funds.get(year)
    fund_eval = content.fund_evaluations.get(year)
    lines = _project_lines(content, facts, year)
    scores = [FundIndicatorResult(i, facts.indicator_scores[i.key]) for i in fund_eval.indicators] if fund_eval else []
    names = {line.project.id: line.project.display_name for line in lines}
    recoveries = [(r, names.get(r.project, r.project)) for r in (fund.recoveries if fund else [])]
    pairs = consecutive_years(content)
    values = {
        "year": year,
        "fund": fund,
        "facts": facts,
        "lines": lines,
        "fund_evaluation": fund_eval,
        "indicator_scores": scores,
        "recoveries": recoveries,
        "evaluated_lines": [line for line in lines if line.facts.scores],
        "narrative": _narrative(fund_eval.narrative.evaluation if fund_eval else None, facts),
        "notices": [n for n in content.notices if _notice_year(n) == year],
        "changes": [(b, a, changes_path(b, a)) for b, a in pairs if year in (b, a)],
        "chart": _direction_chart(facts),
        "columns": {  # the 分配方案's columns that some project fills
            "applicant": any(line.project.applicant for line in lines),
            "implementers": any(line.project.implementers for line in lines),
            "requested": any(line.project.requested is not None for line in lines),
            "allocated": any(line.project.allocated is not None for line in lines),
            "approval": any(line.project.approval for line in lines),
            "note": any(line.project.note for line in lines),
        },
    }
    return PageContext(page, [Crumb("资金安排", "years/index.html"), Crumb(f"{year}年")], values)


def _project(ctx: RenderContext, page: Page) -> PageContext:
    year, project_id = int(page.key[0]), page.key[1]
    content, facts = ctx.content, ctx.facts[year]
    project = content.projects[year][project_id]
    project_facts = facts.project(project_id)
    fund = content.funds.get(year)
    direction = next((d.name for d in fund.directions if d.id == project.direction), None) if fund else None
    evaluation = content.evaluations.get(year, {}).get(project_id)
    table = build_table(project)
    fund_eval = content.fund_evaluations.get(year)
    fund_indicators = [
        FundIndicatorResult(i, facts.indicator_scores[i.key])
        for i in (fund_eval.indicators if fund_eval else [])
        if i.project == project_id
    ]
    goals = [(goal_title(project, p, g), g) for p in GOAL_ORDER if (g := getattr(project.goals, p)) is not None]
    values = {
        "project": project,
        "facts": project_facts,
        "direction": direction,
        "goals": goals,
        "table": table,
        "rows": _indicator_rows(project, table, evaluation),
        "evaluation": _evaluation_view(facts, project_facts, evaluation),
        "fund_indicators": fund_indicators,
        "history": [(p.year, project_path(p)) for p in content.history(project_id)],
        "year": year,
    }
    crumbs = [Crumb("资金安排", "years/index.html"), Crumb(f"{year}年", year_path(year)), Crumb(project.display_name)]
    return PageContext(page, crumbs, values)


def _changes(ctx: RenderContext, page: Page) -> PageContext:
    before, after = int(page.key[0]), int(page.key[1])
    diff = _semantic_diff(ctx, before, after)
    values = {
        "changes": year_changes(ctx.content, ctx.facts, before, after) if diff is None else None,
        "diff": diff,
        "before": before,
        "after": after,
    }
    return PageContext(page, [Crumb("资金安排", "years/index.html"), Crumb(page.title)], values)


_SOURCE_ATTRIBUTE = re.compile(r' data-source="[^"<>]*"')


def _semantic_diff(ctx: RenderContext, before: int, after: int) -> Markup | None:
    """docgen's diff of the two years as an HTML fragment (it escapes all content); None without docgen.diff.

    The fragment's ``data-source="path:line"`` attributes are for reviewers, not for the public: they
    are left out, and the diff does not look up positions (parsing cached content again would cost
    ~4 ms a file).
    """
    try:
        import docgen.diff as diff
        from docgen.diff.memo import DiffMemo, dumps
    except ImportError:
        return None
    pack = KeptPack(kept_file("diff", f"{ctx.root.resolve()}\0{before}-{after}", ".pickle"), dumps)
    memo = DiffMemo.kept_in(pack)
    comparison = diff.compare_years(ctx.content, before, after, facts=ctx.facts, located=False, memo=memo)
    fragment = diff.render_html(comparison, memo=memo)
    memo.keep_in(pack)
    return Markup(_SOURCE_ATTRIBUTE.sub("", str(fragment)))  # removing attributes keeps it escaped


def _plain(ctx: RenderContext, page: Page) -> PageContext:
    return PageContext(page, [Crumb(page.title)])


def _sitemap(ctx: RenderContext, page: Page) -> PageContext:
    content = ctx.content
    years = [
        (year, year_path(year), [(p.display_name, project_path(p)) for p in content.projects_of(year)])
        for year in content.years
    ]
    values = {"notices": content.notices, "years": years, "changes": consecutive_years(content)}
    return PageContext(page, [Crumb(page.title)], values)


_BUILDERS = {
    "home": _home,
    "notices": _notices,
    "notice": _notice,
    "years": _years,
    "year": _year,
    "project": _project,
    "changes": _changes,
    "search": _plain,
    "not-found": _plain,
    "sitemap": _sitemap,
}


# ---------------------------------------------------------------------------- helpers


def _notice_year(notice: Notice) -> int:
    """The fund-year a notice belongs to: its ``year``, else that of its first attachment, else its date's."""
    if notice.meta.year is not None:
        return notice.meta.year
    refs = [a.ref for a in notice.meta.attachments if a.ref]
    return int(refs[0].split("/")[1]) if refs else notice.meta.date.year


def _year_summaries(ctx: RenderContext) -> list[YearSummary]:
    return [
        YearSummary(year, ctx.facts[year], year_path(year), year in ctx.content.fund_evaluations)
        for year in sorted(ctx.content.years, reverse=True)
    ]


def _project_lines(content: Content, facts: YearFacts, year: int) -> list[ProjectLine]:
    fund = content.funds.get(year)
    directions = {d.id: d.name for d in fund.directions} if fund else {}
    lines = []
    for project in content.projects_of(year):
        project_facts = facts.project(project.id)
        assert project_facts is not None  # derive() makes facts for every project
        direction = directions.get(project.direction or "")
        lines.append(ProjectLine(project, project_facts, direction, project_path(project)))
    return lines


def _narrative(text: str | None, facts: YearFacts) -> str | None:
    """A narrative's Markdown with its ${fact} placeholders filled in (as literal text, never Markdown)."""
    if not text:
        return None
    return fill(text, {name: escape_markdown(value) for name, value in fact_table(facts).items()})


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar of the 资金使用方向 chart: its label, value and length (0 to 1 of the widest)."""

    label: str
    amount: Decimal
    share: Decimal | None
    count: int
    length: Decimal


def _direction_chart(facts: YearFacts) -> list[ChartBar]:
    """The bars of the directions chart, each as long as its amount relative to the largest."""
    largest = max((d.amount for d in facts.directions), default=Decimal(0))
    if not largest:
        return []
    return [ChartBar(d.name, d.amount, d.share, d.count, d.amount / largest) for d in facts.directions]


def _indicator_rows(
    project: Project, table: IndicatorTable, evaluation: ProjectEvaluation | None
) -> list[IndicatorRow]:
    """The table's rows, each with the results the evaluation reports for its indicator."""
    results: dict[tuple[str, str], list[IndicatorResult]] = {}
    for result in evaluation.results if evaluation else []:
        for level2, name in matching_indicators(project, result.indicator):
            results.setdefault((level2, name or ""), []).append(result)
    periods = [column.period for column in table.columns]
    rows = []
    for row in table.rows:
        cells = []
        for result in results.get((row.level2.text, row.name.text), []) if row.name.text or row.values else []:
            target = row.values[periods.index(result.period)] if result.period in periods else ""
            met = parse_target(target, result.period).is_met_by(parse_target(result.actual)) if target else None
            cells.append(ResultCell(result.actual, result.note, met))
        rows.append(IndicatorRow(row, cells))
    return rows


def _evaluation_view(
    facts: YearFacts, project_facts: ProjectFacts | None, evaluation: ProjectEvaluation | None
) -> ProjectEvaluationView | None:
    if evaluation is None or project_facts is None:
        return None
    sections = [(section, project_facts.scores.get(section.key)) for section in facts.sections]
    return ProjectEvaluationView(evaluation, sections, bool(evaluation.results))
