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
        # Every name and alias, normalised once (a check of 1,000 projects places ~6,000 indicators);
        # the first level (or child) that claims a name keeps it, as a search in order would find.
        self._level1: dict[str, int] = {}
        self._children: list[dict[str, HierarchyLevel2]] = []
        for index, level in enumerate(self.levels):
            for key in _names(level):
                self._level1.setdefault(key, index)
            children: dict[str, HierarchyLevel2] = {}
            for child in level.children:
                for key in _names(child):
                    children.setdefault(key, child)
            self._children.append(children)

    def level1(self, name: str) -> HierarchyLevel1 | None:
        index = self._level1.get(_norm(name))
        return None if index is None else self.levels[index]

    def place(self, level1: str, level2: str | None) -> Placement | None:
        """The standard placement of (level1, level2), or None when it is outside the hierarchy."""
        index = self._level1.get(_norm(level1))
        if index is None:
            return None
        top = self.levels[index]
        if level2 is None:
            return Placement(top.name, None)
        child = self._children[index].get(_norm(level2))
        return Placement(top.name, child.name) if child else None

    def accepted_level1(self) -> list[str]:
        return [level.name for level in self.levels]

    def accepted_level2(self, level1: str) -> list[str]:
        top = self.level1(level1)
        return [c.name for c in top.children] if top else []
