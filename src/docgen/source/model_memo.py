"""Validated models kept in memory (模型缓存) by a process that loads the same content again and again.

``docgen build --watch`` keeps one process warm between builds and forks each build from it
(:mod:`docgen.build.watch`). That process loads the content once, and again after each build;
a file whose text is what it was is neither parsed nor validated again: its document and model
are taken as they are (a fork shares them with the build at no cost, where unpickling them
would cost as much as validating). Only files that loaded without any diagnostic are kept, so
a file with a problem reports it again every time. The build never changes a kept model; what it
changes of a document (:meth:`~docgen.source.yaml_loader.YamlDocument.forget_positions`) it
changes in its own copy of the memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from docgen.source.yaml_loader import YamlDocument


@dataclass(slots=True)
class ModelMemo:
    """Each content file's text, document and model, from the last load that found no problem in it."""

    _kept: dict[str, tuple[str, type[BaseModel], YamlDocument, BaseModel]] = field(default_factory=dict)
    hits: int = 0  # files taken from the memo by the loads so far

    def get(self, rel: str, text: str, model: type[BaseModel]) -> tuple[YamlDocument, BaseModel] | None:
        """The document and model of ``rel`` when its text and kind are what they were; else None."""
        kept = self._kept.get(rel)
        if kept is None or kept[0] != text or kept[1] is not model:
            return None
        self.hits += 1
        return kept[2], kept[3]

    def put(self, rel: str, text: str, model: type[BaseModel], document: YamlDocument, validated: BaseModel) -> None:
        self._kept[rel] = (text, model, document, validated)

    def keep_only(self, rels: set[str]) -> None:
        """Forget the files that are gone (a load keeps the files it found)."""
        for rel in set(self._kept) - rels:
            del self._kept[rel]

    def forget_positions(self) -> None:
        """Free the positions a load's diagnostics looked up (found again when asked for)."""
        for _, _, document, _ in self._kept.values():
            document.forget_positions()

    def __len__(self) -> int:
        return len(self._kept)
