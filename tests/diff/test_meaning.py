"""The meaning of a change: character diffs for Chinese, numbered items, and the direction of a
changed quantity (tightened, loosened, not comparable)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.diff.model import Verdict, mirror_edits
from docgen.diff.quantities import align_bounds, compare_amounts, compare_bounds
from docgen.diff.text import char_diff, inline_diff, numbered_items, pair_items, similarity
from docgen.facts import format as fmt
from docgen.facts.target_values import find_amounts, parse_target


def bound(text: str):  # the first bound of a target text
    parsed = parse_target(text)
    assert parsed.bounds, text
    return parsed.bounds[0]


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("规模不低于135亿元。其中", "规模不低于160亿元。其中", "规模不低于【-135-】【+160+】亿元。其中"),
        ("不少于8,000户次", "不少于12,000户次", "不少于【-8,000-】【+12,000+】户次"),
        ("支出25%", "支出50%", "支出【-25-】【+50+】%"),
        ("按季度发放", "按月发放", "按【-季度-】【+月+】发放"),
        ("广东再担保", "粤财普惠再担保", "【-广东-】【+粤财普惠+】再担保"),
    ],
)
def test_character_diff_keeps_numbers_whole(old: str, new: str, shown: str) -> None:
    edits = char_diff(old, new)
    assert inline_diff(edits) == shown
    assert "".join(e.text for e in edits if e.op != "insert") == old
    assert "".join(e.text for e in edits if e.op != "delete") == new


def test_character_diff_is_symmetric_and_bounded() -> None:
    old, new = "甲乙丙丁" * 50, "甲乙丙戊" * 50
    assert mirror_edits(char_diff(new, old)) == char_diff(old, new)
    assert similarity(old, new) == similarity(new, old)
    huge_old, huge_new = "一二三\n" * 3000, "一二三\n" * 1500 + "四五六\n" + "一二三\n" * 1499
    edits = char_diff(huge_old, huge_new)  # line by line first: stays fast
    assert "".join(e.text for e in edits if e.op != "insert") == huge_old
    assert "".join(e.text for e in edits if e.op != "delete") == huge_new


def test_numbered_items_with_their_lines() -> None:
    text = "总体目标：\n1.6月底前累计支出400万元。\n2. 报送规模不低于60亿元。\n其中单户不低于50%。\n3、按月发放"
    items = numbered_items(text)
    assert [(i.number, i.line_index) for i in items] == [(None, 0), (1, 1), (2, 2), (3, 4)]
    assert items[1].text == "6月底前累计支出400万元。"  # 1.6月 is item 1, not the decimal 1.6
    assert items[2].text == "报送规模不低于60亿元。\n其中单户不低于50%。"
    assert items[2].col == 4


def test_items_pair_by_number_and_similarity() -> None:
    old = numbered_items("1. 报送规模不低于120亿元。\n2. 支持企业不少于8,000户次。\n3. 按月度发放。")
    new = numbered_items("1. 按月度发放。\n2. 报送规模不低于135亿元。\n3. 支持企业不少于12,000户次。")
    assert sorted(pair_items(old, new)) == [(0, 1), (1, 2), (2, 0)]  # renumbered items follow their text


@pytest.mark.parametrize(
    ("old", "new", "verdict", "delta", "ratio"),
    [
        ("不低于135亿元", "不低于160亿元", Verdict.TIGHTENED, "+25亿元", "+18.5%"),
        ("不低于120亿元", "不低于135亿元", Verdict.TIGHTENED, "+15亿元", "+12.5%"),
        ("≥160亿元", "≥135亿元", Verdict.LOOSENED, "−25亿元", "−15.6%"),
        ("≤5%", "≤8%", Verdict.LOOSENED, "+3%", "+60.0%"),
        ("<500ms", "<300ms", Verdict.TIGHTENED, "−200ms", "−40.0%"),
        ("支出50%", "支出25%", Verdict.LOOSENED, "−25%", "−50.0%"),
        ("1亿元", "12000万元", Verdict.TIGHTENED, "+2,000万元", "+20.0%"),  # comparable through the base unit
        ("≥135", "≥160亿元", Verdict.TIGHTENED, "+25亿元", "+18.5%"),  # a bare number reads in the other's unit
    ],
)
def test_number_changes(old: str, new: str, verdict: Verdict, delta: str, ratio: str) -> None:
    change = compare_bounds(bound(old), bound(new), "target")
    assert change.verdict is verdict
    assert change.number is not None
    assert fmt.signed_delta(change.number.delta, change.number.delta_unit) == delta
    assert fmt.signed_percent(change.number.ratio) == ratio
    assert compare_bounds(bound(new), bound(old), "target") == change.mirrored()


@pytest.mark.parametrize(
    ("old", "new", "verdict"),
    [
        ("≥90%", ">90%", Verdict.TIGHTENED),  # the comparator alone
        ("≤3天", "<3天", Verdict.TIGHTENED),
        (">90%", "≥90%", Verdict.LOOSENED),
        ("不低于40亿元", "40亿元", Verdict.UNCHANGED),  # a bare amount is a level to reach, like ≥
        ("1-3场", "2-3场", Verdict.TIGHTENED),  # a narrower range
        ("2-3场", "1-4场", Verdict.LOOSENED),
        ("1-3场", "2-4场", Verdict.CHANGED),  # shifted
        ("≥100家", "≤100家", Verdict.CHANGED),  # the sense reversed: neither tighter nor looser
        ("800户", "8,000户次", Verdict.NOT_COMPARABLE),  # another unit
        ("≥5家", "≥5亿元", Verdict.NOT_COMPARABLE),
    ],
)
def test_direction_of_a_target(old: str, new: str, verdict: Verdict) -> None:
    change = compare_bounds(bound(old), bound(new), "target")
    assert change.verdict is verdict
    assert change.unit_changed is (verdict is Verdict.NOT_COMPARABLE)
    assert change.comparator_changed is (bound(old).comparator is not bound(new).comparator)


def test_actual_values_are_raised_or_lowered() -> None:
    assert compare_bounds(bound("16288户次"), bound("17000户次"), "value").verdict is Verdict.RAISED
    assert compare_bounds(bound("247.76亿元"), bound("200亿元"), "value").verdict is Verdict.LOWERED


def test_quantities_of_goal_sentences_are_compared_in_order() -> None:
    old = find_amounts(
        "报送再担保业务合作规模不低于120亿元。其中，比例不得低于80%，单户担保金额500万元及以下的占比不得低于50%。"
    )
    new = find_amounts(
        "报送再担保业务合作规模不低于135亿元。其中，比例不得低于80%，单户担保金额500万元及以下的占比不得低于50%。"
    )
    assert [b.base_unit for b in old] == ["元", "%", "元", "%"]
    changes = compare_amounts(old, new, "target")
    assert len(changes) == 1  # only the amount that moved
    assert changes[0].number is not None and changes[0].number.delta == Decimal(15)
    inserted = find_amounts("服务企业不少于100家，新增产品不少于50款，对接银行不少于20家。")
    base = find_amounts("服务企业不少于100家，对接银行不少于20家。")
    assert [(a and a.number, b and b.number) for a, b in align_bounds(base, inserted)] == [
        (Decimal(100), Decimal(100)),
        (None, Decimal(50)),
        (Decimal(20), Decimal(20)),
    ]
