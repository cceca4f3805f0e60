"""Texts compared for people who read Chinese: character-level diffs, similarity, numbered items.

A line diff is useless for Chinese prose (a paragraph is one line, and one changed figure
makes the whole line differ), so texts are compared character by character
(:class:`difflib.SequenceMatcher`). Every function is symmetric: comparing B with A gives the
mirror image of comparing A with B, which the diff's property tests rely on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TypeVar

from docgen.diff.model import TextEdit

T = TypeVar("T", bound=Hashable)

MAX_CHAR_CELLS = 250_000
"""The largest (old length × new length) compared character by character. Texts are first
compared clause by clause (at ，。；、 and line ends), then character by character inside each
stretch of changed clauses; a stretch too long for this is shown deleted and inserted whole."""

_CLAUSE = re.compile(r"[^，。；、！？,;!?\n]*[，。；、！？,;!?\n]|[^，。；、！？,;!?\n]+")

Opcode = tuple[str, int, int, int, int]


def symmetric_opcodes(old: Sequence[T], new: Sequence[T]) -> list[Opcode]:
    """SequenceMatcher's opcodes from ``old`` to ``new``, the same (mirrored) whichever way round.

    SequenceMatcher is not symmetric; this always matches in one canonical order and inverts
    the result when ``old`` and ``new`` come the other way round. Junk heuristics are off.
    """
    if _canonical_first(old, new):
        return list(SequenceMatcher(None, old, new, autojunk=False).get_opcodes())
    inverted: list[Opcode] = []
    for tag, j1, j2, i1, i2 in SequenceMatcher(None, new, old, autojunk=False).get_opcodes():
        inverted.append(({"delete": "insert", "insert": "delete"}.get(tag, tag), i1, i2, j1, j2))
    return inverted


def _canonical_first(old: Sequence[T], new: Sequence[T]) -> bool:
    if len(old) != len(new):
        return len(old) < len(new)
    return [repr(x) for x in old] <= [repr(x) for x in new]


def similarity(old: str, new: str) -> Decimal:
    """How alike two texts are, 0 to 1 (2 × characters kept ÷ both lengths), rounded to 0.01."""
    if not old and not new:
        return Decimal(1)
    kept = sum(len(edit.text) for edit in char_diff(old, new) if edit.op == "equal")
    return Decimal(str(round(2 * kept / (len(old) + len(new)), 2)))


def could_be_as_similar(old: str, new: str, threshold: Decimal) -> bool:
    """A cheap upper bound (shared characters, order ignored): False means less alike than ``threshold``."""
    if not old and not new:
        return True
    shared = sum((Counter(old) & Counter(new)).values())
    return Decimal(2 * shared) >= threshold * (len(old) + len(new))


def char_diff(old: str, new: str) -> tuple[TextEdit, ...]:
    """The character-level edits from ``old`` to ``new`` (equal / delete / insert runs).

    Texts are compared clause by clause first, then character by character inside each stretch
    of changed clauses, so that the work stays small for texts of any length; a change that cuts
    through a number is widened to the whole number.
    """
    if old == new:
        return (TextEdit("equal", old),) if old else ()
    return _char_diff(old, new)


@lru_cache(maxsize=4096)
def _char_diff(old: str, new: str) -> tuple[TextEdit, ...]:
    old_clauses, new_clauses = _CLAUSE.findall(old), _CLAUSE.findall(new)
    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in symmetric_opcodes(old_clauses, new_clauses):
        before, after = "".join(old_clauses[i1:i2]), "".join(new_clauses[j1:j2])
        if tag == "equal":
            edits.append(TextEdit("equal", before))
        elif i2 - i1 == j2 - j1 > 1:  # as many clauses on each side: each was edited in place
            for old_clause, new_clause in zip(old_clauses[i1:i2], new_clauses[j1:j2], strict=True):
                edits.extend(_bounded_edits(old_clause, new_clause))
        else:
            edits.extend(_bounded_edits(before, after))
    return _whole_numbers(_merge(edits))


def _bounded_edits(old: str, new: str) -> list[TextEdit]:
    if old and new and len(old) * len(new) <= MAX_CHAR_CELLS:
        return _char_edits(old, new)
    return [e for e in (TextEdit("delete", old), TextEdit("insert", new)) if e.text]


def _char_edits(old: str, new: str) -> list[TextEdit]:
    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in symmetric_opcodes(old, new):
        if tag == "equal":
            edits.append(TextEdit("equal", old[i1:i2]))
            continue
        if i2 > i1:
            edits.append(TextEdit("delete", old[i1:i2]))
        if j2 > j1:
            edits.append(TextEdit("insert", new[j1:j2]))
    return edits


def _merge(edits: list[TextEdit]) -> tuple[TextEdit, ...]:
    """Adjacent runs of the same kind joined; within a changed stretch, deletions before insertions."""
    result: list[TextEdit] = []
    pending_delete, pending_insert = "", ""
    for edit in edits:
        if edit.op == "delete":
            pending_delete += edit.text
        elif edit.op == "insert":
            pending_insert += edit.text
        else:
            if pending_delete:
                result.append(TextEdit("delete", pending_delete))
            if pending_insert:
                result.append(TextEdit("insert", pending_insert))
            pending_delete = pending_insert = ""
            if result and result[-1].op == "equal":
                result[-1] = TextEdit("equal", result[-1].text + edit.text)
            elif edit.text:
                result.append(edit)
    if pending_delete:
        result.append(TextEdit("delete", pending_delete))
    if pending_insert:
        result.append(TextEdit("insert", pending_insert))
    return tuple(result)


_NUMBER_CHARS = frozenset("0123456789.,")
_DIGITS = frozenset("0123456789")


def _whole_numbers(edits: tuple[TextEdit, ...]) -> tuple[TextEdit, ...]:
    """Widen each change that cuts through a number to the whole number: 1【-35-】【+60+】亿元
    reads as 【-135-】【+160+】亿元."""
    for _ in range(len(edits) + 1):  # each pass joins at least two runs, or changes nothing
        widened = _merge(list(_widen_once(edits)))
        if widened == edits:
            break
        edits = widened
    return edits


def _widen_once(edits: tuple[TextEdit, ...]) -> tuple[TextEdit, ...]:
    runs = list(edits)
    index = 0
    while index < len(runs):
        if runs[index].op == "equal":
            index += 1
            continue
        end = index
        while end < len(runs) and runs[end].op != "equal":
            end += 1
        deleted = "".join(r.text for r in runs[index:end] if r.op == "delete")
        inserted = "".join(r.text for r in runs[index:end] if r.op == "insert")
        before = runs[index - 1].text if index > 0 else ""
        after = runs[end].text if end < len(runs) else ""
        changed = [t for t in (deleted, inserted) if t]
        head = tail = ""
        if before[-1:] in _DIGITS and any(t[0] in _NUMBER_CHARS for t in changed):
            head = _numeric_suffix(before)
        if after[:1] in _NUMBER_CHARS and any(t[-1] in _DIGITS for t in changed):
            tail = _numeric_prefix(after)
        if not head and not tail:
            index = end
            continue
        replacement = [TextEdit("delete", head + deleted + tail), TextEdit("insert", head + inserted + tail)]
        start = index
        if head:
            runs[index - 1] = TextEdit("equal", before[: len(before) - len(head)])
        if tail:
            runs[end] = TextEdit("equal", after[len(tail) :])
        runs[start:end] = replacement
        index = start + len(replacement)
    return tuple(r for r in runs if r.text)


def _numeric_suffix(text: str) -> str:
    start = len(text)
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    while start < len(text) and text[start] not in _DIGITS:
        start += 1
    return text[start:]


def _numeric_prefix(text: str) -> str:
    end = 0
    while end < len(text) and text[end] in _NUMBER_CHARS:
        end += 1
    while end > 0 and text[end - 1] not in _DIGITS:
        end -= 1
    return text[:end]


def inline_diff(edits: tuple[TextEdit, ...], context: int | None = None) -> str:
    """The edits as plain text: ``…规模不低于【-135-】【+160+】亿元…``.

    With ``context``, unchanged runs longer than twice that are cut to ``context`` characters
    on each side of a change (``…``).
    """
    parts: list[str] = []
    for index, edit in enumerate(edits):
        if edit.op == "delete":
            parts.append(f"【-{edit.text}-】")
        elif edit.op == "insert":
            parts.append(f"【+{edit.text}+】")
        else:
            parts.append(shorten_equal(edit.text, context, first=index == 0, last=index == len(edits) - 1))
    return "".join(parts)


def shorten_equal(text: str, context: int | None, *, first: bool, last: bool) -> str:
    """An unchanged run cut to ``context`` characters next to the changes around it."""
    if context is None or len(text) <= 2 * context + 1:
        return text
    if first:
        return "…" + text[-context:]
    if last:
        return text[:context] + "…"
    return text[:context] + "…" + text[-context:]


# ---------------------------------------------------------------------------- numbered items


_ITEM_MARKER = re.compile(r"^[ \t\u3000]*(?:[（(]([0-9０-９]{1,2})[)）]|([0-9０-９]{1,2})[ \t]*[.．、)）])[ \t\u3000]*")


@dataclass(frozen=True, slots=True)
class TextItem:
    """A numbered paragraph of a text (1. 2. … / （1）…), or the whole text when it is not numbered."""

    number: int | None
    text: str  # without its marker
    line_index: int  # the line of the text it starts on (0-based)
    col: int  # 1-based column of its first character (after the marker) on that line


def numbered_items(text: str) -> list[TextItem]:
    """The numbered items of a text: ``1.`` ``2、`` ``（3）`` … in sequence; lines without a
    marker continue the item above. Text before item 1 (or a text without numbers) is an
    item without a number."""
    lines = text.split("\n")
    items: list[TextItem] = []
    pending: list[str] = []
    expected = 1
    for index, line in enumerate(lines):
        match = _ITEM_MARKER.match(line)
        number = _marker_number(match) if match else None
        if match is not None and number == expected:
            if items or pending:
                _close(items, pending)
            items.append(TextItem(number, "", index, match.end() + 1))
            pending = [line[match.end() :]]
            expected += 1
        elif not items and not pending:
            items.append(TextItem(None, "", index, 1))
            pending = [line]
        else:
            pending.append(line)
    if pending:
        _close(items, pending)
    return [item for item in items if item.text]


def _marker_number(match: re.Match[str]) -> int:
    digits = match.group(1) or match.group(2)
    return int("".join(str(ord(ch) - 0xFF10) if "０" <= ch <= "９" else ch for ch in digits))


def _close(items: list[TextItem], pending: list[str]) -> None:
    last = items[-1]
    items[-1] = TextItem(last.number, "\n".join(pending).strip(), last.line_index, last.col)
    pending.clear()


# ---------------------------------------------------------------------------- pairing


PAIR_SAME_NUMBER = Decimal("0.4")
"""Items with the same number pair when at least this similar."""

PAIR_SIMILAR = Decimal("0.6")
"""Other leftover items pair when at least this similar."""


def pair_by_similarity(
    old: Sequence[str],
    new: Sequence[str],
    threshold: Decimal,
    allowed: Callable[[int, int], bool] = lambda _i, _j: True,
) -> list[tuple[int, int, Decimal]]:
    """Greedy pairs (old index, new index, similarity), most similar first, each at least ``threshold``.

    Ties are broken by the texts and positions in an order that does not depend on which
    side is old, so that pairing B with A gives the mirror image of pairing A with B.
    """
    candidates: list[tuple[Decimal, tuple[str, str], tuple[int, int], int, int]] = []
    for i, old_text in enumerate(old):
        for j, new_text in enumerate(new):
            if not allowed(i, j) or not could_be_as_similar(old_text, new_text, threshold):
                continue
            score = similarity(old_text, new_text)
            if score >= threshold:
                texts = (min(old_text, new_text), max(old_text, new_text))
                candidates.append((-score, texts, (min(i, j), max(i, j)), i, j))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int, Decimal]] = []
    for negative, _texts, _positions, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j, -negative))
    return pairs


def pair_items(old: Sequence[TextItem], new: Sequence[TextItem]) -> list[tuple[int, int]]:
    """Pair the items of two versions of a text: identical texts first, then the same number
    when alike, then by similarity alone. Returns (old index, new index) in new order."""
    pairs: dict[int, int] = {}
    used_new: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, item in enumerate(new):
        by_text.setdefault(item.text, []).append(j)
    for i, item in enumerate(old):
        candidates = [j for j in by_text.get(item.text, []) if j not in used_new]
        if candidates:
            pairs[i] = candidates[0]
            used_new.add(candidates[0])
    free_old = [i for i in range(len(old)) if i not in pairs]
    free_new = [j for j in range(len(new)) if j not in used_new]
    for stage_threshold, same_number in ((PAIR_SAME_NUMBER, True), (PAIR_SIMILAR, False)):
        numbers_old = [old[i].number for i in free_old]
        numbers_new = [new[j].number for j in free_new]

        def allowed(
            a: int,
            b: int,
            same: bool = same_number,
            x: list[int | None] = numbers_old,
            y: list[int | None] = numbers_new,
        ) -> bool:
            return not same or x[a] == y[b]

        matched = pair_by_similarity(
            [old[i].text for i in free_old], [new[j].text for j in free_new], stage_threshold, allowed
        )
        for a, b, _score in matched:
            pairs[free_old[a]] = free_new[b]
        taken_old = {free_old[a] for a, _b, _s in matched}
        taken_new = {free_new[b] for _a, b, _s in matched}
        free_old = [i for i in free_old if i not in taken_old]
        free_new = [j for j in free_new if j not in taken_new]
    if len(free_old) == len(free_new) == 1 and old[free_old[0]].number is None and new[free_new[0]].number is None:
        pairs[free_old[0]] = free_new[0]  # the one unnumbered paragraph of each side: the same text, rewritten
    return sorted(pairs.items(), key=lambda pair: (pair[1], pair[0]))
