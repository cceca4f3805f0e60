"""Scores and grades under a scoring policy (评分规则) that is configuration, not code.

* budget execution: 分值 × 预算执行率 (capped at 100%);
* a quantitative indicator that is met earns its full 分值, one that is missed earns the share
  actual ÷ target (or target ÷ actual for a ceiling such as ≤ / <);
* one whose actual value reaches ``over_achievement.ratio`` × target (目标值设置偏低) loses
  ``over_achievement.deduction`` of its points;
* a qualitative indicator, or any indicator an evaluator scores by hand, takes its
  ``override`` score, whose reason the documents show.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.facts.format import round2
from docgen.facts.target_values import Comparator, TargetValue, parse_target
from docgen.model.schema import FundIndicator, ScoringMethod, ScoringPolicy

ONE = Decimal(1)


def grade(score: Decimal, policy: ScoringPolicy) -> str:
    """The grade band of a score (优 ≥ 90, 良 80 to < 90, 中 60 to < 80, 差 < 60 by default)."""
    for band in sorted(policy.grades, key=lambda b: b.min, reverse=True):
        if score >= band.min:
            return band.name
    return policy.grades[-1].name if policy.grades else ""


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """How one fund-level indicator scored (指标得分)."""

    key: str
    points: Decimal
    score: Decimal | None  # None: cannot be scored (see ``problem``)
    met: bool | None  # 是否完成
    ratio: Decimal | None  # actual ÷ target
    deducted: bool  # 目标值设置偏低: points taken off
    overridden: bool
    reason: str | None  # the override's reason, shown in documents
    problem: str | None = None

    @property
    def lost(self) -> Decimal:
        return self.points - (self.score or Decimal(0))


def score_indicator(indicator: FundIndicator, execution_rate: Decimal | None, policy: ScoringPolicy) -> IndicatorScore:
    """Score one fund-level indicator under ``policy``."""
    target = parse_target(indicator.target)
    actual = parse_target(indicator.actual)
    met = target.is_met_by(actual) if indicator.actual else None
    ratio = target.ratio(actual) if indicator.actual else None
    if indicator.override is not None:
        return IndicatorScore(
            indicator.key,
            indicator.points,
            indicator.override.score,
            met,
            ratio,
            False,
            True,
            indicator.override.reason,
        )
    if indicator.method is ScoringMethod.EXECUTION_RATE:
        if execution_rate is None:
            return _unscored(indicator, "no budget execution to score against")
        share = min(execution_rate, ONE)
        return IndicatorScore(
            indicator.key, indicator.points, round2(indicator.points * share), None, None, False, False, None
        )
    if indicator.method is ScoringMethod.QUALITATIVE:
        return _unscored(indicator, "a qualitative indicator needs an evaluator's score (override with a reason)")
    if met is None:
        why = (
            "no actual value"
            if not indicator.actual
            else f"{indicator.target!r} and {indicator.actual!r} cannot be compared"
        )
        return _unscored(indicator, why)
    if met:
        deducted = ratio is not None and ratio >= policy.over_achievement.ratio
        share = ONE - policy.over_achievement.deduction if deducted else ONE
        return IndicatorScore(
            indicator.key, indicator.points, round2(indicator.points * share), True, ratio, deducted, False, None
        )
    return IndicatorScore(
        indicator.key,
        indicator.points,
        round2(indicator.points * _missed_share(target, actual, ratio)),
        False,
        ratio,
        False,
        False,
        None,
    )


def _missed_share(target: TargetValue, actual: TargetValue, ratio: Decimal | None) -> Decimal:
    """The share of the points a missed target earns: proportional to how far it got."""
    if ratio is None or ratio <= 0:
        return Decimal(0)
    bound = target.primary
    if bound is not None and bound.comparator in (Comparator.LE, Comparator.LT):
        return min(ONE, ONE / ratio)  # a ceiling exceeded: target ÷ actual
    return min(ONE, ratio)


def _unscored(indicator: FundIndicator, problem: str) -> IndicatorScore:
    return IndicatorScore(indicator.key, indicator.points, None, None, None, False, False, None, problem)
