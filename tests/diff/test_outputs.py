"""The four outputs of a diff: Markdown for a pull request (as GitHub-flavoured Markdown renders
it), JSON (against its schema), the HTML fragment of the site, the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from rich.cells import cell_len
from rich.console import Console

from docgen.api import Checked
from docgen.diff import compare_years, render_html, render_json, render_markdown, render_terminal
from docgen.diff.model import DiffResult
from docgen.diff.output_markdown import COMMENT_LIMIT
from tests.conftest import MINIMAL, REPO

HOSTILE = "<img src=x onerror=alert(1)> **粗体** [链接](javascript:alert(1)) @octocat </details> | a | `code` ~~删~~"


def gfm(markdown: str) -> lxml_html.HtmlElement:
    """What GitHub shows: markdown-it-py's GFM-like preset (tables, strikethrough, autolinks, raw HTML)."""
    return lxml_html.fragment_fromstring(MarkdownIt("gfm-like").render(markdown), create_parent="div")


@pytest.fixture
def shipped_2023_2024(shipped: Checked) -> DiffResult:
    return compare_years(shipped.content, 2023, 2024, facts=shipped.facts)


def test_markdown_renders_as_intended(shipped_2023_2024: DiffResult) -> None:
    markdown = render_markdown(shipped_2023_2024)
    page = gfm(markdown)
    heading = page.xpath("./h3")[0].text_content()
    assert heading == "docgen diff：2023年 → 2024年"
    first_paragraph = page.xpath("./p")[0]
    assert first_paragraph.xpath("./strong")  # the summary comes first, in bold
    (table,) = page.xpath(".//table")
    assert [th.text_content() for th in table.xpath(".//th")][:3] == ["年度", "项目数", "金额合计（万元）"]
    assert [td.text_content() for td in table.xpath(".//tbody/tr/td")][:3] == [
        "2023年 → 2024年",
        "13 → 5",
        "3,901 → 2,355.4（−1,545.6万元，−39.6%）",
    ]
    sections = page.xpath(".//details")
    assert [s.xpath("./summary")[0].text_content().split(" — ")[0] for s in sections] == [
        "普惠金融融资再担保保费补助项目 reguarantee-fee-subsidy",
        "专项资金年度安排",
    ]
    project = sections[0]
    items = project.xpath("./ul/li")
    assert len(items) == sum(1 for c in shipped_2023_2024.all_changes() if c.scope.key == "reguarantee-fee-subsidy")
    goal = next(li for li in items if li.text_content().startswith("年度目标 › 第1项"))
    assert "content/projects/2024/reguarantee-fee-subsidy.yaml:12" in [c.text for c in goal.xpath(".//code")]
    assert "≥135亿元 → ≥160亿元：+25亿元，+18.5%，收紧" in goal.text_content()
    assert [d.text for d in goal.xpath(".//del")] == ["粤财普惠", "135"]
    assert [i.text for i in goal.xpath(".//ins")] == ["广东", "160"]
    added = page.xpath(".//ul/li[contains(., 'shanwei-bqw-digital-finance')]")
    assert added and "330万元" in added[0].text_content()


def test_markdown_keeps_hostile_content_inert(make_content: Callable[..., Checked]) -> None:
    project = MINIMAL["projects/2023/alpha.yaml"]
    checked = make_content({"projects/2023/alpha.yaml": project.replace("name: 甲项目", f"name: '{HOSTILE}'")})
    assert not checked.diagnostics.errors, checked.diagnostics.to_json()
    content = checked.content
    result = compare_years(content, 2023, 2023, facts=checked.facts)
    assert not result.has_differences
    # compare the hostile project with the plain one: a name change whose text is hostile
    from docgen.diff.compare import compare_contents
    from docgen.diff.model import Side

    plain = make_content()
    hostile = make_content({"projects/2023/alpha.yaml": project.replace("name: 甲项目", f"name: '{HOSTILE}'")})
    diff = compare_contents(plain.content, hostile.content, Side("a", "revision"), Side("b", "revision"))
    assert diff.has_differences
    page = gfm(render_markdown(diff))
    assert not page.xpath(".//img") and not page.xpath(".//a[starts-with(@href, 'javascript')]")
    assert not page.xpath(".//strong[contains(., '粗体')]") and not page.xpath(".//s | .//del[contains(., '删')]")
    assert len(page.xpath(".//details")) == 1  # the content's </details> did not close the section
    text = page.text_content()
    assert "<img src=x onerror=alert(1)>" in text and "**粗体**" in text  # shown, as text
    assert "@octocat" not in text  # no mention: a zero-width space follows the @
    assert "@\u200boctocat" in text
    assert "| a |" in text


def test_markdown_stays_under_the_comment_limit(tmp_path: Path, make_content: Callable[..., Checked]) -> None:
    """A diff of 400 rewritten projects is summarised further until it fits."""
    files = {}
    for i in range(400):
        text = (
            MINIMAL["projects/2023/alpha.yaml"]
            .replace("id: alpha", f"id: p{i:03}")
            .replace("seq: 1", f"seq: {i % 999 + 1}")
        )
        goal = "；".join(f"第{k}项任务完成{k * i}家" for k in range(12))
        files[f"projects/2023/p{i:03}.yaml"] = text.replace("全年服务企业不少于100家。", goal)
    before = make_content(files)
    after_files = {k: v.replace("完成", "实现") for k, v in files.items()}
    from docgen.diff.compare import compare_contents
    from docgen.diff.model import Side

    after = make_content(after_files)
    result = compare_contents(before.content, after.content, Side("a", "revision"), Side("b", "revision"))
    markdown = render_markdown(result)
    assert len(markdown) <= COMMENT_LIMIT
    page = gfm(markdown)
    assert page.xpath("./p/strong")[0].text_content().startswith("共 400 处差异")
    assert page.xpath(".//table")  # the summary table is always there
    assert "简化显示" in page.text_content()
    small = render_markdown(result, limit=3000)
    assert len(small) <= 3000 and gfm(small).xpath(".//table")


def test_json_follows_its_schema(shipped: Checked, shipped_2023_2024: DiffResult) -> None:
    schema = json.loads((REPO / "schemas" / "diff.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    for old, new in ((2021, 2022), (2022, 2023), (2023, 2024), (2022, 2024), (2024, 2024)):
        data = json.loads(render_json(compare_years(shipped.content, old, new, facts=shipped.facts)))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, errors[0]
    data = json.loads(render_json(shipped_2023_2024))
    assert data["schema"] == "docgen-diff/1"
    assert data["summary"]["projects_added"] == 4 and data["summary"]["projects_removed"] == 12
    goal = next(c for c in data["comparisons"][0]["changes"] if c["label"] == "年度目标 › 第1项")
    assert goal["quantities"][0]["number"] == {
        "old": "135", "new": "160", "old_unit": "亿元", "new_unit": "亿元", "delta": "25", "unit": "亿元",
        "ratio": "0.185185", "direction": "raised",
    }  # fmt: skip
    assert goal["location"] == {"path": "content/projects/2024/reguarantee-fee-subsidy.yaml", "line": 12, "column": 9}
    broken = {**data, "summary": {"changes": -1}}
    assert list(validator.iter_errors(broken))  # the schema does check


def test_html_fragment(shipped_2023_2024: DiffResult, make_content: Callable[..., Checked]) -> None:
    fragment = str(render_html(shipped_2023_2024))
    page = lxml_html.fragment_fromstring(fragment)
    assert page.get("class") == "diff"
    assert [h.text_content() for h in page.xpath(".//h2")] == ["2023年 → 2024年"]
    row = page.xpath(".//tr[td[1]='年度目标 › 第1项']")[0]
    assert row.get("data-source") == "content/projects/2024/reguarantee-fee-subsidy.yaml:12"
    assert row.xpath("string(td[2])") == "收紧" and "diff-tightened" in row.xpath("td[2]/@class")[0]
    assert [d.text for d in row.xpath(".//del")] == ["粤财普惠", "135"]

    from docgen.diff.compare import compare_contents
    from docgen.diff.model import Side

    project = MINIMAL["projects/2023/alpha.yaml"]
    plain = make_content()
    hostile = make_content({"projects/2023/alpha.yaml": project.replace("name: 甲项目", f"name: '{HOSTILE}'")})
    fragment = str(
        render_html(compare_contents(plain.content, hostile.content, Side("a", "revision"), Side("b", "revision")))
    )
    assert "<img" not in fragment and "&lt;img src=x onerror=alert(1)&gt;" in fragment


def test_terminal(shipped_2023_2024: DiffResult) -> None:
    console = Console(record=True, width=160, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    render_terminal(shipped_2023_2024, console)
    text = console.export_text()
    line = next(line for line in text.splitlines() if "年度目标 › 第1项" in line)
    assert "收紧" in line and "content/projects/2024/reguarantee-fee-subsidy.yaml:12" in line  # one aligned row
    assert "≥135亿元 → ≥160亿元：+25亿元，+18.5%，收紧" in text
    assert "【-135-】【+160+】" in text  # without colour, the edits are marked in the text
    group = text[text.index("普惠金融融资再担保保费补助项目  reguarantee-fee-subsidy") :].split("\n\n")[0]
    rows = [line for line in group.splitlines() if line.lstrip()[:1] in ("~", "+", "−")]
    assert len(rows) > 5
    assert len({cell_len(row[: row.index("content/")]) for row in rows}) == 1  # aligned, in terminal cells

    colour = Console(record=True, width=160, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))  # noqa: SIM115
    render_terminal(shipped_2023_2024, colour)
    ansi = colour.export_text(styles=True)
    assert "\x1b[" in ansi and "【-135-】" not in ansi


def test_terminal_does_not_read_content_as_markup(make_content: Callable[..., Checked]) -> None:
    from docgen.diff.compare import compare_contents
    from docgen.diff.model import Side

    project = MINIMAL["projects/2023/alpha.yaml"]
    plain = make_content()
    hostile = make_content(
        {
            "projects/2023/alpha.yaml": project.replace(
                "name: 甲项目", "name: '[bold red]甲[/] [link=http://x]乙[/link]'"
            )
        }
    )
    console = Console(record=True, width=120, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    render_terminal(
        compare_contents(plain.content, hostile.content, Side("a", "revision"), Side("b", "revision")), console
    )
    assert "[bold red]甲[/] [link=http://x]乙[/link]" in console.export_text()
