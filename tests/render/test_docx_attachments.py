"""The notice's attachments of 2022 (seed 003), read back: 附件1 目录清单, 附件2 分配方案, 附件3.

附件2's 合计 is the computed sum of its rows. The seed's own 申报 合计 says 6,908, but its nine
rows add up to 6,673.48 (the seed's arithmetic error): the test sums the rows it reads back
and asserts the 合计 row shows that sum.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from docgen.api import Checked
from docgen.render import docx as docx_renderer
from tests.render.docx_helpers import (
    NS,
    document,
    grid_rows,
    money,
    paragraph_text,
    part,
    q,
    render_context,
    top_tables,
)


@pytest.fixture(scope="module")
def attachments(shipped: Checked) -> dict[str, bytes]:
    ctx = render_context(shipped)
    rendered = {
        "catalog": docx_renderer.render_catalog(ctx, 2022),
        "allocation": docx_renderer.render_allocation(ctx, 2022),
        "targets": docx_renderer.render_targets_attachment(ctx, 2022),
        "targets-2024": docx_renderer.render_targets_attachment(ctx, 2024),
    }
    assert not list(ctx.diagnostics)
    return rendered


def test_2022_attachments_are_planned(shipped: Checked) -> None:
    planned = {o.path: o for o in docx_renderer.plan(render_context(shipped))}
    for name in ("attachment-1-catalog", "attachment-2-allocation", "attachment-3-targets"):
        assert f"2022/attachments/{name}.docx" in planned
    assert "2021/attachments/attachment-1-catalog.docx" not in planned  # the 2021 fund has no catalog
    assert "2024/attachments/attachment-2-allocation.docx" in planned  # 2024 projects carry amounts


def test_plan_lists_exactly_the_inputs(shipped: Checked) -> None:
    planned = {o.path: o for o in docx_renderer.plan(render_context(shipped))}
    one = planned["2022/targets/reguarantee-fee-subsidy.docx"]
    assert set(one.content_files) == {
        "content/projects/2022/reguarantee-fee-subsidy.yaml",
        "content/funds/2022.yaml",
        "content/site.yaml",
    }
    assert one.templates == ("templates/docx/target-tables.docx",)
    assert one.renderer == "docgen.render.docx:render_target_table" and one.args == (2022, "reguarantee-fee-subsidy")
    year_projects = {f"content/projects/2022/{p.id}.yaml" for p in shipped.content.projects_of(2022)}
    targets = planned["2022/attachments/attachment-3-targets.docx"]
    assert set(targets.content_files) == year_projects | {"content/funds/2022.yaml", "content/site.yaml"}
    allocation = planned["2022/attachments/attachment-2-allocation.docx"]
    assert set(allocation.content_files) == year_projects | {"content/site.yaml"}
    assert allocation.templates == ("templates/docx/attachment-2-allocation.docx",)
    catalog = planned["2022/attachments/attachment-1-catalog.docx"]
    assert set(catalog.content_files) == year_projects | {"content/funds/2022.yaml", "content/site.yaml"}
    assert all(o.kind == "docx" for o in planned.values())


def test_allocation_rows_and_computed_total(attachments: dict[str, bytes], shipped: Checked) -> None:
    rows = grid_rows(top_tables(attachments["allocation"])[0])
    header, *projects, total = rows
    assert [c.text for c in header] == [
        "序号", "项目名称", "申报单位", "实施单位", "项目简介", "申报金额", "分配金额", "审批权限", "备注",
    ]  # fmt: skip
    assert len(projects) == 9
    for cells, project in zip(projects, shipped.content.projects_of(2022), strict=True):
        assert cells[0].text == str(project.seq)
        assert cells[1].text == project.name
        assert cells[2].text == project.applicant
        assert cells[3].text == "、".join(project.implementers)
        assert cells[7].text == (project.approval.value if project.approval else "")
        assert money(cells[5].text) == project.requested.quantize(Decimal("0.01"))  # type: ignore[union-attr]
    third = projects[2]
    assert third[3].text == "广州市数字金融协会、广州中国科学院软件应用技术研究所"
    fifth = projects[4]
    assert [fifth[5].text, fifth[6].text] == ["1,600.00", "1,361.47"]  # two decimals, thousands separators
    assert projects[6][8].text == "按实际采购合同金额"

    requested_sum = sum((money(cells[5].text) for cells in projects), Decimal(0))
    allocated_sum = sum((money(cells[6].text) for cells in projects), Decimal(0))
    assert total[0].text == "合计" and total[0].span == 5
    assert money(total[1].text) == requested_sum == Decimal("6673.48")  # the seed's 6,908 is its own error
    assert money(total[2].text) == allocated_sum == Decimal("4590")
    assert total[1].text == "6,673.48" and total[2].text == "4,590.00"


def test_allocation_summary_keeps_its_text(attachments: dict[str, bytes], shipped: Checked) -> None:
    rows = grid_rows(top_tables(attachments["allocation"])[0])
    for cells, project in zip(rows[1:-1], shipped.content.projects_of(2022), strict=True):
        assert cells[4].text == project.summary


def test_catalog_row_and_approval_columns(attachments: dict[str, bytes]) -> None:
    first, second, row = grid_rows(top_tables(attachments["catalog"])[0])
    assert [c.text for c in first] == [
        "专项资金名称（战略领域名称）", "财政事权", "政策任务", "主要用途",
        "主要绩效目标", "资金额度", "审批权限设置", "备注",
    ]  # fmt: skip
    assert first[6].span == 3 and all(c.vmerge == "restart" for i, c in enumerate(first) if i != 6)
    assert [c.text for c in second if c.vmerge is None] == ["保留省级审批", "下放用款单位", "下放市县"]
    assert [c.text for c in row[:3]] == ["广东省促进经济高质量发展专项资金", "金融发展", "重点金融平台项目建设"]
    assert [p[:2] for p in row[3].paragraphs] == ["1.", "2.", "3.", "4."]
    assert [p[:2] for p in row[4].paragraphs] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    amount, provincial, units, municipal = (money(c.text) if c.text else None for c in row[5:9])
    assert (amount, provincial, units, municipal) == (Decimal("4590"), Decimal("3190"), None, Decimal("1400"))
    assert provincial + municipal == amount  # type: ignore[operator]
    texts = [p.text for p in document(attachments["catalog"]).paragraphs if p.text]
    assert texts[:4] == [
        "附件1",
        "省级财政专项资金目录清单（2022年）",
        "主管部门：广东省地方金融监督管理局",
        "单位：万元",
    ]


def test_targets_attachment_numbers_every_table_on_a_new_page(attachments: dict[str, bytes], shipped: Checked) -> None:
    body = part(attachments["targets"]).find("w:body", NS)
    assert body is not None
    projects = shipped.content.projects_of(2022)
    tables = body.findall("w:tbl", NS)
    assert len(tables) == len(projects) == 9
    headings = [p for p in body.findall("w:p", NS) if paragraph_text(p)[:2].rstrip(".").isdigit()]
    titles = [paragraph_text(p) for p in headings]
    expected = [
        f"{p.seq}.{(p.target_table.title if p.target_table and p.target_table.title else p.name)}" for p in projects
    ]
    assert titles == expected
    assert titles[0] == "1.粤港澳大湾区科技创新金融支持平台"
    assert titles[4] == "5.广东省国家融资担保基金项下再担保费补助项目"
    for index, heading in enumerate(headings):
        breaks = heading.findall(".//w:br", NS)
        page_breaks = [b for b in breaks if b.get(q("type")) == "page"]
        assert len(page_breaks) == (0 if index == 0 else 1), f"table {index + 1} starts a new page"
    first = body.find("w:p", NS)
    assert first is not None and paragraph_text(first) == "附件3"
    texts = [p.text for p in document(attachments["targets"]).paragraphs if p.text]
    assert texts[:5] == [
        "附件3",
        "1.粤港澳大湾区科技创新金融支持平台",
        "广东省促进经济高质量发展专项资金（金融发展）",
        "绩效目标表",
        "（2022年）",
    ]


def test_targets_attachment_tables_equal_the_project_files(attachments: dict[str, bytes], shipped: Checked) -> None:
    ctx = render_context(shipped)
    for table, project in zip(top_tables(attachments["targets"]), shipped.content.projects_of(2022), strict=True):
        own = top_tables(docx_renderer.render_target_table(ctx, 2022, project.id))[0]
        assert [[c.text for c in r] for r in grid_rows(table)] == [[c.text for c in r] for r in grid_rows(own)]


def test_targets_attachment_2024_closes_with_its_note(attachments: dict[str, bytes], shipped: Checked) -> None:
    texts = [p.text for p in document(attachments["targets-2024"]).paragraphs if p.text]
    note = shipped.content.funds[2024].targets_note
    assert note and texts[-1] == note
