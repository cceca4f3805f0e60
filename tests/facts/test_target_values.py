"""Tests of docgen.facts.target_values: the meaning of the bureau's target values.

* ``target_values_cases.tsv``: real values from the seed documents, each asserted exactly;
* unit tests of multipliers, comparison, ratio, empty forms and the check warning;
* property tests: any text parses without raising, ``≥{n}{unit}`` round-trips, and a
  bound's base number is its number times its multiplier.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.facts import target_values as tv
from docgen.facts.target_values import (
    BASE_UNITS,
    MAX_CHARS,
    MULTIPLIERS,
    Bound,
    Comparator,
    Kind,
    TargetValue,
    looks_quantitative,
    parse_target,
)

CASES = Path(__file__).with_name("target_values_cases.tsv")
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_FILES = (
    "000_9a8c47bbf99d000c.txt",
    "002_9c7bdca997b96952.txt",
    "003_c74ec66e75180432.txt",
    "004_7d76542711e2b388.txt",
)
# cells that text extraction split over two table rows; the case joins them back
JOINED_CELLS = frozenset({"基本实现科创金融投融资路演的功能", "成为企业资本发展全周期的路演服务平台"})


# --------------------------------------------------------------------------- the seed cases


@dataclass(frozen=True)
class Case:
    line: int
    text: str
    kind: Kind
    comparators: tuple[str, ...]
    numbers: tuple[str, ...]
    units: tuple[str, ...]
    scales: tuple[str, ...]
    labels: tuple[str, ...]
    source: str

    @property
    def seed(self) -> str:
        return self.source.split("#", 1)[0]


def _unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(cell.split("|")) if cell else ()


def _load_cases() -> list[Case]:
    cases: list[Case] = []
    header_seen = False
    for number, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        assert len(cells) == 8, f"{CASES.name}:{number}: expected 8 columns, got {len(cells)}"
        if not header_seen:
            assert cells == ["text", "kind", "comparators", "numbers", "units", "scales", "labels", "source"]
            header_seen = True
            continue
        text, kind, comparators, numbers, units, scales, labels, source = cells
        bounds = len(_split(comparators))
        cases.append(
            Case(
                number,
                _unescape(text),
                Kind(kind),
                _split(comparators),
                _split(numbers),
                # a unit or label may be empty: split the joined cell into as many entries as bounds
                tuple(units.split("|")) if bounds else (),
                _split(scales),
                tuple(labels.split("|")) if bounds else (),
                source,
            )
        )
    return cases


SEED_CASES = _load_cases()


def _number(bound: Bound) -> str:
    return f"{bound.number}~{bound.high}" if bound.high is not None else str(bound.number)


def _same_number(written: str, parsed: str) -> bool:
    low, _, high = written.partition("~")
    p_low, _, p_high = parsed.partition("~")
    return Decimal(low) == Decimal(p_low) and (high == p_high == "" or Decimal(high or "NaN") == Decimal(p_high))


@pytest.mark.parametrize("case", SEED_CASES, ids=[f"L{c.line}" for c in SEED_CASES])
def test_seed_case(case: Case) -> None:
    value = parse_target(case.text)
    assert value.text == case.text
    assert value.kind is case.kind
    bounds = value.bounds
    assert tuple(b.comparator.name for b in bounds) == case.comparators
    assert len(case.numbers) == len(bounds)
    assert all(_same_number(w, _number(b)) for w, b in zip(case.numbers, bounds, strict=True)), [
        _number(b) for b in bounds
    ]
    assert tuple(b.unit for b in bounds) == case.units
    assert tuple(b.scale for b in bounds) == tuple(Decimal(s) for s in case.scales)
    assert tuple(b.label for b in bounds) == case.labels
    if case.kind is Kind.QUANTITATIVE:
        assert bounds
        assert not looks_quantitative(case.text)
    else:
        assert bounds == ()


def test_seed_cases_are_many_and_from_every_seed() -> None:
    assert len(SEED_CASES) >= 180
    seeds = {case.seed for case in SEED_CASES}
    assert seeds == set(SEED_FILES)
    kinds = {case.kind for case in SEED_CASES}
    assert kinds == set(Kind)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not next to the repository")
def test_seed_cases_are_copied_from_the_seeds() -> None:
    """Every case's text is in its seed (blanks aside: the guide removes PDF line-wrap spaces)."""
    squeezed = {name: re.sub(r"\s+", "", (SEEDS / name).read_text(encoding="utf-8")) for name in SEED_FILES}
    missing = [
        (case.line, case.text)
        for case in SEED_CASES
        if case.text not in JOINED_CELLS and re.sub(r"\s+", "", case.text) not in squeezed[case.seed]
    ]
    assert missing == []


# --------------------------------------------------------------------------- multipliers and units


def test_multipliers_make_amounts_comparable() -> None:
    low, high = parse_target("不低于135亿元").primary, parse_target("不低于160亿元").primary
    assert low is not None and high is not None
    assert (low.number, low.unit, low.base_unit, low.scale) == (Decimal(135), "亿元", "元", Decimal(10) ** 8)
    assert low.base_number == Decimal("1.35E10") == Decimal(13_500_000_000)
    assert high.base_number == Decimal("1.6E10")
    assert low.comparable_with(high) and high.comparable_with(low)


@pytest.mark.parametrize(
    ("text", "number", "unit", "base_unit", "scale"),
    [
        ("52万", "52", "万", "", "10000"),
        ("30万家", "30", "万家", "家", "10000"),
        ("1亿", "1", "亿", "", "100000000"),
        ("2亿元", "2", "亿元", "元", "100000000"),
        ("3千家", "3", "千家", "家", "1000"),
        ("4,000户次", "4000", "户次", "户次", "1"),
        ("13,000户次", "13000", "户次", "户次", "1"),
        ("１３，０００户次", "13000", "户次", "户次", "1"),  # full-width
        ("6000万元", "6000", "万元", "元", "10000"),
        ("50亿股", "50", "亿股", "股", "100000000"),
        ("4万条", "4", "万条", "条", "10000"),
        ("1万人", "1", "万人", "人", "10000"),
        ("20个工作日", "20", "个工作日", "个工作日", "1"),
        ("30分钟", "30", "分钟", "分钟", "1"),
        ("500ms", "500", "ms", "ms", "1"),
        ("20TB", "20", "TB", "TB", "1"),
        ("100TPS", "100", "TPS", "TPS", "1"),
        ("150笔/秒", "150", "笔/秒", "笔/秒", "1"),
        ("5‰", "5", "‰", "‰", "1"),
        ("1400m²", "1400", "m²", "m²", "1"),
        ("100㎡", "100", "m²", "m²", "1"),
        ("3千米", "3", "千米", "千米", "1"),  # a unit that starts like a multiplier
        ("0.8%", "0.8", "%", "%", "1"),
        ("200", "200", "", "", "1"),
    ],
)
def test_units_and_multipliers(text: str, number: str, unit: str, base_unit: str, scale: str) -> None:
    value = parse_target(text)
    assert value.kind is Kind.QUANTITATIVE
    bound = value.primary
    assert bound is not None
    assert (bound.number, bound.unit, bound.base_unit, bound.scale) == (
        Decimal(number),
        unit,
        base_unit,
        Decimal(scale),
    )
    assert bound.base_number == Decimal(number) * Decimal(scale)


def test_comparable_with_needs_the_same_base_unit() -> None:
    def bound(text: str) -> Bound:
        b = parse_target(text).primary
        assert b is not None
        return b

    assert bound("3个").comparable_with(bound("4个"))
    assert bound("2亿元").comparable_with(bound("6000万元"))
    assert not bound("3个").comparable_with(bound("3家"))
    assert not bound("3").comparable_with(bound("3个"))  # "" only with ""
    assert bound("3").comparable_with(bound("4"))
    assert not bound("5%").comparable_with(bound("5‰"))


# --------------------------------------------------------------------------- comparators


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("≥90%", Comparator.GE),
        ("≧90%", Comparator.GE),
        (">=90%", Comparator.GE),
        ("大于等于165万元", Comparator.GE),
        ("不低于90%", Comparator.GE),
        ("不少于5人", Comparator.GE),
        ("不得低于90%", Comparator.GE),
        ("不小于3", Comparator.GE),
        ("至少1家", Comparator.GE),
        ("90%以上", Comparator.GE),
        ("200家以上", Comparator.GE),
        ("500万元及以上", Comparator.GE),
        (">98%", Comparator.GT),
        ("＞50%", Comparator.GT),
        ("大于5", Comparator.GT),
        ("高于5%", Comparator.GT),
        ("超100家", Comparator.GT),
        ("超过30万家", Comparator.GT),
        ("多于3个", Comparator.GT),
        ("500多人", Comparator.GT),
        ("=100%", Comparator.EQ),
        ("＝100%", Comparator.EQ),
        ("等于100%", Comparator.EQ),
        ("≤0.8%", Comparator.LE),
        ("≦100万元", Comparator.LE),
        ("<=5", Comparator.LE),
        ("小于等于5", Comparator.LE),
        ("不高于10%", Comparator.LE),
        ("不超过30分钟", Comparator.LE),
        ("不超过（含）1%", Comparator.LE),
        ("不多于3次", Comparator.LE),
        ("不大于5%", Comparator.LE),
        ("5%以内", Comparator.LE),
        ("500万元以下", Comparator.LE),
        ("1个工作日内", Comparator.LE),
        ("<500ms", Comparator.LT),
        ("＜5%", Comparator.LT),
        ("小于5", Comparator.LT),
        ("低于2秒", Comparator.LT),
        ("少于30分钟", Comparator.LT),
        ("不低于（不含）5", Comparator.GT),
        ("不超过（不含）5", Comparator.LT),
        ("1-2场", Comparator.RANGE),
        ("1～2", Comparator.RANGE),
        ("63%~68%", Comparator.RANGE),
        ("0.3%至0.6%", Comparator.RANGE),
        ("200家", Comparator.TARGET),
        ("支出50%", Comparator.TARGET),
    ],
)
def test_comparators(text: str, comparator: Comparator) -> None:
    bound = parse_target(text).primary
    assert bound is not None
    assert bound.comparator is comparator


def test_comparator_symbols() -> None:
    assert [str(c) for c in Comparator] == ["≥", ">", "=", "≤", "<", "~", ""]


def test_ranges() -> None:
    for text, low, high, unit, scale in [
        ("1-2场", 1, 2, "场", 1),
        ("8-10万字", 8, 10, "万字", 10000),
        ("63%~68%", 63, 68, "%", 1),
        ("0.3%至0.6%", Decimal("0.3"), Decimal("0.6"), "%", 1),
        ("1～2", 1, 2, "", 1),
    ]:
        bound = parse_target(text).primary
        assert bound is not None, text
        assert (bound.comparator, bound.number, bound.high, bound.unit, bound.scale) == (
            Comparator.RANGE,
            Decimal(low),
            Decimal(high),
            unit,
            Decimal(scale),
        )


def test_labels() -> None:
    def labels(text: str) -> list[str]:
        return [b.label for b in parse_target(text).bounds]

    assert labels("支出50%") == ["支出"]
    assert labels("累计不少于25户次") == ["累计"]
    assert labels("回访满意度不得低于90%。") == ["回访满意度"]
    assert labels("平均年化担保费率≤0.8%") == ["平均年化担保费率"]
    assert labels("用户数量提高10%") == ["用户数量提高"]
    assert labels("400家（挂牌企业100家）") == ["", "挂牌企业"]


def test_compounds() -> None:
    both = parse_target("分别不得低于80%和不得低于50%")
    assert [(b.comparator, b.number) for b in both.bounds] == [(Comparator.GE, 80), (Comparator.GE, 50)]
    inherited = parse_target("不低于80%和50%")
    assert [(b.comparator, b.number) for b in inherited.bounds] == [(Comparator.GE, 80), (Comparator.GE, 50)]
    listed = parse_target("1. 1份\n2. 2份\n3. 完成项目总体研究报告大纲\n4. 3家")
    assert listed.kind is Kind.QUANTITATIVE
    assert [(b.number, b.unit) for b in listed.bounds] == [(1, "份"), (2, "份"), (3, "家")]
    assert [b.number for b in parse_target("（1）1份\n（2）2份").bounds] == [1, 2]
    assert [b.number for b in parse_target("①1份\n②2份").bounds] == [1, 2]
    assert [b.number for b in parse_target("1．1份\n2．2份").bounds] == [1, 2]  # a list, not 1.1 and 2.2
    assert [b.number for b in parse_target("1.5%\n3.5%").bounds] == [Decimal("1.5"), Decimal("3.5")]
    assert [b.number for b in parse_target("1.5%").bounds] == [Decimal("1.5")]
    assert parse_target("1. 完成调研\n2. 完成报告").kind is Kind.QUALITATIVE
    assert parse_target("1．--篇").kind is Kind.EMPTY


def test_not_amounts() -> None:
    for text in (
        "2021年7月上线",
        "2021年6月前进行试运行",
        "10-12月推广应用，取得一定成效。",
        "覆盖“7+4”类地方金融业态",
        "开创广东省处置P2P网贷风险新模式",
        "2023-08-10",
        "第3期",
        "7×24小时",
        "详见附件3",
        "见表1-3",
    ):
        assert parse_target(text).kind is Kind.QUALITATIVE, text
        assert not looks_quantitative(text), text
    assert parse_target("≥3月").primary == Bound(Comparator.GE, Decimal(3), None, "月", "月", Decimal(1))
    # a bracketed reference is a note, not a second amount
    assert parse_target("≥100家（见附件3）").bounds == (
        Bound(Comparator.GE, Decimal(100), None, "家", "家", Decimal(1)),
    )


# --------------------------------------------------------------------------- is_met_by and ratio


def _met(target: str, actual: str) -> bool | None:
    return parse_target(target).is_met_by(parse_target(actual))


def test_is_met_by_and_ratio_across_multipliers() -> None:
    target, actual = parse_target("≥135"), parse_target("247.76亿元")
    assert target.is_met_by(actual) is True
    ratio = target.ratio(actual)
    assert ratio is not None
    assert ratio.quantize(Decimal("0.000001")) == Decimal("1.835259")
    assert parse_target("不低于135亿元").ratio(actual) == ratio
    assert parse_target("不低于13500000000元").is_met_by(actual) is True
    assert parse_target("≥2亿元").is_met_by(parse_target("6000万元")) is False
    assert parse_target("≥2亿元").ratio(parse_target("6000万元")) == Decimal("0.3")


@pytest.mark.parametrize(
    ("target", "actual", "met"),
    [
        ("3个", "4个", True),
        ("3个", "3个", True),
        ("3个", "2个", False),
        ("3", "10个", True),  # the unit is in the indicator's name
        ("12000", "16288户次", True),
        ("≥90", "100%", True),
        ("<500ms", "300ms", True),
        ("<500ms", "500ms", False),
        ("≤500ms", "500ms", True),
        (">98%", "98%", False),
        (">98%", "99%", True),
        ("=100%", "100%", True),
        ("=100%", "99%", False),
        ("1-2场", "3场", False),
        ("1-2场", "2场", True),
        ("1-2场", "1场", True),
        ("1-2场", "0场", False),
        ("8-10万字", "9万字", True),
        ("8-10万字", "120000字", False),
        ("不少于52万", "55万家", True),
        ("≥50家", "超50家", True),
        ("0%", "0%", True),
        ("分别不得低于80%和不得低于50%", "99.35%和77.91%", True),
        ("分别不得低于80%和不得低于50%", "99.35%和47.91%", False),
        ("400家（挂牌企业100家）", "450家", True),
        # not comparable
        ("3个", "3家", None),
        ("90%", "90‰", None),
        ("按月发放", "按月发放", None),
        ("/", "3个", None),
        ("3个", "", None),
        ("3个", "完成", None),
    ],
)
def test_is_met_by(target: str, actual: str, met: bool | None) -> None:
    assert _met(target, actual) is met


def test_ratio() -> None:
    assert parse_target("3个").ratio(parse_target("4个")) == Decimal(4) / Decimal(3)
    assert parse_target("0").ratio(parse_target("0个")) is None  # target 0
    assert parse_target("3个").ratio(parse_target("3家")) is None
    assert parse_target("按月发放").ratio(parse_target("3个")) is None
    assert parse_target("1-2场").ratio(parse_target("3场")) == 3  # the lower end is the target


def test_met_by_a_hand_built_value_without_bounds() -> None:
    hollow = TargetValue("3个", Kind.QUANTITATIVE, ())
    assert hollow.is_met_by(parse_target("3个")) is None
    assert hollow.ratio(parse_target("3个")) is None
    assert hollow.primary is None


# --------------------------------------------------------------------------- empty and qualitative


@pytest.mark.parametrize(
    "text",
    [None, "", " ", "\n\t ", "　", "/", "／", "\\", "＼", "—", "——", "-", "--", "---", "－", "– –", "—— ", "1．--篇"],
)
def test_empty_forms(text: str | None) -> None:
    value = parse_target(text, "annual")
    assert value.kind is Kind.EMPTY
    assert value.bounds == ()
    assert value.primary is None
    assert value.period == "annual"
    assert value.text == (text or "")
    assert value.is_met_by(parse_target("3")) is None
    assert not looks_quantitative(text or "")


def test_period_is_passed_through() -> None:
    assert parse_target("3个").period is None
    assert parse_target("3个", "stage").period == "stage"


def test_short_text_and_long_sentence() -> None:
    assert parse_target("系统单节点支持150笔/秒的请求处理速度。").kind is Kind.QUANTITATIVE
    assert parse_target("在全国百佳图书出版社出版，15万字以上").kind is Kind.QUANTITATIVE
    long = "第一季度，研究制定项目实施方案；6月以前完成贷款贴息工作机制和政策宣导，完成贴息任务10%。"
    assert parse_target(long).kind is Kind.QUALITATIVE
    assert looks_quantitative(long)
    assert parse_target("完成系统研发、集成、测试").kind is Kind.QUALITATIVE
    assert not looks_quantitative("完成系统研发、集成、测试")


def test_looks_quantitative() -> None:
    assert looks_quantitative(
        "深入地市、园区举办各类资本市场及金融科技培训，确保各类培训获得企业认同，满意度调查90%以上。"
    )
    assert looks_quantitative("9月底前完成贴息任务75%；12月前完成所有贷款贴息补助。")
    assert not looks_quantitative("不低于90%")  # parses
    assert not looks_quantitative("按月发放")  # no digit
    assert not looks_quantitative("2021年7月上线")  # a date, not an amount
    assert not looks_quantitative("/")
    assert not looks_quantitative("")
    assert looks_quantitative("x" * (MAX_CHARS + 1) + "5")


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "text",
    [
        "1" * 10_000_000,
        "—" * 5_000_000,
        "1," * (MAX_CHARS // 2),
        "9" * MAX_CHARS,
        "9×" * (MAX_CHARS // 2),
        "“1" * (MAX_CHARS // 2),
        "(" * MAX_CHARS,
        "(含)1" * (MAX_CHARS // 5),
        "1-" * (MAX_CHARS // 2),
        "1万" * (MAX_CHARS // 2),
        "1.\n" * (MAX_CHARS // 3),
        "2021年" * (MAX_CHARS // 5),
        "分别不低于" * (MAX_CHARS // 5 - 1) + "5%",
        "\u202e≥90%\u202c\u200b\x00\x07\ud800",
    ],
    ids=lambda t: f"{t[:6]!r}x{len(t)}",
)
def test_hostile_input_is_fast_and_safe(text: str) -> None:
    started = time.perf_counter()
    value = parse_target(text)
    looks_quantitative(text)
    assert time.perf_counter() - started < 2.0
    assert value.text is text


def test_control_and_format_characters_are_ignored() -> None:
    bound = parse_target("\u202e≥\u200b90%\u202c").primary
    assert bound is not None
    assert (bound.comparator, bound.number, bound.unit) == (Comparator.GE, 90, "%")


def test_non_string_input_is_read_as_text() -> None:
    value = parse_target(100)  # type: ignore[arg-type]  # a YAML number that escaped quoting
    assert value.kind is Kind.QUANTITATIVE
    assert value.text == "100"
    assert not looks_quantitative(100)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- properties

UNITS = sorted(
    {*BASE_UNITS, *MULTIPLIERS, *(m + u for m in MULTIPLIERS for u in BASE_UNITS if not u.isascii()), "笔/秒", ""}
)
NUMBERS = st.decimals(min_value=0, max_value=Decimal("1e15"), allow_nan=False, allow_infinity=False, places=3)
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)
TOKENS = [
    *"0123456789０１２.,，-~～至%‰万亿千家户次个场年月日内以上下≥≤<>=＞（）()【】“”《》 \n\t\r",
    *["不低于", "不超过", "分别", "和", "、", "；", "。", "P2P", "第", "×", "+", "1.", "(1)", "①", "\u202e", "含"],
]
LIKELY_TEXT = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ANY_TEXT, LIKELY_TEXT))
def test_never_raises_and_keeps_the_text(text: str) -> None:
    value = parse_target(text)
    assert value.text is text
    assert isinstance(value.kind, Kind)
    assert (value.kind is Kind.QUANTITATIVE) == bool(value.bounds)
    assert isinstance(looks_quantitative(text), bool)
    # the parse itself must not fail, not just be caught by parse_target's guard
    kind, bounds, _numeric = tv._analyse(text)
    assert (kind, bounds) == (value.kind, value.bounds)


@settings(max_examples=300, deadline=None)
@given(NUMBERS, st.sampled_from(UNITS), st.sampled_from(["≥", "≧", "不低于", "不少于", "至少"]))
def test_ge_round_trips(number: Decimal, unit: str, word: str) -> None:
    written = format(number, "f")
    value = parse_target(f"{word}{written}{unit}")
    assert value.kind is Kind.QUANTITATIVE
    assert len(value.bounds) == 1
    bound = value.bounds[0]
    assert bound.comparator is Comparator.GE
    assert bound.number == number
    assert bound.unit == unit
    assert bound.label == ""
    assert bound.base_number == number * bound.scale


@settings(max_examples=300, deadline=None)
@given(st.one_of(LIKELY_TEXT, st.builds(lambda n, u: f"{n}{u}", NUMBERS, st.sampled_from(UNITS))))
def test_base_number_is_number_times_scale(text: str) -> None:
    for bound in parse_target(text).bounds:
        with localcontext(Context(prec=100_000)):
            assert bound.base_number == bound.number * bound.scale
        assert bound.scale in {Decimal(1), *MULTIPLIERS.values()}
        assert bound.unit.endswith(bound.base_unit)
        assert (bound.high is not None) == (bound.comparator is Comparator.RANGE)
