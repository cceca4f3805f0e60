"""How figures are written: the one place that formats money, percentages, scores and dates.

Tables use two decimals with thousands separators (1,361.47); running text keeps the exact
amount without trailing zeros (3,901 / 1,361.468); percentages and scores carry two
decimals. Rounding is half-up, as the bureau rounds.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def round2(value: Decimal) -> Decimal:
    """Half-up to two decimals (0.01万元 = 100元; 0.01分; 0.01%)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_table(value: Decimal | None) -> str:
    """1361.468 → 1,361.47 (tables: 单位：万元)."""
    if value is None:
        return ""
    return f"{round2(value):,.2f}"


def money_text(value: Decimal | None) -> str:
    """3901 → 3,901; 3834.29 → 3,834.29; 1361.468 → 1,361.468 (running text)."""
    if value is None:
        return ""
    exact = value.normalize() if value != value.to_integral_value() else value.to_integral_value()
    text = f"{exact:,f}"
    return text


def money_plain(value: Decimal | None) -> str:
    """1361.468 → 1361.468 (an amount inside a sentence or header, as the bureau writes it)."""
    return money_text(value).replace(",", "")


def percent(ratio: Decimal | None) -> str:
    """0.994121 → 99.41% (ratios are fractions; the percentage has two decimals)."""
    if ratio is None:
        return "—"
    return f"{round2(ratio * HUNDRED):.2f}%"


def score(value: Decimal | None) -> str:
    """19.115 → 19.12 (scores carry two decimals)."""
    if value is None:
        return "—"
    return f"{round2(value):.2f}"


def score_text(value: Decimal | None) -> str:
    """A score inside a sentence: 91.43, 8, 1.5 (no padding zeros)."""
    if value is None:
        return "—"
    rounded = round2(value)
    return f"{rounded.normalize():f}" if rounded != rounded.to_integral_value() else f"{rounded:.0f}"


def count(value: int) -> str:
    """13 → 13; 8000 → 8,000 (counts: 项目数, 户次)."""
    return f"{value:,}"


def date_cn(value: dt.date) -> str:
    """2022-02-22 → 2022年2月22日 (GB/T 9704: no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def year_month_cn(value: str) -> str:
    """'2023-12' → 2023年12月."""
    parts = value.split("-")
    return f"{int(parts[0])}年{int(parts[1])}月" + (f"{int(parts[2])}日" if len(parts) > 2 else "")


def file_size(size: int) -> str:
    """A download's size as the bureau's site shows it: 812 B, 35.2 KB, 1.4 MB (1 KB = 1024 B)."""
    if size < 1024:
        return f"{size} B"
    value = Decimal(size)
    for unit in ("KB", "MB"):
        value /= 1024
        shown = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if shown < 1024:
            return f"{shown} {unit}"
    return f"{(value / 1024).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} GB"


def signed_delta(value: Decimal, unit: str = "") -> str:
    """+25亿元 / −1.5 (differences in diffs)."""
    text = money_text(abs(value))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{text}{unit}"


def signed_percent(ratio: Decimal | None) -> str:
    """0.185185 → +18.5%; −0.39033 → −39.0% (a relative change in diffs: signed, one decimal)."""
    if ratio is None:
        return "—"
    value = (ratio * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value):,.1f}%"
