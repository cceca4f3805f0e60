"""Cross-file checks (语义检查): what each file can be valid alone and still get wrong.

Dangling references, duplicate ids, indicators outside the hierarchy, scores above their
maximum, allocations that do not add up, targets that look quantitative but do not parse,
unknown facts in narratives. Each problem points at the line a person must edit; the
checks never stop at the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from docgen.diagnostics import Diagnostics
from docgen.facts.derive import YearFacts, derive
from docgen.facts.placeholders import fact_table, unknown_facts
from docgen.facts.target_values import Kind, looks_quantitative, parse_target
from docgen.model.content import Content
from docgen.model.hierarchy import Hierarchy
from docgen.model.schema import NARRATIVE_SLOTS, PERIODS, AttachmentRef, FundEvaluation, Project
from docgen.source.yaml_loader import Path_, YamlDocument

TOLERANCE = Decimal("0.01")


class _Reporter:
    """Positions diagnostics at a key path of a loaded file."""

    def __init__(self, content: Content, diagnostics: Diagnostics) -> None:
        self.content = content
        self.diagnostics = diagnostics

    def _doc(self, path: str) -> YamlDocument | None:
        return self.content.documents.get(path)

    def error(self, path: str, loc: Path_, message: str, code: str, *, line_index: int = 0, col: int = 0) -> None:
        self._emit(path, loc, message, code, line_index, col, warning=False)

    def warning(self, path: str, loc: Path_, message: str, code: str, *, line_index: int = 0, col: int = 0) -> None:
        self._emit(path, loc, message, code, line_index, col, warning=True)

    def _emit(
        self, path: str, loc: Path_, message: str, code: str, line_index: int, col: int, *, warning: bool
    ) -> None:
        doc = self._doc(path)
        if doc is None:
            line, column = 1, 1
        elif line_index or col:
            line, column = doc.text_position(loc, line_index, col)
        else:
            pos = doc.position(loc)
            line, column = pos.line, pos.col
        (self.diagnostics.warning if warning else self.diagnostics.error)(path, line, column, message, code)


def check_content(content: Content, diagnostics: Diagnostics) -> dict[int, YearFacts]:
    """Run every cross-file check; return the derived facts (for callers that go on to render)."""
    report = _Reporter(content, diagnostics)
    _check_projects(content, report)
    _check_funds(content, report)
    facts = derive(content)
    _check_evaluations(content, report, facts)
    _check_notices(content, report)
    return facts


def _check_projects(content: Content, report: _Reporter) -> None:
    for year, projects in sorted(content.projects.items()):
        fund = content.funds.get(year)
        hierarchy = Hierarchy(content.hierarchy, fund.hierarchy if fund else "current")
        direction_ids = {d.id for d in fund.directions} if fund else set()
        seen_seq: dict[int, str] = {}
        for project in sorted(projects.values(), key=lambda p: p.id):
            path = content.file_of("project", year, project.id) or ""
            if project.seq in seen_seq:
                report.error(
                    path, ("seq",), f"序号 {project.seq} is also used by {seen_seq[project.seq]}", "duplicate-seq"
                )
            seen_seq.setdefault(project.seq, project.id)
            fund_invalid = fund is None and content.exists("fund", year)
            if project.direction is not None and project.direction not in direction_ids and not fund_invalid:
                known = ", ".join(sorted(direction_ids)) or "none: funds/<year>.yaml lists no directions"
                msg = f"unknown 资金使用方向 {project.direction!r} (known: {known})"
                report.error(path, ("direction",), msg, "unknown-direction")
            if (
                project.allocated is not None
                and project.requested is not None
                and project.allocated > project.requested
            ):
                msg = f"分配金额 {project.allocated} is above the 申报金额 {project.requested}"
                report.warning(path, ("allocated",), msg, "allocated-above-requested")
            _check_indicators(project, path, hierarchy, report)


def _check_indicators(project: Project, path: str, hierarchy: Hierarchy, report: _Reporter) -> None:
    periods = project.goals.periods()
    seen_keys: set[str] = set()
    for i, category in enumerate(project.indicators):
        if hierarchy.level1(category.level1) is None:
            accepted = "、".join(hierarchy.accepted_level1())
            msg = f"一级指标 {category.level1!r} is not in the {hierarchy.version} hierarchy ({accepted})"
            report.error(path, ("indicators", i, "level1"), msg, "hierarchy")
            continue
        for j, group in enumerate(category.groups):
            if hierarchy.place(category.level1, group.level2) is None:
                accepted = "、".join(hierarchy.accepted_level2(category.level1))
                msg = (
                    f"二级指标 {group.level2!r} is not under {category.level1} "
                    f"in the {hierarchy.version} hierarchy ({accepted})"
                )
                report.error(path, ("indicators", i, "groups", j, "level2"), msg, "hierarchy")
            for k, item in enumerate(group.items):
                loc: Path_ = ("indicators", i, "groups", j, "items", k)
                if item.key is not None:
                    if item.key in seen_keys:
                        report.error(path, (*loc, "key"), f"indicator key {item.key!r} is used twice", "duplicate-key")
                    seen_keys.add(item.key)
                for period in PERIODS:
                    value = item.value(period)
                    if value is None:
                        continue
                    if period not in periods:
                        msg = f"a {period} value, but the project has no goals.{period}: the column does not exist"
                        report.error(path, (*loc, period), msg, "no-such-period")
                    if parse_target(value).kind is Kind.QUALITATIVE and looks_quantitative(value):
                        msg = f"{value!r} looks quantitative but does not parse; it is treated as text"
                        report.warning(path, (*loc, period), msg, "unparsed-value")


def _check_funds(content: Content, report: _Reporter) -> None:
    for year, fund in sorted(content.funds.items()):
        path = content.file_of("fund", year) or ""
        projects = content.projects.get(year, {})
        ids = [d.id for d in fund.directions]
        for i, direction in enumerate(fund.directions):
            if ids.count(direction.id) > 1 and ids.index(direction.id) != i:
                report.error(
                    path, ("directions", i, "id"), f"direction id {direction.id!r} is used twice", "duplicate-id"
                )
        for i, recovery in enumerate(fund.recoveries):
            project = projects.get(recovery.project)
            if project is None and content.exists("project", year, recovery.project):
                continue
            if project is None:
                msg = f"收回 refers to project {recovery.project!r}, which is not in projects/{year}/"
                report.error(path, ("recoveries", i, "project"), msg, "unknown-project")
            elif project.allocated is None or recovery.amount > project.allocated:
                msg = f"收回 {recovery.amount} is more than the project's 分配金额 {project.allocated}"
                report.error(path, ("recoveries", i, "amount"), msg, "recovery-too-large")
        allocated = [p.allocated for p in projects.values() if p.allocated is not None]
        if fund.budget is not None and allocated and sum(allocated, Decimal(0)) != fund.budget:
            msg = f"allocations add up to {sum(allocated, Decimal(0))}, not to the fund's 资金额度 {fund.budget}"
            report.warning(path, ("budget",), msg, "allocations-do-not-add-up")


def _check_evaluations(content: Content, report: _Reporter, facts: dict[int, YearFacts]) -> None:
    for year, evaluations in sorted(content.evaluations.items()):
        fund_eval = content.fund_evaluations.get(year)
        sections = {s.key: s for s in fund_eval.sections} if fund_eval else {}
        projects = content.projects.get(year, {})
        for evaluation in sorted(evaluations.values(), key=lambda e: e.project):
            path = content.file_of("evaluation", year, evaluation.project) or ""
            project = projects.get(evaluation.project)
            if project is None and not content.exists("project", year, evaluation.project):
                msg = f"evaluates project {evaluation.project!r}, which is not in projects/{year}/"
                report.error(path, ("project",), msg, "unknown-project")
            for key, value in evaluation.scores.items():
                section = sections.get(key)
                if section is None:
                    msg = f"section {key.value!r} is not in evaluations/{year}/_fund.yaml sections"
                    report.error(path, ("scores", key.value), msg, "unknown-section")
                elif value > section.max:
                    msg = f"score {value} is above the section's maximum {section.max} ({section.name})"
                    report.error(path, ("scores", key.value), msg, "score-above-max")
            for i, result in enumerate(evaluation.results):
                if project is not None and not any(True for _ in matching_indicators(project, result.indicator)):
                    msg = f"indicator {result.indicator!r} is not in the project's table (write level2/name or its key)"
                    report.error(path, ("results", i, "indicator"), msg, "unknown-indicator")
    for year, fund_eval in sorted(content.fund_evaluations.items()):
        _check_fund_evaluation(content, report, year, fund_eval, facts[year])


def matching_indicators(project: Project, ref: str) -> Iterator[tuple[str, str | None]]:
    """(二级, 三级 name) of the project's indicators an evaluation result names (its key or level2/name)."""
    for category in project.indicators:
        for group in category.groups:
            for item in group.items:
                if ref in (item.key, f"{group.level2}/{item.name}", f"{category.level1}/{group.level2}/{item.name}"):
                    yield group.level2, item.name


def _check_fund_evaluation(
    content: Content, report: _Reporter, year: int, fund_eval: FundEvaluation, facts: YearFacts
) -> None:
    path = content.file_of("fund-evaluation", year) or ""
    keys: set[str] = set()
    for i, indicator in enumerate(fund_eval.indicators):
        loc: Path_ = ("indicators", i)
        if indicator.key in keys:
            report.error(path, (*loc, "key"), f"indicator key {indicator.key!r} is used twice", "duplicate-key")
        keys.add(indicator.key)
        if indicator.project is not None and not content.exists("project", year, indicator.project):
            report.error(
                path, (*loc, "project"), f"project {indicator.project!r} is not in projects/{year}/", "unknown-project"
            )
        if indicator.override is not None and indicator.override.score > indicator.points:
            msg = f"score {indicator.override.score} is above the indicator's 分值 {indicator.points}"
            report.error(path, (*loc, "override", "score"), msg, "score-above-max")
        result = facts.indicator_scores[indicator.key]
        if result.problem is not None:
            report.error(path, loc, f"{indicator.name}: cannot be scored: {result.problem}", "unscored")
        warn_ratio = content.scoring.over_achievement.warn_ratio or content.scoring.over_achievement.ratio
        if result.ratio is not None and result.ratio >= warn_ratio and indicator.explanation is None:
            msg = (
                f"actual {indicator.actual} is {result.ratio:.1f}× the target {indicator.target} "
                f"(目标值设置偏低?); explain it in `explanation`"
            )
            report.warning(path, (*loc, "actual"), msg, "far-above-target")
    for section_facts in facts.sections:
        i = fund_eval.sections.index(section_facts.section)
        if (
            section_facts.details_total is not None
            and section_facts.average is not None
            and abs(section_facts.details_total - section_facts.average) > TOLERANCE
        ):
            msg = (
                f"the details' averages add up to {section_facts.details_total}, "
                f"but the projects' {section_facts.name} scores average {section_facts.average:.2f}"
            )
            report.warning(path, ("sections", i, "details"), msg, "details-do-not-add-up")
    table = fact_table(facts)
    texts: list[tuple[Path_, str | None]] = [
        (("narrative", slot), getattr(fund_eval.narrative, slot)) for slot in NARRATIVE_SLOTS
    ]
    for i, section in enumerate(fund_eval.sections):
        texts.append((("sections", i, "text"), section.text))
        texts.extend((("sections", i, "details", j, "text"), d.text) for j, d in enumerate(section.details))
    for i, indicator in enumerate(fund_eval.indicators):
        texts.append((("indicators", i, "analysis"), indicator.analysis))
    texts.extend((("level_texts", name), text) for name, text in fund_eval.level_texts.items())
    for loc, text in texts:
        for unknown in unknown_facts(text or "", table):
            msg = f"unknown fact ${{{unknown.name}}} (see docs/content-model.md, “Facts a narrative may name”)"
            report.error(path, loc, msg, "unknown-fact", line_index=unknown.line_index, col=unknown.col)


def _check_notices(content: Content, report: _Reporter) -> None:
    for notice in content.notices:
        path = content.file_of("notice", notice.slug) or ""
        for i, attachment in enumerate(notice.meta.attachments):
            problem = attachment_problem(content, attachment)
            if problem:
                report.error(path, ("attachments", i, "ref"), problem, "unknown-attachment")


def attachment_problem(content: Content, attachment: AttachmentRef) -> str | None:
    """Why an attachment reference cannot be built, or None."""
    if attachment.ref is None:
        return None
    kind, year_text, *rest = attachment.ref.split("/")
    year = int(year_text)
    if kind == "catalog" and (year not in content.funds or content.funds[year].catalog is None):
        return f"{attachment.ref}: funds/{year}.yaml has no catalog"
    if kind in ("allocation", "targets", "bundle") and not content.projects.get(year):
        return f"{attachment.ref}: there are no projects in {year}"
    if kind == "targets" and rest and rest[0] not in content.projects.get(year, {}):
        return f"{attachment.ref}: no project {rest[0]!r} in {year}"
    if kind == "report" and year not in content.fund_evaluations:
        return f"{attachment.ref}: there is no evaluation of {year}"
    return None
