"""What changed from one fund-year to the next (年度变化), for the website's changes pages.

docgen's diff (:mod:`docgen.diff`, issue 6) compares two years indicator by indicator. Until it
is there, the changes page shows what can be read off the projects directly: the projects
added, removed and continued (matched by their stable ``id``), with their allocations.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from docgen.facts.derive import ProjectFacts, YearFacts
from docgen.model.content import Content
from docgen.model.schema import Project


@dataclass(frozen=True, slots=True)
class ContinuedProject:
    """A project funded in both years (延续项目)."""

    before: Project
    after: Project
    allocated_before: Decimal | None
    allocated_after: Decimal | None

    @property
    def allocation_change(self) -> Decimal | None:
        if self.allocated_before is None or self.allocated_after is None:
            return None
        return self.allocated_after - self.allocated_before

    @property
    def renamed(self) -> bool:
        return self.before.display_name != self.after.display_name


@dataclass(frozen=True, slots=True)
class YearChanges:
    """The projects of two consecutive years, compared (年度项目对比)."""

    before: YearFacts
    after: YearFacts
    added: list[tuple[Project, ProjectFacts]]
    removed: list[tuple[Project, ProjectFacts]]
    continued: list[ContinuedProject]

    @property
    def budget_change(self) -> Decimal | None:
        if self.before.budget is None or self.after.budget is None:
            return None
        return self.after.budget - self.before.budget


def consecutive_years(content: Content) -> list[tuple[int, int]]:
    """The pairs of years with projects, each with the next one (2021→2022, 2022→2023 …)."""
    years = [year for year in content.years if content.projects.get(year)]
    return list(pairwise(years))


def year_changes(content: Content, facts: dict[int, YearFacts], before: int, after: int) -> YearChanges:
    """Projects added, removed and continued between ``before`` and ``after``."""
    old = {p.id: p for p in content.projects_of(before)}
    new = {p.id: p for p in content.projects_of(after)}

    def with_facts(project: Project) -> tuple[Project, ProjectFacts]:
        project_facts = facts[project.year].project(project.id)
        assert project_facts is not None  # every project has facts
        return project, project_facts

    return YearChanges(
        before=facts[before],
        after=facts[after],
        added=[with_facts(p) for pid, p in new.items() if pid not in old],
        removed=[with_facts(p) for pid, p in old.items() if pid not in new],
        continued=[
            ContinuedProject(old[pid], p, old[pid].allocated, p.allocated) for pid, p in new.items() if pid in old
        ],
    )
