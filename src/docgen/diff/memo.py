"""Each project's part of a year diff, kept between builds (逐项目差异缓存).

The website's changes page compares two years of every project (~250 at 1,000 projects) and
writes their changes as HTML; an edit changes one project's part. A project's part of the
comparison (the changes of the project and of its evaluation) and of the HTML (its group) are
a function of what :func:`key` hashes: the two years' project and evaluation models, the files
they come from, their computed figures, and what every project's comparison reads from its year
(the fund's directions and hierarchy, the hierarchy configuration, the evaluation's section names).
A :class:`DiffMemo` keeps each part under that key, and a later comparison of the same key takes
the kept part instead of comparing again.

Only comparisons that name files without positions use it (``located=False``: the public
pages): a position moves with an edit elsewhere in the file, which the key does not see. The
memo holds what one comparison used (its last), and the caller keeps it per page in the user's
cache folder (a :class:`~docgen.kept_pack.KeptPack`: an edit writes its project's part beside
the others), named by docgen's code (the changes and their HTML are the code's output).
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, is_dataclass
from typing import Any, TypeVar

from docgen.diff.model import Change
from docgen.kept_pack import KeptPack

T = TypeVar("T")

Part = tuple[tuple[Change, ...], tuple[str, str] | None]
"""A project's changes, and the HTML of its group with what else it was written from (its
heading and title; None until it is written)."""


def key(parts: Sequence[str]) -> str:
    """The key of a project's part, from the texts it depends on (NUL cannot occur in them unescaped:
    each is a repr or JSON)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True)
class DiffMemo:
    """Kept project parts by key; what this comparison used is what :meth:`keep_in` keeps."""

    kept: dict[str, Part] = field(default_factory=dict)
    used: dict[str, Part] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # project id → its key in this comparison

    @classmethod
    def kept_in(cls, pack: KeptPack) -> DiffMemo:
        """The memo a comparison kept in ``pack`` (:meth:`keep_in`); empty when there is none or it is damaged."""
        return cls(kept=pack.read())

    def keep_in(self, pack: KeptPack) -> None:
        """Keep what this comparison used in ``pack`` (made with :func:`dumps`), if it differs from what it read."""
        if self.changed:
            pack.write(self.used)

    @property
    def changed(self) -> bool:
        """Whether this comparison used other parts than the memo kept (it should be written)."""
        return self.used != self.kept

    def changes(self, project: str, key: str) -> tuple[Change, ...] | None:
        """The project's changes kept under ``key``, or None (compare it and :meth:`keep` them)."""
        self.keys[project] = key
        part = self.kept.get(key)
        if part is None:
            return None
        self.used[key] = part
        return part[0]

    def keep(self, project: str, changes: Sequence[Change]) -> None:
        """Keep the project's changes, as compared now."""
        self.used[self.keys[project]] = (tuple(changes), None)

    def html(self, project: str, changes: Sequence[Change], written_as: str) -> str | None:
        """The HTML of the project's group when it was written for these very changes and
        ``written_as`` (its heading and title); else None."""
        part = self.used.get(self.keys.get(project, ""))
        if part is None or part[1] is None or part[0] != tuple(changes) or part[1][0] != written_as:
            return None
        return part[1][1]

    def keep_html(self, project: str, changes: Sequence[Change], written_as: str, html: str) -> None:
        """Keep the HTML written for the project's group of ``changes`` (those of its part only)."""
        project_key = self.keys.get(project)
        part = self.used.get(project_key or "")
        if project_key is not None and part is not None and part[0] == tuple(changes):
            self.used[project_key] = (part[0], (written_as, html))


class _SlotsPickler(pickle.Pickler):
    """Pickles the changes' frozen slotted dataclasses as their class and field values, rebuilt by
    :func:`_rebuilt`: ~3x faster to read than their default pickling (a page of 1,000 projects
    keeps ~13,000 of them), which calls dataclasses' ``__setstate__`` for each."""

    def reducer_override(self, obj: object) -> Any:
        slots: tuple[str, ...] | None = type(obj).__dict__.get("__slots__")
        if slots is not None and is_dataclass(obj) and not isinstance(obj, type):
            return _rebuilt, (type(obj), tuple(getattr(obj, name) for name in slots))
        return NotImplemented


def dumps(value: object) -> bytes:
    """``value`` pickled with the changes' dataclasses as their class and field values (:class:`_SlotsPickler`)."""
    output = io.BytesIO()
    _SlotsPickler(output, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return output.getvalue()


def _rebuilt(cls: type[T], values: tuple[object, ...]) -> T:
    """An instance of the slotted dataclass ``cls`` with these field values (in ``__slots__`` order),
    set through the slots' descriptors (a frozen dataclass refuses ``setattr``)."""
    setters = _SETTERS.get(cls)
    if setters is None:
        setters = _SETTERS[cls] = tuple(getattr(cls, name).__set__ for name in cls.__dict__["__slots__"])
    obj = object.__new__(cls)
    for set_field, value in zip(setters, values, strict=True):
        set_field(obj, value)
    return obj


_SETTERS: dict[type, tuple[Callable[[object, object], None], ...]] = {}
