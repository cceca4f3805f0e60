"""Derived facts: every figure the documents show, computed from content (计算所得数据).

Pure functions over the validated :class:`~docgen.model.content.Content`; no I/O and no
formatting (that lives in :mod:`docgen.facts.format`). Renderers read figures only from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from docgen.facts.format import money_plain
from docgen.facts.scoring import IndicatorScore, grade, score_indicator
from docgen.model.content import Content
from docgen.model.schema import (
    Approval,
    FundEvaluation,
    Project,
    ProjectEvaluation,
    ScoringPolicy,
    Section,
    SectionKey,
)

ZERO = Decimal(0)


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return part / whole if whole else None


def total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """A project's figures in one year (项目数据)."""

    id: str
    seq: int
    name: str
    allocated: Decimal | None  # 分配金额 as first allocated
    recovered: Decimal  # 收回
    net: Decimal | None  # allocated − recovered: the budget of 表1-1 / 表3-2
    spent: Decimal | None
    execution_rate: Decimal | None
    scores: dict[SectionKey, Decimal]
    total: Decimal | None
    grade: str | None
    recovery_note: str | None  # 备注: 原下达160万元，后收回66.71万元


@dataclass(frozen=True, slots=True)
class DirectionFacts:
    """One 资金使用方向: its projects, amount and share (表1-2)."""

    id: str
    name: str
    projects: list[ProjectFacts]
    amount: Decimal
    share: Decimal | None

    @property
    def count(self) -> int:
        return len(self.projects)


@dataclass(frozen=True, slots=True)
class SectionFacts:
    """An evaluation section across the year's projects: average score and 得分率."""

    key: SectionKey
    name: str
    max: Decimal
    average: Decimal | None
    rate: Decimal | None
    section: Section
    details_total: Decimal | None  # Σ of the evaluators' detail averages (checked against ``average``)


@dataclass(frozen=True, slots=True)
class LevelFacts:
    """Points and score of a group of fund indicators (一级 or 二级)."""

    name: str
    points: Decimal
    score: Decimal


@dataclass(frozen=True, slots=True)
class YearFacts:
    """Everything computed for one fund-year (年度数据)."""

    year: int
    budget: Decimal | None
    requested: Decimal
    allocated: Decimal
    recovered: Decimal
    net: Decimal
    spent: Decimal | None
    execution_rate: Decimal | None
    projects: list[ProjectFacts]
    provincial: list[ProjectFacts]
    municipal: list[ProjectFacts]
    directions: list[DirectionFacts]
    sections: list[SectionFacts]
    indicator_scores: dict[str, IndicatorScore] = field(default_factory=dict)
    levels: dict[str, LevelFacts] = field(default_factory=dict)
    score: Decimal | None = None
    grade: str | None = None

    @property
    def project_count(self) -> int:
        return len(self.projects)

    @property
    def average_total(self) -> Decimal | None:
        """The projects' average total score (表2-1 平均得分 of 合计)."""
        totals = [p.total for p in self.projects if p.total is not None]
        return total(totals) / len(totals) if totals else None

    @property
    def max_total(self) -> Decimal:
        """The most a project can score: the sections' maxima added up."""
        return total(s.max for s in self.sections)

    @property
    def average_total_rate(self) -> Decimal | None:
        average = self.average_total
        return ratio(average, self.max_total) if average is not None else None

    def project(self, project_id: str) -> ProjectFacts | None:
        return next((p for p in self.projects if p.id == project_id), None)

    @property
    def provincial_amount(self) -> Decimal:
        return total(p.allocated for p in self.provincial)

    @property
    def municipal_amount(self) -> Decimal:
        return total(p.allocated for p in self.municipal)


def derive_year(content: Content, year: int) -> YearFacts:
    """Compute the figures of ``year`` from its projects, fund-year, and evaluations."""
    fund = content.funds.get(year)
    projects = content.projects_of(year)
    evaluations = content.evaluations.get(year, {})
    fund_eval = content.fund_evaluations.get(year)
    recovered_by_project: dict[str, Decimal] = {}
    for recovery in fund.recoveries if fund else []:
        recovered_by_project[recovery.project] = recovered_by_project.get(recovery.project, ZERO) + recovery.amount

    project_facts = [
        _project_facts(p, recovered_by_project.get(p.id, ZERO), evaluations.get(p.id), content) for p in projects
    ]
    allocated = total(p.allocated for p in project_facts)
    recovered = total(recovered_by_project.values())
    net = total(p.net for p in project_facts)
    spent_values = [p.spent for p in project_facts if p.spent is not None]
    spent = total(spent_values) if spent_values else None
    execution_rate = ratio(spent, net) if spent is not None else None

    directions: list[DirectionFacts] = []
    if fund:
        direction_total = total(p.allocated for p in project_facts if _direction(projects, p.id) is not None)
        for direction in fund.directions:
            members = [pf for pf, p in zip(project_facts, projects, strict=True) if p.direction == direction.id]
            amount = total(m.allocated for m in members)
            directions.append(
                DirectionFacts(direction.id, direction.name, members, amount, ratio(amount, direction_total))
            )

    by_approval = {p.id: p.approval for p in projects}
    scores, levels, fund_score = _score_fund(fund_eval, execution_rate, content.scoring)
    return YearFacts(
        year=year,
        budget=fund.budget if fund else None,
        requested=total(p.requested for p in projects),
        allocated=allocated,
        recovered=recovered,
        net=net,
        spent=spent,
        execution_rate=execution_rate,
        projects=project_facts,
        provincial=[p for p in project_facts if by_approval[p.id] is Approval.PROVINCIAL],
        municipal=[p for p in project_facts if by_approval[p.id] is Approval.MUNICIPAL],
        directions=directions,
        sections=_sections(fund_eval, project_facts),
        indicator_scores=scores,
        levels=levels,
        score=fund_score,
        grade=grade(fund_score, content.scoring) if fund_score is not None else None,
    )


def _direction(projects: list[Project], project_id: str) -> str | None:
    return next((p.direction for p in projects if p.id == project_id), None)


def _project_facts(
    project: Project, recovered: Decimal, evaluation: ProjectEvaluation | None, content: Content
) -> ProjectFacts:
    net = project.allocated - recovered if project.allocated is not None else None
    spent = None
    scores: dict[SectionKey, Decimal] = {}
    if evaluation is not None:
        spent = evaluation.execution.spent if evaluation.execution else None
        scores = dict(evaluation.scores)
    project_total = total(scores.values()) if scores else None
    note = None
    if recovered and project.allocated is not None:
        note = f"原下达{money_plain(project.allocated)}万元，后收回{money_plain(recovered)}万元"
    return ProjectFacts(
        id=project.id,
        seq=project.seq,
        name=project.display_name,
        allocated=project.allocated,
        recovered=recovered,
        net=net,
        spent=spent,
        execution_rate=ratio(spent, net) if spent is not None and net else None,
        scores=scores,
        total=project_total,
        grade=grade(project_total, content.scoring) if project_total is not None else None,
        recovery_note=note,
    )


def _sections(fund_eval: FundEvaluation | None, projects: list[ProjectFacts]) -> list[SectionFacts]:
    if fund_eval is None:
        return []
    result = []
    for section in fund_eval.sections:
        values = [p.scores[section.key] for p in projects if section.key in p.scores]
        average = total(values) / len(values) if values else None
        details_total = total(d.average for d in section.details) if section.details else None
        result.append(
            SectionFacts(
                key=section.key,
                name=section.name,
                max=section.max,
                average=average,
                rate=ratio(average, section.max) if average is not None else None,
                section=section,
                details_total=details_total,
            )
        )
    return result


def _score_fund(
    fund_eval: FundEvaluation | None, execution_rate: Decimal | None, policy: ScoringPolicy
) -> tuple[dict[str, IndicatorScore], dict[str, LevelFacts], Decimal | None]:
    """Score the fund-level indicators; the fund's score is their sum when all can be scored."""
    if fund_eval is None:
        return {}, {}, None
    scores = {i.key: score_indicator(i, execution_rate, policy) for i in fund_eval.indicators}
    levels: dict[str, LevelFacts] = {}
    for indicator in fund_eval.indicators:
        result = scores[indicator.key]
        for name in (indicator.level1, indicator.level2):
            level = levels.get(name, LevelFacts(name, ZERO, ZERO))
            levels[name] = LevelFacts(name, level.points + result.points, level.score + (result.score or ZERO))
    complete = bool(scores) and all(s.score is not None for s in scores.values())
    return scores, levels, total(s.score for s in scores.values()) if complete else None


def derive(content: Content) -> dict[int, YearFacts]:
    """The facts of every year in the content."""
    return {year: derive_year(content, year) for year in content.years}
