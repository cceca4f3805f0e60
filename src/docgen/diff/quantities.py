"""The meaning of a changed quantity: raised or lowered, tightened or loosened, comparable or not.

A target's bound (:class:`~docgen.facts.target_values.Bound`) stands for a set of acceptable
values: ``≥135亿元`` is [135亿, ∞), ``<500ms`` is (−∞, 500), ``1-2场`` is [1, 2], a bare
amount (``支出100%``) is a level to reach, like ≥. Comparing two versions of a target compares
these sets: a new set inside the old one is *tightened* (harder to meet), the old one inside
the new is *loosened*; so ≥ raised is tightened and ≤ raised is loosened, ≥ → > is tightened.
A bound whose unit changed (户 → 户次, 家 → 亿元) is *not comparable*; a change of multiplier
(亿元 → 万元) compares on base numbers. An actual value, an amount or a score is just
*raised* or *lowered*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from docgen.diff.model import BoundChange, NumberChange, Verdict
from docgen.diff.text import symmetric_opcodes
from docgen.facts.target_values import Bound, Comparator

Sense = Literal["target", "value"]
"""How to read a change of number: as a target (tightened/loosened) or a plain value (raised/lowered)."""

_LOWER = frozenset({Comparator.GE, Comparator.GT, Comparator.TARGET})
_UPPER = frozenset({Comparator.LE, Comparator.LT})


@dataclass(frozen=True, slots=True)
class _Interval:
    """The acceptable values of a bound; None ends are infinite."""

    low: Decimal | None
    low_open: bool
    high: Decimal | None
    high_open: bool

    def within(self, other: _Interval) -> bool:
        """Whether every value of self is a value of other."""
        if other.low is not None:
            if self.low is None or self.low < other.low:
                return False
            if self.low == other.low and other.low_open and not self.low_open:
                return False
        if other.high is not None:
            if self.high is None or self.high > other.high:
                return False
            if self.high == other.high and other.high_open and not self.high_open:
                return False
        return True


def _interval(bound: Bound, scale: Decimal) -> _Interval:
    number = bound.number * scale
    match bound.comparator:
        case Comparator.GE | Comparator.TARGET:
            return _Interval(number, False, None, False)
        case Comparator.GT:
            return _Interval(number, True, None, False)
        case Comparator.LE:
            return _Interval(None, False, number, False)
        case Comparator.LT:
            return _Interval(None, False, number, True)
        case Comparator.RANGE:
            high = (bound.high if bound.high is not None else bound.number) * scale
            return _Interval(min(number, high), False, max(number, high), False)
    return _Interval(number, False, number, False)  # EQ


def _effective_scales(old: Bound, new: Bound) -> tuple[Decimal, Decimal]:
    """A number written without any unit is read in the other's unit (``≥135`` beside ``160亿元``)."""
    old_scale, new_scale = old.scale, new.scale
    if not old.unit and new.unit:
        old_scale = new.scale
    elif not new.unit and old.unit:
        new_scale = old.scale
    return old_scale, new_scale


def compare_bounds(old: Bound | None, new: Bound | None, sense: Sense) -> BoundChange:
    """One bound compared with its counterpart (either may be missing)."""
    if old is None and new is None:
        raise ValueError("nothing to compare")
    if old is None:
        return BoundChange(None, new, Verdict.ADDED)
    if new is None:
        return BoundChange(old, None, Verdict.REMOVED)
    comparator_changed = old.comparator is not new.comparator
    if old.base_unit and new.base_unit and old.base_unit != new.base_unit:
        return BoundChange(old, new, Verdict.NOT_COMPARABLE, comparator_changed=comparator_changed, unit_changed=True)
    old_scale, new_scale = _effective_scales(old, new)
    number = NumberChange(old.number, new.number, old.unit, new.unit, old_scale, new_scale)
    high = None
    if old.high is not None and new.high is not None:
        high = NumberChange(old.high, new.high, old.unit, new.unit, old_scale, new_scale)
    if sense == "value":
        verdict = number.direction
        if verdict is Verdict.UNCHANGED and high is not None:
            verdict = high.direction
        return BoundChange(old, new, verdict, number, high, comparator_changed)
    return BoundChange(old, new, _target_verdict(old, new, old_scale, new_scale), number, high, comparator_changed)


def _target_verdict(old: Bound, new: Bound, old_scale: Decimal, new_scale: Decimal) -> Verdict:
    if (old.comparator in _LOWER and new.comparator in _UPPER) or (
        old.comparator in _UPPER and new.comparator in _LOWER
    ):
        return Verdict.CHANGED  # the sense is reversed (at least → at most): neither tighter nor looser
    before, after = _interval(old, old_scale), _interval(new, new_scale)
    inside, outside = after.within(before), before.within(after)
    if inside and outside:
        return Verdict.UNCHANGED
    if inside:
        return Verdict.TIGHTENED
    if outside:
        return Verdict.LOOSENED
    return Verdict.CHANGED


def align_bounds(old: Sequence[Bound], new: Sequence[Bound]) -> list[tuple[Bound | None, Bound | None]]:
    """Pair the amounts of two texts in order, keeping amounts of the same unit together, so
    that an amount inserted in the middle does not shift every later pair."""
    pairs: list[tuple[Bound | None, Bound | None]] = []
    units_old = [b.base_unit for b in old]
    units_new = [b.base_unit for b in new]
    for tag, i1, i2, j1, j2 in symmetric_opcodes(units_old, units_new):
        if tag == "equal":
            pairs.extend(zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        if i2 - i1 == j2 - j1 == 1:  # one amount replaced by one: the same amount, perhaps in another unit
            pairs.append((old[i1], new[j1]))
            continue
        count = min(i2 - i1, j2 - j1)
        for before, after in zip(old[i1 : i1 + count], new[j1 : j1 + count], strict=True):
            if _units_agree(before, after):
                pairs.append((before, after))
            else:
                pairs += [(before, None), (None, after)]
        pairs.extend((b, None) for b in old[i1 + count : i2])
        pairs.extend((None, b) for b in new[j1 + count : j2])
    return pairs


def _units_agree(old: Bound, new: Bound) -> bool:
    return not old.base_unit or not new.base_unit or old.base_unit == new.base_unit


def compare_amounts(old: Sequence[Bound], new: Sequence[Bound], sense: Sense) -> tuple[BoundChange, ...]:
    """The amounts of two versions of a text compared; only those that changed in some way."""
    changes = []
    for before, after in align_bounds(old, new):
        change = compare_bounds(before, after, sense)
        if change.verdict is Verdict.UNCHANGED and not change.comparator_changed and _same_writing(before, after):
            continue
        changes.append(change)
    return tuple(changes)


def _same_writing(old: Bound | None, new: Bound | None) -> bool:
    return (
        old is not None
        and new is not None
        and old.number == new.number
        and old.high == new.high
        and old.unit == new.unit
    )
