"""Text as Word (and any XML) can hold it, and the ``check`` that reports what cannot be held.

XML 1.0 cannot hold the C0 control characters other than tab, line feed and carriage return,
lone surrogates, U+FFFE or U+FFFF. docxtpl would drop some of them silently, turn others into
page breaks, or write a part Word refuses. Renderers strip them (:func:`xml_safe_tree`) as
defence in depth; ``docgen check`` reports each one at its line (:func:`check_xml_characters`),
so that the content is corrected where it was written. (The loader already refuses control
and bidi characters in content.) This module is light: ``check`` imports it without docxtpl.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from docgen.diagnostics import Diagnostics
from docgen.model.content import Content

_ILLEGAL_RANGES = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
XML_ILLEGAL_CHARS = re.compile(f"[{_ILLEGAL_RANGES}]")
"""Characters XML 1.0 cannot hold: C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF."""

Loc = tuple[str | int, ...]
T = TypeVar("T")


def xml_safe(text: str) -> str:
    """``text`` with line ends normalised to LF and the characters XML cannot hold dropped.

    docxtpl turns a tab into ``<w:tab/>`` and a line feed into ``<w:br/>``; a form feed or
    BEL would become a page or paragraph break and a vertical tab would corrupt the part.
    """
    return XML_ILLEGAL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def xml_safe_tree(value: T) -> T:
    """``value`` with :func:`xml_safe` applied to every string in it (dataclasses, lists, dicts)."""
    return _clean(value)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    """``value`` cleaned; the very same object when nothing in it changes (the common case).

    附件3 at 1,000 projects hands ~47,000 values to this walk on every render: the scalars leave
    at the first test, and a dataclass's field names are looked up once per class."""
    if isinstance(value, str):  # Markup too
        return xml_safe(value) if _TO_CLEAN.search(value) else value
    kind = type(value)
    if kind in _LEAVES or value is None:
        return value
    if isinstance(value, list | tuple):
        items = [_clean(item) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        pairs = [(_clean(key), _clean(item)) for key, item in value.items()]
        if all(k is old_k and v is old_v for (k, v), (old_k, old_v) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    names = _field_names(kind)
    if names is None:
        return value
    changes = {}
    for name in names:
        current = getattr(value, name)
        new = _clean(current)
        if new is not current:
            changes[name] = new
    return replace(value, **changes) if changes else value


_TO_CLEAN = re.compile(f"[\r{_ILLEGAL_RANGES}]")
"""What :func:`xml_safe` changes: a carriage return, or a character XML cannot hold."""
_LEAVES = frozenset({int, float, bool, Decimal, date, datetime})
"""Values with no text in them."""
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of dataclass ``kind`` (None: not a dataclass), looked up once."""
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
    return _FIELDS[kind]


def check_xml_characters(content: Content, diagnostics: Diagnostics) -> None:
    """Report every content text holding a character XML 1.0 cannot hold, at its value's line."""
    for rel, document in sorted(content.documents.items()):
        source = document.text
        if "\\" not in source and XML_ILLEGAL_CHARS.search(source) is None:
            continue  # a value can hold such a character only written in the text or as a YAML escape
        for loc, text in _strings(document.data, ()):
            for match in XML_ILLEGAL_CHARS.finditer(text):
                position = document.position(loc)
                diagnostics.error(
                    rel,
                    position.line,
                    position.col,
                    f"character U+{ord(match.group()):04X} (character {match.start() + 1} of this text) "
                    "cannot be kept in Word or web documents: remove it",
                    "xml-char",
                )
    for notice in content.notices:
        rel = content.files.get(f"notice/{notice.slug}", notice.slug)
        for match in XML_ILLEGAL_CHARS.finditer(notice.body):
            line = notice.body_line + notice.body.count("\n", 0, match.start())
            col = match.start() - notice.body.rfind("\n", 0, match.start())
            diagnostics.error(
                rel,
                line,
                col,
                f"character U+{ord(match.group()):04X} cannot be kept in Word or web documents",
                "xml-char",
            )


def _strings(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(data, str):
        return [(loc, data)]
    found: list[tuple[Loc, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_strings(value, (*loc, str(key))))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_strings(value, (*loc, index)))
    return found
