"""The indicator hierarchy (指标体系): which 一级/二级 names a fund-year accepts.

Names are matched as the bureau writes them, through the aliases in hierarchy.yaml, and
resolved to the standard category, so that documents show the source's wording while
checks and diffs reason about the standard one.
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.model.schema import HierarchyConfig, HierarchyLevel1, HierarchyLevel2


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a (一级, 二级) pair sits in the standard hierarchy."""

    level1: str
    level2: str | None


def _names(node: HierarchyLevel1 | HierarchyLevel2) -> set[str]:
    return {_norm(node.name), *(_norm(a) for a in node.aliases)}


def _norm(name: str) -> str:
    return "".join(name.split())


class Hierarchy:
    """One version of the hierarchy (current or legacy)."""

    def __init__(self, config: HierarchyConfig, version: str) -> None:
        self.version = version
        self.levels: list[HierarchyLevel1] = list(config.current if version == "current" else config.legacy)

    def level1(self, name: str) -> HierarchyLevel1 | None:
        key = _norm(name)
        return next((level for level in self.levels if key in _names(level)), None)

    def place(self, level1: str, level2: str | None) -> Placement | None:
        """The standard placement of (level1, level2), or None when it is outside the hierarchy."""
        top = self.level1(level1)
        if top is None:
            return None
        if level2 is None:
            return Placement(top.name, None)
        key = _norm(level2)
        child = next((c for c in top.children if key in _names(c)), None)
        return Placement(top.name, child.name) if child else None

    def accepted_level1(self) -> list[str]:
        return [level.name for level in self.levels]

    def accepted_level2(self, level1: str) -> list[str]:
        top = self.level1(level1)
        return [c.name for c in top.children] if top else []
