"""Every class of content error is reported at the line and column a person must edit."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from docgen.api import Checked
from docgen.diagnostics import Severity
from tests.conftest import MINIMAL

PROJECT = "projects/2023/alpha.yaml"


def _replace(rel: str, old: str, new: str) -> dict[str, str]:
    assert old in MINIMAL[rel], old
    return {rel: MINIMAL[rel].replace(old, new, 1)}


def _found(checked: Checked, code: str) -> list[tuple[str, int, int, str]]:
    return [(d.path, d.line, d.col, d.severity.value) for d in checked.diagnostics if d.code == code]


Case = tuple[str, dict[str, str], str, str]

CASES: list[Case] = [
    # name, overrides, code, where: the text the diagnostic must point at (its first character)
    (
        "unknown key",
        _replace(PROJECT, "applicant: 甲单位", "applicant: 甲单位\n        aplicant: 乙"),
        "unknown-key",
        "aplicant",
    ),
    ("wrong type deep in the indicator table", _replace(PROJECT, 'annual: "≥100家"', "annual: 100"), "type", "100\n"),
    (
        "duplicate key",
        _replace(PROJECT, "name: 甲项目", "name: 甲项目\n        name: 乙项目"),
        "duplicate-key",
        "name: 乙项目",
    ),
    ("yaml syntax error", _replace(PROJECT, "seq: 1", "seq: [1"), "yaml-syntax", ": 甲项目"),
    (
        "dangling direction",
        _replace(PROJECT, "direction: real-economy", "direction: nowhere"),
        "unknown-direction",
        "nowhere",
    ),
    (
        "level1 outside the hierarchy",
        _replace(PROJECT, "- level1: 产出指标", "- level1: 产值指标"),
        "hierarchy",
        "产值指标",
    ),
    (
        "level2 outside the hierarchy",
        _replace(PROJECT, "- level2: 数量指标", "- level2: 数目指标"),
        "hierarchy",
        "数目指标",
    ),
    ("negative money", _replace(PROJECT, "allocated: 300", "allocated: -300"), "money", "-300"),
    ("money as a string", _replace(PROJECT, "requested: 400", 'requested: "400"'), "money", '"400"'),
    (
        "money with too many decimals",
        _replace(PROJECT, "allocated: 300", "allocated: 300.1234567"),
        "money",
        "300.1234567",
    ),
    (
        "money that is not a finite number",
        _replace(PROJECT, "allocated: 300", "allocated: .inf"),
        "yaml-number",
        ".inf",
    ),
    (
        "score above its maximum",
        _replace("evaluations/2023/alpha.yaml", "input: 18", "input: 21"),
        "score-above-max",
        "21",
    ),
    (
        "evaluation of a project that does not exist",
        _replace("evaluations/2023/alpha.yaml", "project: alpha", "project: alfa"),
        "id-mismatch",
        "alfa",
    ),
    (
        "unknown fact in a narrative",
        _replace("evaluations/2023/_fund.yaml", "${fund.budget}", "${fund.budgt}"),
        "unknown-fact",
        "${fund.budgt}",
    ),
    (
        "fund indicator refers to a project that does not exist",
        _replace("evaluations/2023/_fund.yaml", "key: served", "key: served\n            project: beta"),
        "unknown-project",
        "beta",
    ),
    (
        "duplicate direction id",
        _replace(
            "funds/2023.yaml",
            "name: 金融服务实体经济项目",
            "name: 金融服务实体经济项目\n          - id: real-economy\n            name: 又一方向",
        ),
        "duplicate-id",
        "real-economy\n    name: 又一方向",
    ),
    (
        "recovery of a project that does not exist",
        _replace(
            "funds/2023.yaml",
            "budget: 300",
            "budget: 300\n        recoveries:\n          - project: beta\n"
            "            amount: 1\n            date: 2023-12",
        ),
        "unknown-project",
        "beta",
    ),
    ("year differs from its folder", _replace(PROJECT, "year: 2023", "year: 2022"), "year-mismatch", "2022"),
    ("id differs from the file name", _replace(PROJECT, "id: alpha", "id: alfa"), "id-mismatch", "alfa"),
    (
        "anchors and aliases",
        _replace(PROJECT, "name: 甲项目", "name: &n 甲项目\n        summary: *n"),
        "yaml-alias",
        "summary: *n",
    ),
    ("bidi override in text", _replace(PROJECT, "name: 甲项目", "name: 甲\u202e项目"), "forbidden-char", "\u202e"),
    ("missing required key", _replace(PROJECT, "seq: 1\n        ", ""), "missing-key", "id: alpha"),
]


def _position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first character of ``needle`` in ``text``."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize(("name", "overrides", "code", "where"), CASES, ids=[c[0] for c in CASES])
def test_error_is_reported_at_its_line(
    make_content: Callable[..., Checked], name: str, overrides: dict[str, str], code: str, where: str
) -> None:
    checked = make_content(overrides)
    rel = next(iter(overrides))
    line, col = _position(textwrap.dedent(overrides[rel]), where)
    found = _found(checked, code)
    assert (f"content/{rel}", line, col, "error") in found, "\n".join(d.format() for d in checked.diagnostics)
    others = [d for d in checked.diagnostics.errors if d.code != code]
    assert others == [], f"only the real problem is reported: {[d.format() for d in others]}"


def test_the_minimal_content_is_clean(make_content: Callable[..., Checked]) -> None:
    checked = make_content()
    assert list(checked.diagnostics) == []


def test_every_problem_is_reported_not_only_the_first(make_content: Callable[..., Checked]) -> None:
    overrides = _replace(PROJECT, "applicant: 甲单位", "aplicant: 甲单位")
    overrides["evaluations/2023/alpha.yaml"] = MINIMAL["evaluations/2023/alpha.yaml"].replace("input: 18", "input: 25")
    overrides["funds/2023.yaml"] = MINIMAL["funds/2023.yaml"].replace("budget: 300", "budget: -1")
    checked = make_content(overrides)
    codes = {d.code for d in checked.diagnostics.errors}
    assert {"unknown-key", "money"} <= codes


@pytest.mark.parametrize(
    ("overrides", "code", "where"),
    [
        (_replace(PROJECT, "allocated: 300", "allocated: 500"), "allocated-above-requested", "500"),
        (_replace("funds/2023.yaml", "budget: 300", "budget: 350"), "allocations-do-not-add-up", "350"),
        (
            _replace(PROJECT, 'annual: "≥100家"', 'annual: "第一季度完成方案，6月以前完成任务10%，其余年底前完成。"'),
            "unparsed-value",
            '"第一季度',
        ),
        (_replace("evaluations/2023/_fund.yaml", 'actual: "120家"', 'actual: "900家"'), "far-above-target", '"900家"'),
    ],
)
def test_warnings(make_content: Callable[..., Checked], overrides: dict[str, str], code: str, where: str) -> None:
    checked = make_content(overrides)
    rel = next(iter(overrides))
    line, col = _position(textwrap.dedent(overrides[rel]), where)
    found = _found(checked, code)
    assert (f"content/{rel}", line, col, Severity.WARNING.value) in found, [d.format() for d in checked.diagnostics]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023", 'directions.0.name: must be text: quote it, e.g. "2023"'),
        ("1.50", 'directions.0.name: must be text: quote it, e.g. "1.50"'),
        ("true", "directions.0.name: must be text"),
        ("null", "directions.0.name: must be text"),
        ('"2023"', None),
    ],
)
def test_a_number_bool_or_null_where_text_belongs_says_how_to_write_it(
    make_content: Callable[..., Checked], value: str, message: str | None
) -> None:
    checked = make_content(_replace("funds/2023.yaml", "name: 金融服务实体经济项目", f"name: {value}"))
    found = [d.message for d in checked.diagnostics.errors]
    assert found == ([message] if message else []), found
