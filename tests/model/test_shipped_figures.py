"""The figures docgen derives from the shipped content equal the bureau's own documents.

Seed 004 (the 2023 绩效评价报告) is the reference; where the seed's arithmetic is wrong
(its 表1-2 合计 counts 9 projects where its rows hold 13; seed 003's 附件2 申报 合计 says
6,908 where its rows add up to 6,673.48), the computed value is asserted.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.api import Checked
from docgen.facts import format as fmt
from docgen.facts.placeholders import fact_table


def test_shipped_content_has_no_errors(shipped: Checked) -> None:
    assert shipped.diagnostics.errors == [], "\n".join(d.format() for d in shipped.diagnostics.errors)


def test_project_counts_per_year(shipped: Checked) -> None:
    counts = {year: len(projects) for year, projects in shipped.content.projects.items()}
    assert counts == {2021: 11, 2022: 9, 2023: 13, 2024: 5}
    assert len(shipped.content.evaluations[2023]) == 13


def test_2023_budget_execution(shipped: Checked) -> None:
    facts = shipped.facts[2023]
    assert fmt.money_table(facts.net) == "3,834.29"
    assert fmt.money_table(facts.spent) == "3,811.75"
    assert fmt.percent(facts.execution_rate) == "99.41%"
    assert facts.allocated == Decimal("3901")
    assert facts.recovered == Decimal("66.71")


def test_2023_directions(shipped: Checked) -> None:
    rows = [(d.name, d.count, fmt.money_table(d.amount), fmt.percent(d.share)) for d in shipped.facts[2023].directions]
    assert rows == [
        ("金融服务实体经济项目", 8, "2,944.82", "75.49%"),
        ("防控金融风险项目", 4, "656.18", "16.82%"),
        ("促进地方区域金融发展项目", 1, "300.00", "7.69%"),
    ]
    assert sum(d.count for d in shipped.facts[2023].directions) == 13


def test_2023_section_averages(shipped: Checked) -> None:
    rows = [(s.name, fmt.score(s.average), fmt.percent(s.rate)) for s in shipped.facts[2023].sections]
    assert rows == [
        ("投入", "19.12", "95.58%"),
        ("过程", "18.96", "94.81%"),
        ("产出", "28.27", "94.23%"),
        ("效益", "26.02", "86.73%"),
    ]


EXPECTED_TOTALS = [
    ("94.00", "优"),
    ("94.25", "优"),
    ("87.00", "良"),
    ("93.00", "优"),
    ("94.50", "优"),
    ("93.00", "优"),
    ("94.00", "优"),
    ("92.00", "优"),
    ("96.00", "优"),
    ("92.00", "优"),
    ("93.00", "优"),
    ("92.00", "优"),
    ("86.00", "良"),
]


def test_2023_project_totals_and_grades(shipped: Checked) -> None:
    projects = shipped.facts[2023].projects
    assert [p.seq for p in projects] == list(range(1, 14))
    assert [(fmt.score(p.total), p.grade) for p in projects] == EXPECTED_TOTALS


def test_2023_fund_score_and_grade(shipped: Checked) -> None:
    facts = shipped.facts[2023]
    assert fmt.score(facts.score) == "91.43"
    assert facts.grade == "优"
    assert fmt.score_text(facts.levels["过程"].score) == "19.93"
    assert fmt.score(facts.indicator_scores["fund-execution"].score) == "11.93"


def test_2023_over_achievement_deductions_follow_the_policy(shipped: Checked) -> None:
    """The seed's own 得分 column: deducted at 183.5% and above, not at 146.5% and below."""
    scores = shipped.facts[2023].indicator_scores.values()
    deducted = sorted(s.ratio for s in scores if s.deducted and s.ratio is not None)
    kept = sorted(s.ratio for s in scores if not s.deducted and s.ratio is not None)
    policy = shipped.content.scoring.over_achievement
    assert len(deducted) == 6
    assert all(r >= policy.ratio for r in deducted) and all(r < policy.ratio for r in kept)
    assert max(kept) < Decimal("1.5") <= min(deducted)


def test_2023_recovery_note(shipped: Checked) -> None:
    project = shipped.facts[2023].project("asset-exchange-system")
    assert project is not None
    assert fmt.money_table(project.net) == "93.29"
    assert project.recovery_note == "原下达160万元，后收回66.71万元"


def test_2022_allocation_totals(shipped: Checked) -> None:
    facts = shipped.facts[2022]
    assert fmt.money_table(facts.allocated) == "4,590.00"
    # seed 003 prints 6,908 in its 合计 row; its nine 申报金额 add up to 6,673.48
    assert fmt.money_table(facts.requested) == "6,673.48"
    assert fmt.money_table(facts.provincial_amount) == "3,190.00"
    assert fmt.money_table(facts.municipal_amount) == "1,400.00"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fund.budget", "3,901"),
        ("fund.net", "3,834.29"),
        ("fund.execution_rate", "99.41%"),
        ("fund.project_count", "13"),
        ("fund.provincial_count", "12"),
        ("fund.provincial_amount", "3,601"),
        ("direction.real-economy.count", "8"),
        ("section.input.average", "19.12"),
        ("evaluation.score", "91.43"),
        ("evaluation.grade", "优"),
    ],
)
def test_narrative_facts(shipped: Checked, name: str, value: str) -> None:
    assert fact_table(shipped.facts[2023])[name] == value


def test_reguarantee_runs_2021_to_2024(shipped: Checked) -> None:
    history = shipped.content.history("reguarantee-fee-subsidy")
    assert [p.year for p in history] == [2021, 2022, 2023, 2024]
    amounts = [p.allocated if p.allocated is not None else p.requested for p in history]
    assert amounts == [Decimal("640"), Decimal("1361.468"), Decimal("1189.84"), Decimal("725.4")]
