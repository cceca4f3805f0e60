"""The loaded content: every validated file, indexed, with where each came from."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from docgen.model.schema import (
    Fund,
    FundEvaluation,
    HierarchyConfig,
    NoticeMeta,
    Project,
    ProjectEvaluation,
    ScoringPolicy,
    Site,
)
from docgen.source.yaml_loader import YamlDocument


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice (通知): its front matter, Markdown body and slug."""

    slug: str
    meta: NoticeMeta
    body: str
    body_line: int  # the file line where the body starts


@dataclass(slots=True)
class Content:
    """Everything under content/, validated (内容库)."""

    root: Path
    site: Site | None
    hierarchy: HierarchyConfig
    scoring: ScoringPolicy
    funds: dict[int, Fund] = field(default_factory=dict)
    projects: dict[int, dict[str, Project]] = field(default_factory=dict)
    evaluations: dict[int, dict[str, ProjectEvaluation]] = field(default_factory=dict)
    fund_evaluations: dict[int, FundEvaluation] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    documents: dict[str, YamlDocument] = field(default_factory=dict)  # by path relative to root
    files: dict[str, str] = field(default_factory=dict)  # kind/year/id -> relative path
    invalid: set[str] = field(default_factory=set)  # kind/year/id of files that exist but failed validation

    def only(self, rels: Collection[str]) -> Content:
        """The content of the files ``rels`` (project-relative paths, as :attr:`files` and an output's
        ``content_files`` name them) and the configuration (site, hierarchy, scoring): what an output
        that declares those files may read. Positions are left out."""
        wanted = {key for key, rel in self.files.items() if rel in rels}

        def kept(kind: str, year: int, ident: str | None = None) -> bool:
            return "/".join(str(part) for part in (kind, year, ident) if part is not None) in wanted

        return Content(
            root=self.root,
            site=self.site,
            hierarchy=self.hierarchy,
            scoring=self.scoring,
            funds={year: fund for year, fund in self.funds.items() if kept("fund", year)},
            projects={
                year: {ident: p for ident, p in projects.items() if kept("project", year, ident)}
                for year, projects in self.projects.items()
                if any(kept("project", year, ident) for ident in projects)
            },
            evaluations={
                year: {ident: e for ident, e in evaluations.items() if kept("evaluation", year, ident)}
                for year, evaluations in self.evaluations.items()
                if any(kept("evaluation", year, ident) for ident in evaluations)
            },
            fund_evaluations={y: e for y, e in self.fund_evaluations.items() if kept("fund-evaluation", y)},
            notices=[notice for notice in self.notices if f"notice/{notice.slug}" in wanted],
            files={key: rel for key, rel in self.files.items() if key in wanted},
            invalid=set(self.invalid),
        )

    def forget_positions(self) -> None:
        """Free the positions of every document (see :meth:`YamlDocument.forget_positions`)."""
        for document in self.documents.values():
            document.forget_positions()

    def exists(self, kind: str, year: int, ident: str | None = None) -> bool:
        """Whether the file exists, valid or not (references to an invalid file are not reported twice)."""
        key = "/".join(str(p) for p in (kind, year, ident) if p is not None)
        return key in self.files or key in self.invalid

    @property
    def years(self) -> list[int]:
        return sorted(set(self.funds) | set(self.projects) | set(self.evaluations) | set(self.fund_evaluations))

    def projects_of(self, year: int) -> list[Project]:
        """The year's projects in document order (序号)."""
        return sorted(self.projects.get(year, {}).values(), key=lambda p: (p.seq, p.id))

    def evaluations_of(self, year: int) -> list[ProjectEvaluation]:
        projects = self.projects.get(year, {})
        return sorted(
            self.evaluations.get(year, {}).values(),
            key=lambda e: (e.seq or (projects[e.project].seq if e.project in projects else 999), e.project),
        )

    def history(self, project_id: str) -> list[Project]:
        """The same project in every year it appears, oldest first."""
        return [self.projects[y][project_id] for y in sorted(self.projects) if project_id in self.projects[y]]

    def file_of(self, kind: str, year: int | str | None = None, ident: str | None = None) -> str | None:
        return self.files.get("/".join(str(p) for p in (kind, year, ident) if p is not None))

    def document(self, kind: str, year: int | str | None = None, ident: str | None = None) -> YamlDocument | None:
        path = self.file_of(kind, year, ident)
        return self.documents.get(path) if path else None
