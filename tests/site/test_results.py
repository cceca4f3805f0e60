"""An evaluation's actual values (实际完成值) on the project page, each against its target: met or not."""

from __future__ import annotations

from lxml import html as lxml_html

from docgen.api import check
from docgen.facts.target_values import parse_target
from docgen.project import ProjectPaths
from docgen.render.context import RenderContext
from docgen.render.site import render_page
from tests.site.html_tools import text

RESULTS = """\
project: reguarantee-fee-subsidy
year: 2022
results:
  - indicator: 经济效益/实现融资金额总量
    actual: 135亿元
  - indicator: 社会效益/业务覆盖中小微企业数量
    actual: 7,500户次
    note: 受市场需求影响
  - indicator: 时效指标/广东省国家融资担保基金再担保费补助专项资金需按进度在约定时间发放
    actual: 按月发放
"""


def test_results_stand_beside_their_targets_with_whether_each_was_met(shipped_copy: ProjectPaths) -> None:
    (shipped_copy.content / "evaluations/2022").mkdir(parents=True)
    (shipped_copy.content / "evaluations/2022/reguarantee-fee-subsidy.yaml").write_text(RESULTS, encoding="utf-8")
    checked = check(shipped_copy, templates=False)
    assert not checked.diagnostics.errors, [d.format() for d in checked.diagnostics.errors]
    ctx = RenderContext(shipped_copy, checked.content, checked.facts, 0)
    html = render_page(ctx, "years/2022/projects/reguarantee-fee-subsidy.html")

    [table] = lxml_html.document_fromstring(html).xpath("//table[contains(@class, 'indicators')]")
    headings = [text(th) for th in table.xpath("./thead/tr/th")]
    assert headings[-2:] == ["实际完成值", "是否达成"]
    annual = headings.index("年度目标") - len(headings)  # the annual target's column, counted from the right
    rows = {text(row.xpath("./td[contains(@class, 'indicator-name')]")[0]): row for row in table.xpath("./tbody/tr")
            if row.xpath("./td[contains(@class, 'indicator-name')]")}  # fmt: skip
    project = checked.content.projects[2022]["reguarantee-fee-subsidy"]
    evaluation = checked.content.evaluations[2022]["reguarantee-fee-subsidy"]
    for result in evaluation.results:
        name = result.indicator.split("/", 1)[1]
        cells = [text(cell) for cell in rows[name].xpath("./td")]
        target = next(i.annual for c in project.indicators for g in c.groups for i in g.items if i.name == name)
        assert target is not None and cells[annual] == target
        met = parse_target(target, "annual").is_met_by(parse_target(result.actual))
        assert cells[-2] == result.actual + (f"（{result.note}）" if result.note else "")
        assert cells[-1] == {True: "✓ 达成", False: "✗ 未达成", None: "—"}[met]
    verdicts = [text(row.xpath("./td")[-1]) for row in rows.values()]
    assert sorted(v for v in verdicts if v) == ["—", "✓ 达成", "✗ 未达成"]
