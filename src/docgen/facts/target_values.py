"""The meaning of an indicator's target value, parsed from the bureau's free text.

The bureau writes target values as free text: ``≥495家次``, ``不低于90%``, ``<500ms``,
``1-2场``, ``分别不得低于80%和不得低于50%``, ``按月发放``, ``/``.  The text is the source
and is what documents show; :func:`parse_target` derives a :class:`TargetValue` from it
(never stored) so that checks and reports can compare a target with an actual value.

How a text is read
==================

1. **Normalisation.**  The text is normalised with Unicode NFKC (full-width digits,
   ``％``, ``＞``, ``（）``, ``，`` become their ASCII forms; ``²`` ``³`` and the circled
   numbers ``①``–``⑳`` are kept), ``㎡`` becomes ``m²``, control and format characters
   (bidi overrides, zero-width spaces) are dropped and runs of blanks collapse to one
   space.  :attr:`TargetValue.text` always keeps the original.
2. **Empty.**  ``None``, ``""``, blanks, or a run of dashes and slashes alone
   (``/`` ``／`` ``\\`` ``-`` ``--`` ``—`` ``——`` ``－`` …), optionally followed by a unit
   (``--篇``), is :attr:`Kind.EMPTY`.
3. **Huge inputs.**  A text longer than :data:`MAX_CHARS` characters is
   :attr:`Kind.QUALITATIVE` (or EMPTY if it holds only blanks, dashes and slashes)
   without further work.  Every step below is linear in the length of the text.
4. **Numbered lists.**  A text whose lines start with list markers (``1.`` ``1．``
   ``1、`` ``1)`` ``(1)`` ``（1）`` ``1-`` ``①``) is read item by item; unmarked lines
   continue the item above.  ``4.5家`` is read as item 4, ``5家``, only when the text is a
   list — some line has an unambiguous marker (``3. 项目…``), or every line starts with
   ``1.`` ``2.`` … in sequence — and 4 is the next number in sequence; otherwise it is the
   decimal 4.5 (``1.5%``, or ``1.5%`` and ``3.5%`` on two lines).  A list is
   QUANTITATIVE when at least one item is; its bounds are those of its quantitative items,
   in order.
5. **Not amounts.**  Dates (``2021年6月``, ``6月``, ``10-12月``, ``2023-08-10``), times
   of day, quoted names (``“7+4”``, ``《“金融30条”…》``), identifiers (``P2P``,
   ``SM2/3/4``), ordinals (``第3``), references (``附件3``, ``表1-3``) and products
   (``7×24``) are masked before amounts are looked for.  A date right after a comparator
   (``≥3月``) is a duration, not a date.
6. **Brackets.**  ``（含）`` / ``（不含）`` after a comparator mark it inclusive or
   exclusive (``不超过（含）1%`` → ≤; ``不低于（不含）5`` → >).  A bracketed part holding
   an amount adds bounds (``400家（挂牌企业100家）`` → two); any other bracketed part is
   a note and is ignored (``≥90%（采用问卷调查形式）``).
7. **Amounts.**  An amount is a number (``13,000``, ``0.8``), an optional ``多``/``余``
   (``500多人`` → >), a unit (:data:`BASE_UNITS`, or Latin letters: ``ms`` ``TB``
   ``TPS``) with an optional multiplier (:data:`MULTIPLIERS`: ``万`` ``亿`` ``千`` …; a
   multiplier alone is a unit too: ``52万``), optionally a second number for a range
   (``1-2场``, ``8-10万字``, ``63%~68%``, ``0.3%至0.6%``), a comparator before it
   (symbols or words: ``≥`` ``不低于`` ``不得低于`` ``至少`` ``超`` ``少于`` ``不超过`` …)
   or after it (``以上`` ``以下`` ``以内``, and ``内`` after a unit of time).  An "at least /
   at most" word may also stand a few words before the number (``至少对接1家银行``,
   ``不低于年度使用时间的95%``).  A bare amount is :attr:`Comparator.TARGET`: a level to
   reach.  In ``分别不低于80%和50%`` the second amount, joined by a connective only,
   takes the comparator of the first.
8. **Labels.**  The words of a clause around its amount (before it, and after the last
   amount of the clause) are the bound's :attr:`Bound.label`: ``支出``, ``累计``,
   ``回访满意度``, ``平均年化担保费率``, ``对接银行``.
9. **Short text or long sentence.**  The text (each list item on its own) is split into
   clauses at ``，`` ``；`` ``。`` ``！`` ``？`` and line breaks (never inside a number:
   ``13,000``).  A clause holding amounts is a *value clause* when the words around its
   amounts (its label) are at most :data:`SHORT_LABEL` (20) characters, blanks,
   punctuation and brackets not counted.  The text is QUANTITATIVE when every clause that
   holds an amount is a value clause and either every clause holds an amount
   (``知识产权投融资额达到2000万元，知识产权交易额达到2000万元``,
   ``对接至少1家银行，实现至少2个特色场景落地。``) or just one clause does not and the
   whole text is at most :data:`SHORT_TEXT` (24) characters
   (``在全国百佳图书出版社出版，15万字以上``).  So a short cell — an amount with a few
   label and unit words, ``系统单节点支持150笔/秒的请求处理速度。`` included — is
   quantitative, while a sentence that carries an amount among other clauses
   (``第一季度，研究制定项目实施方案；…，完成贴息任务10%。``, ``完成。2023年度，…为4个。``)
   or an amount among more than 20 characters of words is QUALITATIVE, and
   :func:`looks_quantitative` reports it, for a check warning.  A text without an amount
   is QUALITATIVE.

Comparing (:meth:`TargetValue.is_met_by`, :meth:`TargetValue.ratio`) uses base numbers
(number × multiplier).  A bare number (no unit at all) is read in the unit of the value
it is compared with, because the bureau often writes the unit in the indicator's name
(target ``3``, actual ``10个``; target ``≥135`` for 亿元, actual ``247.76亿元``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType
from typing import Final

__all__ = [
    "BASE_UNITS",
    "MAX_CHARS",
    "MULTIPLIERS",
    "SHORT_LABEL",
    "SHORT_TEXT",
    "Bound",
    "Comparator",
    "Kind",
    "TargetValue",
    "find_amounts",
    "looks_quantitative",
    "parse_target",
]


class Comparator(StrEnum):
    """How a target bounds the actual value; the value is the display symbol."""

    GE = "≥"
    GT = ">"
    EQ = "="
    LE = "≤"
    LT = "<"
    RANGE = "~"
    TARGET = ""  # a bare amount ("200家", "支出50%"): a level to reach


class Kind(StrEnum):
    EMPTY = "empty"
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


MAX_CHARS: Final = 2000
"""Texts longer than this are QUALITATIVE without being parsed."""

SHORT_LABEL: Final = 20
"""The most characters of words (blanks, punctuation and brackets not counted) a clause may
have around its amounts and still be read as a value."""

SHORT_TEXT: Final = 24
"""The longest text (same count, amounts included) that may mix a value with a clause of words."""

MULTIPLIERS: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "万亿": Decimal("1000000000000"),
        "亿": Decimal("100000000"),
        "千万": Decimal("10000000"),
        "百万": Decimal("1000000"),
        "万": Decimal("10000"),
        "千": Decimal("1000"),
    }
)
"""The multipliers written before a unit (or alone: ``52万``)."""

BASE_UNITS: Final[tuple[str, ...]] = (
    # counts of organisations, people and things
    "家", "家次", "户", "户次", "个", "个次", "人", "人次", "名", "位", "份", "篇", "篇次",
    "期", "期次", "场", "场次", "次", "款", "项", "项次", "件", "种", "条", "条次", "笔",
    "单", "张", "本", "册", "部", "套", "台", "批", "类", "所", "座", "处", "间", "只", "支",
    "字", "页", "章", "节", "课时", "学时", "股", "倍", "分", "棵", "辆",
    # time
    "年", "个月", "月", "周", "星期", "天", "日", "个工作日", "工作日", "小时", "个小时",
    "分钟", "秒", "毫秒",
    # money
    "元", "美元", "港元", "港币",
    # ratios
    "%", "‰", "个百分点", "百分点",
    # measures
    "米", "千米", "公里", "平方米", "平米", "亩", "公顷", "克", "千克", "公斤", "吨", "升",
    "度", "瓦", "千瓦", "千瓦时", "兆瓦",
    # Latin units are read generically (ms, TB, TPS, GB, m²); these are listed for clarity
    "ms", "TB", "GB", "TPS",
)  # fmt: skip
"""Units after a number, without multiplier. Longest match wins; ``A/B`` rates
(``笔/秒``) are read as one unit. Add a unit here to teach the parser."""

_TIME_UNITS: Final = frozenset(
    {"年", "个月", "月", "周", "星期", "天", "日", "个工作日", "工作日", "小时", "个小时",
     "分钟", "秒", "毫秒", "ms", "s", "h", "min"}
)  # fmt: skip

_PREFIX_WORDS: Final[tuple[tuple[str, Comparator], ...]] = tuple(
    sorted(
        (
            *((w, Comparator.GE) for w in (
                "≥", "≧", "⩾", ">=", "大于或等于", "大于等于", "不低于", "不少于", "不得低于",
                "不得少于", "不应低于", "不应少于", "不小于", "至少", "最少")),
            *((w, Comparator.GT) for w in (">", "大于", "高于", "超过", "超", "多于", "突破")),
            *((w, Comparator.EQ) for w in ("=", "等于")),
            *((w, Comparator.LE) for w in (
                "≤", "≦", "⩽", "<=", "小于或等于", "小于等于", "不高于", "不超过", "不得超过",
                "不得高于", "不多于", "不得多于", "不大于", "不超", "最多", "至多", "控制在")),
            *((w, Comparator.LT) for w in ("<", "小于", "低于", "少于", "不足")),
        ),
        key=lambda pair: -len(pair[0]),
    )
)  # fmt: skip

_SUFFIX_WORDS: Final[tuple[tuple[str, Comparator], ...]] = (
    ("及以上", Comparator.GE),
    ("或以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("或以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
    ("+", Comparator.GE),
)

# "At least / at most" words that may stand before the verb: 至少对接1家银行, 不低于年度使用时间的95%
_ADVERBIAL_WORDS: Final[tuple[tuple[str, Comparator], ...]] = tuple(
    (word, comparator)
    for word, comparator in _PREFIX_WORDS
    if word in {"至少", "最少", "不少于", "不低于", "不得低于", "不得少于",
                "至多", "最多", "不超过", "不高于", "不多于", "不得超过"}
)  # fmt: skip
_ADVERBIAL_REACH: Final = 8  # the most characters between such a word and its number

_CONNECTIVES: Final = frozenset({"和", "及", "与", "或", "以及", "并", "并且", "、", "/"})
_RANGE_SEPARATORS: Final = frozenset("-~〜—–−至到")
_CLAUSE_SEPARATORS: Final = frozenset("\n,;。!?")
_LABEL_STRIP: Final = " \n,.;:!?、。…·-—~"
_DIGITS: Final = frozenset("0123456789")
_BRACKETS: Final[Mapping[str, str]] = MappingProxyType({"(": ")", "[": "]", "【": "】", "〔": "〕"})
_MASK: Final = "\u25a1"

_UNIT_TABLE: Final = frozenset(BASE_UNITS)
_UNIT_MAX: Final = max(len(u) for u in BASE_UNITS)
_MULT_MAX: Final = max(len(m) for m in MULTIPLIERS)

# A context wide enough for the products of any number a text can hold (exact), and
# one for ratios.
_EXACT: Final = Context(
    prec=100_000,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
_RATIO: Final = Context(
    prec=28, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[InvalidOperation, DivisionByZero, Overflow]
)

_ONE: Final = Decimal(1)

_NUM: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?")
_LATIN_UNIT: Final = re.compile(r"[A-Za-z]+(?:[²³]|(?<=m)[23](?![0-9.]))?(?:/[A-Za-z]+)?")
_PLACEHOLDER: Final = re.compile(r"[-/\\—–―─−~_ ]+")
_HUGE_PLACEHOLDER: Final = re.compile(r"[\s\-/\\—–―─−－／＼~～_]*")
_ANY_DIGIT: Final = re.compile(r"[0-9０-９]")

# Spans that hold digits but no amount.  Each is bounded, so each search is linear.
_QUOTED: Final = re.compile(
    r"“[^”\n]{0,60}”|\"[^\"\n]{0,60}\"|‘[^’\n]{0,60}’|《[^》\n]{0,60}》|「[^」\n]{0,60}」|『[^』\n]{0,60}』"
)
_IDENTIFIER: Final = re.compile(r"(?<![0-9.A-Za-z])[A-Za-z]+[0-9]+[A-Za-z0-9]*(?:[/.\-][0-9]+[A-Za-z0-9]*)*")
_ORDINAL: Final = re.compile(r"第 ?[0-9]+")
_REFERENCE: Final = re.compile(r"附[件表图] ?[0-9]+(?:-[0-9]+)?|[表图] ?[0-9]+-[0-9]+")
_PRODUCT: Final = re.compile(r"(?<![0-9])[0-9]+ ?[×*+] ?[0-9]+")
_TIME_OF_DAY: Final = re.compile(r"(?<![0-9.])[0-9]{1,2}:[0-9]{2}(?![0-9])")
_ISO_DATE: Final = re.compile(r"(?<![0-9.])(?:19|20)[0-9]{2} ?[-/.] ?[0-9]{1,2} ?[-/.] ?[0-9]{1,2}(?![0-9])")
_YEAR_DATE: Final = re.compile(
    r"(?<![0-9.])(?:19|20)[0-9]{2} ?年"
    r"(?: ?[0-9]{1,2} ?(?:[-~至到] ?[0-9]{1,2} ?)?月(?: ?[0-9]{1,2} ?[日号])?)?"
)
_MONTH_DATE: Final = re.compile(r"(?<![0-9.,])([0-9]{1,2}) ?(?:[-~至到] ?([0-9]{1,2}) ?)?月(?: ?[0-9]{1,2} ?[日号])?")

_MARKER_PAREN: Final = re.compile(r" ?\( ?([0-9]{1,2}) ?\) ?")
_MARKER_CIRCLED: Final = re.compile(r" ?([\u2460-\u2473]) ?")
_MARKER_NUMBER: Final = re.compile(r" ?([0-9]{1,2}) ?([、)]|\.|-(?= ?[^ 0-9]))")

_PRE_NFKC: Final[Mapping[str, str]] = MappingProxyType({"㎡": "m²", "㎥": "m³", "㎢": "km²"})
_PROTECTED: Final = re.compile("([²³\u2460-\u2473])")
_NEWLINES: Final = frozenset("\r\u2028\u2029\x85\x0b\x0c")
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co"})


@dataclass(frozen=True, slots=True)
class Bound:
    """One amount of a target value: ``≥``, ``135``, ``亿元`` (``元`` × 10⁸)."""

    comparator: Comparator
    number: Decimal  # as written, before the multiplier: "135亿元" -> 135
    high: Decimal | None  # the upper end of a RANGE ("1-2场": number 1, high 2), else None
    unit: str  # as written, multiplier included: "亿元", "万家", "%", "ms", "" (none)
    base_unit: str  # without the multiplier: "元", "家", "%", "ms", ""
    scale: Decimal  # the multiplier: 1, 1000 (千), 10000 (万), 100000000 (亿)
    label: str = ""  # the words around it that qualify it: "支出", "累计", "回访满意度"

    @property
    def base_number(self) -> Decimal:
        """The number times the multiplier: ``135亿元`` → 13500000000."""
        return _EXACT.multiply(self.number, self.scale)

    def comparable_with(self, other: Bound) -> bool:
        """Whether both measure the same thing: the same base unit (``""`` only with ``""``)."""
        return self.base_unit == other.base_unit


@dataclass(frozen=True, slots=True)
class TargetValue:
    """A target value: the original text and the meaning derived from it."""

    text: str
    kind: Kind
    bounds: tuple[Bound, ...]
    period: str | None = None  # "stage" | "annual" | "cycle", as given by the caller

    @property
    def primary(self) -> Bound | None:
        return self.bounds[0] if self.bounds else None

    def is_met_by(self, actual: TargetValue) -> bool | None:
        """Whether ``actual`` meets this target; ``None`` when they cannot be compared.

        Both must be QUANTITATIVE.  When both have the same number of bounds (more than
        one), each bound is compared with its counterpart and all must be met; otherwise
        the primary bounds are compared.  A RANGE is met by a value within it (both ends
        included); TARGET and ≥ by a value at least as large; > ≤ < = as their symbols say.
        An actual range (``1-2场``) must lie wholly on the right side.
        """
        if self.kind is not Kind.QUANTITATIVE or actual.kind is not Kind.QUANTITATIVE:
            return None
        if not self.bounds or not actual.bounds:
            return None
        if len(self.bounds) == len(actual.bounds) > 1:
            pairs = list(zip(self.bounds, actual.bounds, strict=True))
        else:
            pairs = [(self.bounds[0], actual.bounds[0])]
        results = [_bound_met(target, value) for target, value in pairs]
        if any(result is None for result in results):
            return None
        return all(results)

    def ratio(self, actual: TargetValue) -> Decimal | None:
        """``actual / target`` on the primary bounds (28 digits), when comparable and the
        target is not 0.  For a RANGE, the lower end is the target."""
        target, value = self.primary, actual.primary
        if target is None or value is None:
            return None
        if self.kind is not Kind.QUANTITATIVE or actual.kind is not Kind.QUANTITATIVE:
            return None
        scales = _effective_scales(target, value)
        if scales is None:
            return None
        denominator = _EXACT.multiply(target.number, scales[0])
        if denominator.is_zero():
            return None
        return _RATIO.divide(_EXACT.multiply(value.number, scales[1]), denominator)


def parse_target(text: str | None, period: str | None = None) -> TargetValue:
    """Parse a target value as the bureau writes it.  Never raises; linear time."""
    if text is None:
        original = ""
    elif isinstance(text, str):
        original = text
    else:  # a YAML number that escaped quoting
        original = str(text)
    try:
        kind, bounds, _numeric = _analyse(original)
    except Exception:  # a parse must never fail a build; the text stays the source
        kind, bounds = Kind.QUALITATIVE, ()
    return TargetValue(original, kind, bounds, period)


def looks_quantitative(text: str) -> bool:
    """True when the text holds an amount (a digit that is not part of a date, a quoted
    name, an identifier or a list marker) but :func:`parse_target` reads it as
    QUALITATIVE: a long sentence with a number, worth a check warning."""
    if not isinstance(text, str):
        return False
    try:
        kind, _bounds, numeric = _analyse(text)
    except Exception:
        return _ANY_DIGIT.search(text) is not None
    return kind is Kind.QUALITATIVE and numeric


# --------------------------------------------------------------------------- amounts in prose


def find_amounts(text: str | None) -> tuple[Bound, ...]:
    """Every amount a sentence states, left to right, however long the words around it.

    :func:`parse_target` reads a short target cell and refuses long sentences; a goal
    text (绩效目标: ``报送再担保业务合作规模不低于135亿元。其中，……不得低于80%``) states its
    amounts inside such sentences.  This reads them with the same rules (masking of dates,
    names and identifiers, comparator words, units, ``（含）``, ranges), clause by clause,
    without the short-label test; amounts in a bracketed note follow those of the text.
    Used to compare the quantities of two versions of a goal (docgen diff).  Never raises.
    """
    if not isinstance(text, str) or len(text) > MAX_CHARS:
        return ()
    try:
        return _amounts(_normalise(text), depth=0)
    except Exception:  # like parse_target: reading a text must never fail a run
        return ()


def _amounts(text: str, depth: int) -> tuple[Bound, ...]:
    main, notes, flags = _split_brackets(text)
    masked = _mask(main)
    quantities = _scan(masked)
    for position, exclusive in flags:
        _apply_inclusion(quantities, position, exclusive)
    bounds: list[Bound] = []
    next_quantity = 0
    for clause_start, clause_end in _clauses(masked):
        first = next_quantity
        while next_quantity < len(quantities) and quantities[next_quantity].number_start < clause_end:
            next_quantity += 1
        if next_quantity > first:
            bounds.extend(_clause_bounds(main, clause_start, clause_end, quantities[first:next_quantity]))
    if depth < 2:
        for note in notes:
            if _DIGITS.intersection(note):
                bounds.extend(_amounts(note, depth + 1))
    return tuple(bounds)


# --------------------------------------------------------------------------- comparing


def _effective_scales(target: Bound, actual: Bound) -> tuple[Decimal, Decimal] | None:
    """The multipliers to compare with, or None when the units differ.  A bound with no
    unit at all takes the other's multiplier (it is written in the other's unit)."""
    if target.base_unit and actual.base_unit and target.base_unit != actual.base_unit:
        return None
    target_scale, actual_scale = target.scale, actual.scale
    if not target.unit and actual.unit:
        target_scale = actual.scale
    elif not actual.unit and target.unit:
        actual_scale = target.scale
    return target_scale, actual_scale


def _bound_met(target: Bound, actual: Bound) -> bool | None:
    scales = _effective_scales(target, actual)
    if scales is None:
        return None
    t_scale, a_scale = scales
    t_low = _EXACT.multiply(target.number, t_scale)
    t_high = t_low if target.high is None else _EXACT.multiply(target.high, t_scale)
    a_low = _EXACT.multiply(actual.number, a_scale)
    a_high = a_low if actual.high is None else _EXACT.multiply(actual.high, a_scale)
    t_low, t_high = min(t_low, t_high), max(t_low, t_high)
    a_low, a_high = min(a_low, a_high), max(a_low, a_high)
    match target.comparator:
        case Comparator.RANGE:
            return t_low <= a_low and a_high <= t_high
        case Comparator.GE | Comparator.TARGET:
            return a_low >= t_low
        case Comparator.GT:
            return a_low > t_low
        case Comparator.LE:
            return a_high <= t_low
        case Comparator.LT:
            return a_high < t_low
        case Comparator.EQ:
            return a_low == t_low and a_high == t_low
    return None  # pragma: no cover - every comparator is handled above


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _Block:
    kind: Kind
    bounds: list[Bound]
    numeric: bool  # holds an amount, whatever the kind


@dataclass(slots=True)
class _Quantity:
    start: int  # where its comparator word (or its number) starts
    number_start: int
    end: int  # after its unit and suffix comparator
    comparator: Comparator
    explicit: bool  # the comparator is written, not implied
    word: tuple[int, int] | None  # where an adverbial comparator word stands, apart from the number
    number: Decimal
    high: Decimal | None
    unit: str
    base_unit: str
    scale: Decimal


Analysis = tuple[Kind, tuple[Bound, ...], bool]
_ANALYSES: dict[str, Analysis] = {}  # the same values recur across projects: each is analysed once
_USED: set[str] = set()  # the texts asked for since :func:`remember_analyses`
_NEW: set[str] = set()  # of those, the texts analysed, not remembered
_MOST_ANALYSES = 1 << 16


def _analyse(original: str) -> Analysis:
    found = _ANALYSES.get(original)
    if found is None:
        found = _analysis(original)
        if len(_ANALYSES) >= _MOST_ANALYSES:
            _ANALYSES.clear()
        _ANALYSES[original] = found
        _NEW.add(original)
    _USED.add(original)
    return found


def remember_analyses(kept: Mapping[str, Analysis]) -> None:
    """Take the analyses an earlier process kept (:class:`docgen.source.cache.ParseCache`): the same
    text has the same analysis. At 1,000 projects ``check`` analyses ~2,900 values (0.1 s)."""
    _USED.clear()
    _NEW.clear()
    for text, analysis in kept.items():
        _ANALYSES.setdefault(text, analysis)


def analyses_to_keep() -> dict[str, Analysis] | None:
    """The analyses of the texts asked for since :func:`remember_analyses`, or None when they
    were all remembered (nothing new to keep)."""
    if not _NEW:
        return None
    return {text: _ANALYSES[text] for text in _USED if text in _ANALYSES}


def _analysis(original: str) -> Analysis:
    if len(original) > MAX_CHARS:
        if _HUGE_PLACEHOLDER.fullmatch(original):
            return Kind.EMPTY, (), False
        return Kind.QUALITATIVE, (), _ANY_DIGIT.search(original) is not None
    text = _normalise(original)
    if _is_placeholder(text):
        return Kind.EMPTY, (), False
    items = _list_items(text)
    if items is None:
        block = _parse_block(text, depth=0)
        return block.kind, tuple(block.bounds), block.numeric
    blocks = [_parse_block(item, depth=0) for item in items]
    bounds = tuple(b for block in blocks if block.kind is Kind.QUANTITATIVE for b in block.bounds)
    numeric = any(block.numeric for block in blocks)
    if bounds:
        return Kind.QUANTITATIVE, bounds, numeric
    if all(block.kind is Kind.EMPTY for block in blocks):
        return Kind.EMPTY, (), False
    return Kind.QUALITATIVE, (), numeric


def _normalise(text: str) -> str:
    """NFKC (keeping ² ³ ①…⑳), no control or format characters, one blank for many."""
    for old, new in _PRE_NFKC.items():
        if old in text:
            text = text.replace(old, new)
    kept: list[str] = []
    for ch in text:
        if ch == "\n" or ch in _NEWLINES:
            kept.append("\n")
        elif ch == "\t":
            kept.append(" ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            kept.append(ch)
    pieces = _PROTECTED.split("".join(kept))
    normal = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(pieces))
    lines = (" ".join(line.split()) for line in normal.split("\n"))
    return "\n".join(lines).strip("\n")


def _is_placeholder(text: str) -> bool:
    """Blank, or a run of dashes/slashes, optionally followed by a unit (``--篇``)."""
    stripped = text.strip()
    if not stripped:
        return True
    match = _PLACEHOLDER.match(stripped)
    if match is None:
        return False
    rest = stripped[match.end() :].strip()
    if not rest:
        return True
    unit, _base, _scale, end = _read_unit(rest, 0)
    return bool(unit) and end == len(rest)


def _list_items(text: str) -> list[str] | None:
    """The items of a numbered list, or None when the text is not one."""
    lines = [line for line in text.split("\n") if line.strip()]
    marked: list[tuple[str, str, int, str]] = []  # (line, "u"nambiguous/"a"mbiguous/"", number, rest)
    for line in lines:
        marked.append(_marker(line))
    in_sequence = len(marked) > 1 and all(number == i for i, (_l, _k, number, _r) in enumerate(marked, 1))
    if not any(kind == "u" for _line, kind, _n, _rest in marked) and not in_sequence:
        return None  # 1.5%, or 1.5%\n3.5%: numbers, not a list
    items: list[list[str]] = []
    expected = 1
    for line, kind, number, rest in marked:
        if kind == "u" or (kind == "a" and (number == expected or in_sequence)):
            items.append([rest])
            expected = number + 1
        elif items:
            items[-1].append(line)
        else:
            items.append([line])
    return ["\n".join(item) for item in items]


def _marker(line: str) -> tuple[str, str, int, str]:
    match = _MARKER_PAREN.match(line)
    if match:
        return line, "u", int(match.group(1)), line[match.end() :]
    match = _MARKER_CIRCLED.match(line)
    if match:
        return line, "u", ord(match.group(1)) - 0x2460 + 1, line[match.end() :]
    match = _MARKER_NUMBER.match(line)
    if match:
        rest = line[match.end() :]
        ambiguous = match.group(2) == "." and rest[:1] in _DIGITS
        return line, "a" if ambiguous else "u", int(match.group(1)), rest.lstrip(" ")
    return line, "", 0, line


def _parse_block(text: str, depth: int) -> _Block:
    """Read one text (or one list item): its clauses, amounts and bracketed parts."""
    stripped = text.strip()
    if _is_placeholder(stripped):
        return _Block(Kind.EMPTY, [], False)
    main, notes, flags = _split_brackets(stripped)
    if not main.strip(" \n" + _LABEL_STRIP) and notes and depth < 2:
        return _parse_block(",".join(notes), depth + 1)
    masked = _mask(main)
    quantities = _scan(masked)
    for position, exclusive in flags:
        _apply_inclusion(quantities, position, exclusive)

    bounds: list[Bound] = []
    has_value = has_long = False
    text_clauses = 0
    next_quantity = 0
    for clause_start, clause_end in _clauses(masked):
        first = next_quantity
        while next_quantity < len(quantities) and quantities[next_quantity].number_start < clause_end:
            next_quantity += 1
        in_clause = quantities[first:next_quantity]
        clause = main[clause_start:clause_end]
        if not in_clause:
            text_clauses += bool(clause.strip(_LABEL_STRIP))
            continue
        words = [main[clause_start : in_clause[0].start]]
        words += [main[a.end : b.start] for a, b in pairwise(in_clause)]
        words.append(main[in_clause[-1].end : clause_end])
        if sum(_length(w, strip=True) for w in words) > SHORT_LABEL:
            has_long = True
            continue
        has_value = True
        bounds.extend(_clause_bounds(main, clause_start, clause_end, in_clause))

    numeric = bool(quantities)
    note_blocks: list[_Block] = []
    for note in notes:
        if _DIGITS.intersection(note):
            note_block = _parse_block(note, depth + 1) if depth < 2 else _Block(Kind.QUALITATIVE, [], True)
            numeric = numeric or note_block.numeric
            note_blocks.append(note_block)

    short = text_clauses == 0 or (text_clauses == 1 and _length(main) <= SHORT_TEXT)
    quantitative = has_value and not has_long and short
    if not quantitative:
        return _Block(Kind.QUALITATIVE, [], numeric)
    for note_block in note_blocks:
        if note_block.kind is Kind.QUANTITATIVE:
            bounds.extend(note_block.bounds)
    return _Block(Kind.QUANTITATIVE, bounds, numeric)


def _length(text: str, strip: bool = False) -> int:
    """Characters that count: no blanks, no trailing (with ``strip``: no) punctuation."""
    squeezed = "".join(text.split())
    return len(squeezed.strip(_LABEL_STRIP) if strip else squeezed.rstrip(_LABEL_STRIP))


def _split_brackets(text: str) -> tuple[str, list[str], list[tuple[int, bool]]]:
    """The text without its top-level bracketed parts; the parts; and where (含)/(不含) stood."""
    main: list[str] = []
    notes: list[str] = []
    flags: list[tuple[int, bool]] = []
    opener = ""
    start = depth = 0
    for index, ch in enumerate(text):
        if not opener:
            if ch in _BRACKETS:
                opener, start, depth = ch, index, 1
            else:
                main.append(ch)
        elif ch == opener:
            depth += 1
        elif ch == _BRACKETS[opener]:
            depth -= 1
            if depth == 0:
                content = text[start + 1 : index].strip()
                if content in ("含", "不含"):
                    flags.append((len(main), content == "不含"))
                else:
                    notes.append(content)
                opener = ""
    if opener:  # unbalanced: the rest is plain text
        main.extend(text[start:])
    return "".join(main), notes, flags


def _mask(text: str) -> str:
    """The text with every span that holds digits but no amount replaced by □."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = _MASK

    for pattern in (_QUOTED, _IDENTIFIER, _ORDINAL, _REFERENCE, _PRODUCT, _TIME_OF_DAY):
        for match in pattern.finditer(text):
            blank(match.start(), match.end())
    for pattern in (_ISO_DATE, _YEAR_DATE):
        for match in pattern.finditer(text):
            if not _after_comparator(text, match.start()):
                blank(match.start(), match.end())
    for match in _MONTH_DATE.finditer(text):
        months = [g for g in match.groups() if g is not None]
        if all(1 <= int(m) <= 12 for m in months) and not _after_comparator(text, match.start()):
            blank(match.start(), match.end())
    return "".join(chars)


def _after_comparator(text: str, position: int) -> bool:
    before = text[max(0, position - 8) : position].rstrip(" ")
    return any(before.endswith(word) for word, _comparator in _PREFIX_WORDS)


def _clauses(masked: str) -> Iterable[tuple[int, int]]:
    """Clause spans: split at , ; 。 ! ? and line breaks, but not inside 13,000."""
    start = 0
    length = len(masked)
    for index, ch in enumerate(masked):
        if ch not in _CLAUSE_SEPARATORS:
            continue
        group = masked[index + 1 : index + 4]
        if (
            ch == ","
            and index > 0
            and masked[index - 1] in _DIGITS
            and len(group) == 3
            and _DIGITS.issuperset(group)
            and (index + 4 >= length or masked[index + 4] not in _DIGITS)
        ):
            continue  # a thousands separator: 13,000
        yield start, index
        start = index + 1
    yield start, length


def _scan(masked: str) -> list[_Quantity]:
    """Every amount of the (masked) text, left to right."""
    quantities: list[_Quantity] = []
    position = 0
    previous_end = 0
    while True:
        match = _NUM.search(masked, position)
        if match is None:
            return quantities
        quantity = _read_quantity(masked, match, previous_end)
        quantities.append(quantity)
        position = previous_end = quantity.end


def _to_decimal(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))


def _skip_blank(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


def _read_quantity(masked: str, match: re.Match[str], previous_end: int) -> _Quantity:
    number = _to_decimal(match.group())
    high: Decimal | None = None
    after = _skip_blank(masked, match.end())
    more = after < len(masked) and masked[after] in "多余"
    if more:
        after = _skip_blank(masked, after + 1)
    unit, base_unit, scale, unit_end = _read_unit(masked, after)
    end = unit_end if unit else (after if more else match.end())

    # a range: 1-2场, 8-10万字, 63%~68%, 0.3%至0.6%
    if not more:
        separator = _skip_blank(masked, end)
        if separator < len(masked) and masked[separator] in _RANGE_SEPARATORS:
            second = _NUM.match(masked, _skip_blank(masked, separator + 1))
            if second is not None:
                after2 = _skip_blank(masked, second.end())
                unit2, base2, scale2, unit2_end = _read_unit(masked, after2)
                if not unit or not unit2 or unit == unit2 or (unit in MULTIPLIERS and unit2.startswith(unit)):
                    high = _to_decimal(second.group())
                    if unit2:
                        unit, base_unit, scale, end = unit2, base2, scale2, unit2_end
                    else:
                        end = second.end()

    # a comparator before it
    start = match.start()
    comparator = Comparator.TARGET
    explicit = False
    word_span: tuple[int, int] | None = None
    gap = masked[previous_end : match.start()].rstrip(" ")
    for word, word_comparator in _PREFIX_WORDS:
        if gap.endswith(word):
            comparator, explicit = word_comparator, True
            start = previous_end + len(gap) - len(word)
            break
    else:  # 至少对接1家银行
        near = max(previous_end, match.start() - _ADVERBIAL_REACH - 4)
        window = masked[near : match.start()]
        best = -1
        for word, word_comparator in _ADVERBIAL_WORDS:
            found = window.rfind(word)
            if found < 0:
                continue
            reach = match.start() - (near + found + len(word))
            if found + len(word) > best and reach <= _ADVERBIAL_REACH:
                best = found + len(word)
                comparator, explicit = word_comparator, True
                word_span = (near + found, near + found + len(word))

    # or after it
    suffix_at = _skip_blank(masked, end)
    suffix_comparator: Comparator | None = None
    for word, word_comparator in _SUFFIX_WORDS:
        if masked.startswith(word, suffix_at):
            suffix_comparator, end = word_comparator, suffix_at + len(word)
            break
    else:
        if base_unit in _TIME_UNITS and masked.startswith("内", suffix_at):
            suffix_comparator, end = Comparator.LE, suffix_at + 1

    if high is not None:
        comparator, explicit, start, word_span = Comparator.RANGE, True, match.start(), None
    elif not explicit and suffix_comparator is not None:
        comparator, explicit = suffix_comparator, True
    elif not explicit and more:
        comparator, explicit = Comparator.GT, True
    if word_span is not None and suffix_comparator is not None:
        comparator, word_span = suffix_comparator, None
    return _Quantity(start, match.start(), end, comparator, explicit, word_span, number, high, unit, base_unit, scale)


def _read_unit(text: str, position: int) -> tuple[str, str, Decimal, int]:
    """(unit as written, base unit, multiplier, end) at position; ("", "", 1, position) if none."""
    base, base_end = _read_base_unit(text, position)
    for length in range(min(_MULT_MAX, len(text) - position), 0, -1):
        multiplier = text[position : position + length]
        if multiplier in MULTIPLIERS:
            after, after_end = _read_base_unit(text, position + length)
            if base is None or after_end > base_end:
                return multiplier + (after or ""), after or "", MULTIPLIERS[multiplier], after_end
            break
    if base is not None:
        return base, base, _ONE, base_end
    return "", "", _ONE, position


def _read_base_unit(text: str, position: int) -> tuple[str | None, int]:
    """The longest unit at position (a table unit, or Latin letters), and its end."""
    if position >= len(text):
        return None, position
    latin = _LATIN_UNIT.match(text, position)
    if latin is not None:
        return latin.group(), latin.end()
    unit = _table_unit(text, position)
    if unit is None:
        return None, position
    end = position + len(unit)
    if text.startswith("/", end):  # a rate: 笔/秒, 元/股
        per = _table_unit(text, end + 1)
        if per is not None:
            return f"{unit}/{per}", end + 1 + len(per)
    return unit, end


def _table_unit(text: str, position: int) -> str | None:
    for length in range(min(_UNIT_MAX, len(text) - position), 0, -1):
        candidate = text[position : position + length]
        if candidate in _UNIT_TABLE:
            return candidate
    return None


def _apply_inclusion(quantities: list[_Quantity], position: int, exclusive: bool) -> None:
    """Apply a (含) / (不含) that stood at position to the amount it belongs to."""
    for index, quantity in enumerate(quantities):
        if quantity.start <= position <= quantity.end and quantity.explicit:
            if exclusive and quantity.comparator is Comparator.GE:
                quantities[index] = replace(quantity, comparator=Comparator.GT)
            elif exclusive and quantity.comparator is Comparator.LE:
                quantities[index] = replace(quantity, comparator=Comparator.LT)
            return


def _clause_bounds(text: str, clause_start: int, clause_end: int, quantities: list[_Quantity]) -> list[Bound]:
    bounds: list[Bound] = []
    previous_end = clause_start
    previous: _Quantity | None = None
    for index, quantity in enumerate(quantities):
        before = text[previous_end : quantity.start]
        if quantity.word is not None and quantity.word[0] >= previous_end:
            before = text[previous_end : quantity.word[0]] + text[quantity.word[1] : quantity.start]
        label = _clean_label(before)
        if index == len(quantities) - 1:
            label += _clean_label(text[quantity.end : clause_end])
        comparator = quantity.comparator
        joined = not _clean_label(before)  # 不低于80%和50%
        if (
            previous is not None
            and previous.explicit
            and previous.comparator is not Comparator.RANGE
            and not quantity.explicit
            and joined
        ):
            comparator = previous.comparator
        bounds.append(
            Bound(comparator, quantity.number, quantity.high, quantity.unit, quantity.base_unit,
                  quantity.scale, label)
        )  # fmt: skip
        previous_end = quantity.end
        previous = quantity
    return bounds


def _clean_label(text: str) -> str:
    label = " ".join(text.split()).strip(_LABEL_STRIP)
    return "" if label in _CONNECTIVES else label
