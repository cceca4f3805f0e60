"""The shipped content compared year by year: the 再担保 chain 2021→2022→2023→2024 and the
projects that continue, start and end (figures from the bureau's documents, see seeds/)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.api import Checked
from docgen.diff import ChangeKind, Verdict, compare_years
from docgen.diff.model import Change, DiffResult
from docgen.facts import format as fmt

REGUARANTEE = "reguarantee-fee-subsidy"
PROJECT_FILE = "content/projects/{year}/reguarantee-fee-subsidy.yaml"


def chain(shipped: Checked, old: int, new: int) -> DiffResult:
    assert not shipped.diagnostics.errors
    return compare_years(shipped.content, old, new, facts=shipped.facts, project=REGUARANTEE)


def changes(result: DiffResult, kind: ChangeKind, label: str | None = None) -> list[Change]:
    return [c for c in result.all_changes() if c.kind is kind and (label is None or c.label == label)]


def only(found: list[Change]) -> Change:
    assert len(found) == 1, [(c.kind, c.label) for c in found]
    return found[0]


def goal_item_1(result: DiffResult) -> Change:
    return only(changes(result, ChangeKind.GOAL_ITEM, "年度目标 › 第1项"))


def figures(change: Change) -> list[tuple[str, str, str, str]]:
    """(old, new, delta, ratio) of each quantity that changed, as the outputs print them."""
    result = []
    for q in change.quantities:
        assert q.old is not None and q.new is not None and q.number is not None
        result.append(
            (
                f"{fmt.money_text(q.old.number)}{q.old.unit}",
                f"{fmt.money_text(q.new.number)}{q.new.unit}",
                fmt.signed_delta(q.number.delta, q.number.delta_unit),
                fmt.signed_percent(q.number.ratio),
            )
        )
    return result


@pytest.mark.parametrize(
    ("old", "new", "amount", "basis", "goal", "line"),
    [
        (2021, 2022, ("640万元", "1,361.468万元", "+721.468万元", "+112.7%"), "申报金额 → 分配金额",
         ("40亿元", "120亿元", "+80亿元", "+200.0%"), 18),
        (2022, 2023, ("1,361.468万元", "1,189.84万元", "−171.628万元", "−12.6%"), "分配金额",
         ("120亿元", "135亿元", "+15亿元", "+12.5%"), 14),
        (2023, 2024, ("1,189.84万元", "725.4万元", "−464.44万元", "−39.0%"), "分配金额",
         ("135亿元", "160亿元", "+25亿元", "+18.5%"), 12),
    ],
)  # fmt: skip
def test_reguarantee_chain_amounts_and_goal_item_1(
    shipped: Checked,
    old: int,
    new: int,
    amount: tuple[str, str, str, str],
    basis: str,
    goal: tuple[str, str, str, str],
    line: int,
) -> None:
    result = chain(shipped, old, new)
    money = only(changes(result, ChangeKind.AMOUNT))
    assert money.amount is not None
    assert money.label == basis
    assert (money.old, money.new) == amount[:2]
    assert (fmt.signed_delta(money.amount.delta, "万元"), fmt.signed_percent(money.amount.ratio)) == amount[2:]

    item = goal_item_1(result)
    assert figures(item) == [goal]  # 80%, 500万元, 50% are unchanged and not reported
    assert item.verdict is Verdict.TIGHTENED
    assert str(item.location) == f"{PROJECT_FILE.format(year=new)}:{line}"
    assert item.old_at is not None and str(item.old_at).startswith(PROJECT_FILE.format(year=old))


def test_the_indicator_target_chain(shipped: Checked) -> None:
    """实现融资金额总量 is in the tables of 2021, 2022 and 2024; 2023 gives only goals."""
    label = "效益指标 › 经济效益 › 实现融资金额总量 › 年度目标"
    first = only(changes(chain(shipped, 2021, 2022), ChangeKind.TARGET, label))
    assert (first.old, first.new) == ("不低于40亿元", "不低于120亿元")
    assert figures(first) == [("40亿元", "120亿元", "+80亿元", "+200.0%")]
    assert first.verdict is Verdict.TIGHTENED
    assert str(first.location) == f"{PROJECT_FILE.format(year=2022)}:60"

    stage = only(changes(chain(shipped, 2021, 2022), ChangeKind.TARGET, label.replace("年度", "阶段")))
    assert stage.period == ("7月底前", "6月底前")  # the stage deadline moved as well
    assert figures(stage) == [("20亿元", "60亿元", "+40亿元", "+200.0%")]

    across = only(changes(chain(shipped, 2022, 2024), ChangeKind.TARGET, label))
    assert figures(across) == [("120亿元", "160亿元", "+40亿元", "+33.3%")]

    table_2023 = only(changes(chain(shipped, 2022, 2023), ChangeKind.INDICATOR_TABLE_REMOVED))
    assert table_2023.old == "8项指标" and table_2023.new is None
    assert only(changes(chain(shipped, 2023, 2024), ChangeKind.INDICATOR_TABLE_ADDED)).new == "8项指标"


def test_unit_change_is_not_comparable(shipped: Checked) -> None:
    """800户 (2021) → 8,000户次 (2022): another unit, flagged, no delta."""
    item = only(changes(chain(shipped, 2021, 2022), ChangeKind.GOAL_ITEM, "年度目标 › 第2项"))
    assert item.verdict is Verdict.NOT_COMPARABLE
    assert [(q.unit_changed, q.number) for q in item.quantities] == [(True, None)]
    later = only(changes(chain(shipped, 2022, 2023), ChangeKind.GOAL_ITEM, "年度目标 › 第2项"))
    assert figures(later) == [("8,000户次", "12,000户次", "+4,000户次", "+50.0%")]


def test_renamed_indicator_is_reported_not_paired_silently(shipped: Checked) -> None:
    result = chain(shipped, 2022, 2024)
    renamed = only(changes(result, ChangeKind.INDICATOR_RENAMED))
    assert renamed.matched_by == "similarity"
    assert renamed.similarity is not None and Decimal("0.6") <= renamed.similarity < 1
    assert renamed.old == "广东省国家融资担保基金再担保费补助专项资金需按进度在约定时间发放"
    assert renamed.new == "普惠金融融资再担保保费补助专项资金需按进度在约定时间发放"
    assert str(renamed.location) == f"{PROJECT_FILE.format(year=2024)}:40"


def test_2022_to_2023_continue_start_and_end(shipped: Checked) -> None:
    result = compare_years(shipped.content, 2022, 2023, facts=shipped.facts)
    (comparison,) = result.comparisons
    assert set(comparison.continued) == {
        "reguarantee-fee-subsidy",
        "risk-platform-ops-2022",
        "offsite-supervision-phase2",
        "sme-financing-platform",
        "info-security-ops",
    }
    assert {p.id for p in comparison.removed} == {
        "gba-tech-innovation-finance-platform",
        "gz-tech-finance-service-base",
        "gz-ecny-settlement-evidence",
        "zhuhai-ip-finance-platform",
    }
    assert {p.id for p in comparison.added} == {
        "guarantee-fee-cut-subsidy",
        "gdeq-special-boards",
        "asset-exchange-system",
        "illegal-fundraising-reporting",
        "sme-platform-security-lease",
        "risk-platform-upgrade-2023",
        "sme-platform-maintenance",
        "digital-finance-park",
    }
    assert (comparison.totals.old_projects, comparison.totals.new_projects) == (9, 13)
    assert fmt.money_text(comparison.totals.old_amount) == "4,590"  # Σ 分配金额 2022 (分配方案 合计)
    assert fmt.money_text(comparison.totals.new_amount) == "3,901"  # Σ 分配金额 2023 (表1-1 合计)
    for entry in comparison.added:
        assert str(entry.at).startswith(f"content/projects/2023/{entry.id}.yaml:")
    park = next(p for p in comparison.added if p.id == "digital-finance-park")
    assert (park.amount, park.basis) == (Decimal(300), "allocated")
    # between years, a year without evaluations (2022) is not an evaluation removed or added
    kinds = {c.kind for c in result.all_changes()}
    assert not kinds & {ChangeKind.EVALUATION_ADDED, ChangeKind.EVALUATION_REMOVED}
    assert not any(c.scope.kind == "fund-evaluation" for c in result.all_changes())


def test_a_project_direction_reads_as_the_fund_years_name(shipped: Checked) -> None:
    # 2024's fund declares no 资金使用方向: the 2023 project's direction is shown by its 表1-2 name,
    # not by the id the YAML keys it with
    change = only([c for c in chain(shipped, 2023, 2024).all_changes() if c.path == "direction"])
    assert (change.old, change.new) == ("金融服务实体经济项目", None)


def test_a_year_with_itself_has_no_differences(shipped: Checked) -> None:
    for year in shipped.content.years:
        result = compare_years(shipped.content, year, year, facts=shipped.facts)
        assert not result.has_differences, [(c.kind, c.label) for c in result.all_changes()]


def test_unknown_year_and_project_are_clear_errors(shipped: Checked) -> None:
    from docgen.diff import DiffError

    with pytest.raises(DiffError, match="no year 2019"):
        compare_years(shipped.content, 2019, 2023, facts=shipped.facts)
    with pytest.raises(DiffError, match="neither 2021 nor 2022"):
        compare_years(shipped.content, 2021, 2022, facts=shipped.facts, project="no-such-project")
