"""Shared fixtures: the repository's paths and small content trees built in tmp_path."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.api import Checked, check
from docgen.project import ProjectPaths

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _parse_cache_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """docgen processes the tests start keep their parse cache in a folder of the test session, not ~/.cache."""
    import os

    os.environ["DOCGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("docgen-cache"))


SEEDS = REPO.parent / "shared" / "seeds"

MINIMAL: dict[str, str] = {
    "site.yaml": """\
        publisher: 中共广东省委金融委员会办公室
        base_url: https://example.gov.cn/
        fund_name: 广东省促进经济高质量发展专项资金（金融发展）
        """,
    "funds/2023.yaml": """\
        year: 2023
        hierarchy: legacy
        budget: 300
        directions:
          - id: real-economy
            name: 金融服务实体经济项目
        """,
    "projects/2023/alpha.yaml": """\
        id: alpha
        year: 2023
        seq: 1
        name: 甲项目
        applicant: 甲单位
        requested: 400
        allocated: 300
        approval: 省级
        direction: real-economy
        goals:
          annual:
            text: 全年服务企业不少于100家。
        indicators:
          - level1: 产出指标
            groups:
              - level2: 数量指标
                items:
                  - name: 服务企业数量
                    annual: "≥100家"
        """,
    "evaluations/2023/_fund.yaml": """\
        year: 2023
        title: 2023年绩效评价报告
        sections:
          - key: input
            name: 投入
            max: 20
        indicators:
          - key: served
            level1: 产出
            level2: 数量指标
            name: 服务企业数量
            target: "≥100家"
            actual: "120家"
            points: 10
        narrative:
          overview: |
            预算金额${fund.budget}万元。
        """,
    "evaluations/2023/alpha.yaml": """\
        project: alpha
        year: 2023
        scores:
          input: 18
        execution:
          spent: 290
        """,
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def make_content(tmp_path: Path) -> Callable[..., Checked]:
    """Build a small, valid content tree, replace some files, and check it."""

    def make(overrides: dict[str, str] | None = None, remove: tuple[str, ...] = ()) -> Checked:
        files = {**MINIMAL, **(overrides or {})}
        for rel in remove:
            files.pop(rel, None)
        write_tree(tmp_path, files)
        return check(ProjectPaths(tmp_path), templates=False)

    return make


@pytest.fixture(scope="session")
def shipped() -> Checked:
    """The repository's own content, checked once per session."""
    return check(ProjectPaths(REPO), templates=False)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> ProjectPaths:
    """A writable copy of the repository's content and templates."""
    for part in ("content", "templates"):
        if (REPO / part).exists():
            shutil.copytree(REPO / part, tmp_path / part)
    return ProjectPaths(tmp_path)
