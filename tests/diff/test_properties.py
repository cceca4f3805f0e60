"""Properties of every diff, on generated content: a diff of a thing with itself is empty, a diff
read backwards is the mirror image, and every reported change points at a YAML location."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.api import Checked, check
from docgen.diff import compare_years
from docgen.diff.compare import compare_contents
from docgen.diff.model import Change, DiffResult, Location, Side
from docgen.project import ProjectPaths

SITE = {"publisher": "中共广东省委金融委员会办公室", "base_url": "https://example.gov.cn/", "fund_name": "专项资金"}
TARGETS = ["≥100家", "不低于120亿元", "≤5%", "<500ms", "1-2场", "按月发放", "100", "支出50%", "≥90%", ">90%", "800户"]
GOAL_ITEMS = [
    "报送再担保业务合作规模不低于{n}亿元。其中，比例不得低于80%。",
    "支持企业不少于{n}户次。",
    "按月度发放。",
    "6月底前累计支出{n}万元。",
    "提供不少于5%受支持企业户数的满意度回访表。",
]
INDICATORS = [
    ("产出指标", "数量指标", "服务企业数量"),
    ("产出指标", "质量指标", "报送项目的质量"),
    ("产出指标", "时效指标", "专项资金需按进度在约定时间发放"),
    ("产出指标", "成本指标", "按照资金使用计划执行"),
    ("效益指标", "经济效益", "实现融资金额总量"),
    ("效益指标", "社会效益", "业务覆盖中小微企业数量"),
    ("满意度", "满意度", "支持企业的满意度"),
]


def yaml_text(value: Any, indent: int = 0) -> str:
    """A small YAML writer: mappings and lists in block style, multi-line text as block scalars."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:\n{yaml_text(item, indent + 2)}")
            elif isinstance(item, str) and "\n" in item:
                body = "\n".join(f"{pad}  {line}" for line in item.split("\n"))
                lines.append(f"{pad}{key}: |\n{body}")
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
        return "\n".join(lines)
    lines = []
    for item in value:
        text = yaml_text(item, indent + 2) if isinstance(item, dict | list) else f"{pad}  {scalar(item)}"
        lines.append(f"{pad}- {text.lstrip()}")
    return "\n".join(lines)


def scalar(value: Any) -> str:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    if value == [] or value == {}:
        return "[]" if value == [] else "{}"
    return json.dumps(value, ensure_ascii=False)


@st.composite
def goal_texts(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.sampled_from(GOAL_ITEMS), min_size=1, max_size=4, unique=True))
    numbers = draw(st.lists(st.integers(1, 20000), min_size=len(items), max_size=len(items)))
    return "\n".join(f"{i}. {item.format(n=n)}" for i, (item, n) in enumerate(zip(items, numbers, strict=True), 1))


@st.composite
def projects(draw: st.DrawFn, pid: str, year: int, seq: int) -> dict[str, Any]:
    periods = ["annual", "stage"] if draw(st.booleans()) else ["annual"]
    chosen = draw(st.lists(st.sampled_from(INDICATORS), min_size=0, max_size=5, unique=True))
    categories: dict[str, dict[str, list[dict[str, str]]]] = {}
    for level1, level2, name in chosen:
        suffix = draw(st.sampled_from(["", "", "（含）", "总量"]))  # sometimes renamed a little
        item = {"name": name + suffix}
        for period in draw(st.sets(st.sampled_from(periods), min_size=1)):
            item[period] = draw(st.sampled_from(TARGETS))
        categories.setdefault(level1, {}).setdefault(level2, []).append(item)
    project: dict[str, Any] = {
        "id": pid,
        "year": year,
        "seq": seq,
        "name": draw(st.sampled_from(["甲项目", "甲项目（二期）"])),
    }
    amount = draw(st.one_of(st.none(), st.decimals(min_value=1, max_value=5000, places=2)))
    if amount is not None:
        project[draw(st.sampled_from(["allocated", "requested"]))] = amount
    goals: dict[str, Any] = {"annual": {"text": draw(goal_texts())}}
    if "stage" in periods:
        goals["stage"] = {"label": draw(st.sampled_from(["6月底前", "7月底前"])), "text": draw(goal_texts())}
    project["goals"] = goals
    if categories:
        project["indicators"] = [
            {"level1": l1, "groups": [{"level2": l2, "items": items} for l2, items in groups.items()]}
            for l1, groups in categories.items()
        ]
    return project


@st.composite
def contents(draw: st.DrawFn) -> dict[str, str]:
    """A small content tree: two years, a few projects (some in both years), evaluations."""
    files = {"site.yaml": yaml_text(SITE)}
    for year in (2023, 2024):
        files[f"funds/{year}.yaml"] = yaml_text(
            {"year": year, "hierarchy": "legacy", "budget": draw(st.integers(100, 9000))}
        )
        fund_evaluation = {
            "year": year,
            "title": f"{year}年绩效评价报告",
            "sections": [{"key": "input", "name": "投入", "max": 20}, {"key": "output", "name": "产出", "max": 30}],
            "indicators": [
                {
                    "key": "served",
                    "level1": "产出",
                    "level2": "数量指标",
                    "name": "服务企业数量",
                    "target": draw(st.sampled_from(["≥100家", "≥120家", "100"])),
                    "actual": draw(st.sampled_from(["120家", "90家", "130家"])),
                    "points": draw(st.sampled_from([5, 10])),
                }
            ],
        }
        files[f"evaluations/{year}/_fund.yaml"] = yaml_text(fund_evaluation)
        ids = draw(st.lists(st.sampled_from(["alpha", "beta", "gamma"]), min_size=1, max_size=3, unique=True))
        for seq, pid in enumerate(ids, 1):
            files[f"projects/{year}/{pid}.yaml"] = yaml_text(draw(projects(pid, year, seq)))
            if draw(st.booleans()):
                evaluation = {
                    "project": pid,
                    "year": year,
                    "scores": {"input": draw(st.integers(10, 20)), "output": draw(st.integers(10, 30))},
                    "execution": {"spent": draw(st.integers(0, 100))},
                }
                files[f"evaluations/{year}/{pid}.yaml"] = yaml_text(evaluation)
    return files


def load(files: dict[str, str], folder: Path) -> Checked:
    for rel, text in files.items():
        path = folder / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    checked = check(ProjectPaths(folder), templates=False)
    assert not checked.diagnostics.errors, checked.diagnostics.to_json()
    return checked


def canonical(result: DiffResult) -> list[str]:
    """The changes and projects of a result, order-free; labels and paths name things as the NEW
    side does, so they are left out (the rest must mirror exactly)."""
    items = []
    for comparison in result.comparisons:
        data = comparison.to_json()
        items.append(json.dumps([data["old_year"], data["new_year"], data["totals"]], sort_keys=True))
        for key in ("added", "removed"):
            items += [f"{key}:{json.dumps(p, sort_keys=True, ensure_ascii=False)}" for p in data[key]]
        items.append("continued:" + ",".join(sorted(data["continued"])))
    for change in result.all_changes():
        data = change.to_json()
        data.pop("label")
        data.pop("path")
        items.append(json.dumps(data, sort_keys=True, ensure_ascii=False))
    return sorted(items)


def assert_located(change: Change, old: Checked, new: Checked) -> None:
    assert change.old_at is not None or change.new_at is not None
    for where, side in ((change.old_at, old), (change.new_at, new)):
        if where is not None:
            assert_in_file(where, side)
    if change.old is None:
        assert change.old_at is None and change.new_at is not None
    if change.new is None:
        assert change.new_at is None and change.old_at is not None


def assert_in_file(where: Location, side: Checked) -> None:
    document = side.content.documents.get(where.path)
    assert document is not None, f"{where} is not a content file"
    assert 1 <= where.line <= len(document.lines), f"{where} is outside the file"


SIDES = (Side("A", "revision"), Side("B", "revision"))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(first=contents(), second=contents())
def test_revisions_mirror_and_point_at_yaml(first: dict[str, str], second: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        old, new = load(first, Path(a)), load(second, Path(b))
        forward = compare_contents(old.content, new.content, *SIDES, old_facts=old.facts, new_facts=new.facts)
        backward = compare_contents(
            new.content, old.content, *reversed(SIDES), old_facts=new.facts, new_facts=old.facts
        )
        assert canonical(backward) == canonical(forward.mirrored())
        for change in forward.all_changes():
            assert_located(change, old, new)
        for comparison in forward.comparisons:
            for entry in comparison.added:
                assert_in_file(entry.at, new)
            for entry in comparison.removed:
                assert_in_file(entry.at, old)
        same = compare_contents(old.content, old.content, *SIDES, old_facts=old.facts, new_facts=old.facts)
        assert not same.has_differences and not same.comparisons


@SETTINGS
@given(files=contents())
def test_years_mirror_and_a_year_with_itself_is_empty(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        checked = load(files, Path(folder))
        forward = compare_years(checked.content, 2023, 2024, facts=checked.facts)
        backward = compare_years(checked.content, 2024, 2023, facts=checked.facts)
        assert canonical(backward) == canonical(forward.mirrored())
        for change in forward.all_changes():
            assert_located(change, checked, checked)
        for year in (2023, 2024):
            assert not compare_years(checked.content, year, year, facts=checked.facts).has_differences
