"""The 2023 绩效评价报告 as a PDF: its tables, read back with pdftotext, hold the seed's figures.

The expected values are the bureau's own (seeds/004_7d76542711e2b388.txt), typed here as the
reference; where the seed's arithmetic is wrong (表1-2 counts 9 projects in its 合计 row where
its rows hold 13; the text gives 资金管理 12 points and, a few lines later, 11.93), the value
the data gives is expected. Percentages have two decimals (the seed's 表3-2 rounds to 98%).
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path

import pytest

from docgen.api import Checked
from tests.render.pdf_helpers import Table, font_texts, page_texts, read_table, rendered, text_runs, words

REPORT = "2023/evaluation-report.pdf"
MM = 72 / 25.4


@cache
def pdf() -> Path:
    return rendered(REPORT).path


@cache
def table(caption: str, end_marker: str) -> Table:
    return read_table(pdf(), caption, end_marker)


def test_renders_without_problems() -> None:
    assert list(rendered(REPORT).diagnostics) == []


def test_cover_and_contents_carry_no_page_number() -> None:
    pages = page_texts(pdf())
    assert "2023年广东省促进经济高质量发展专项资金（金融发展）绩效评价报告" in re.sub(r"\s", "", pages[0])
    assert "（2023年度）" in pages[0]
    assert "中共广东省委金融委员会办公室" in pages[0]
    assert re.sub(r"\s", "", pages[1]).startswith("目录")
    assert not re.search(r"—\s*\d+\s*—", pages[0] + pages[1])
    assert re.search(r"—\s*1\s*—", pages[2])  # the body starts at 1, on a right-hand page


def _page_number(page: str) -> int | None:
    match = re.search(r"—\s*(\d+)\s*—\s*$", page.rstrip())
    return int(match.group(1)) if match else None


def test_table_of_contents_page_numbers_are_where_the_headings_are() -> None:
    pages = page_texts(pdf())
    entries = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", pages[1], re.M)
    titles = [title for title, _ in entries]
    assert titles[:3] == ["一、基本情况", "（一）专项资金安排的基本情况", "（二）专项资金绩效目标"]
    assert "（五）综合评价结论" in titles and "四、改进意见" in titles and "附件1 专项资金绩效评价得分表" in titles
    by_number = {_page_number(p): p for p in pages if _page_number(p) is not None}
    for title, number in entries:
        page = by_number[int(number)]
        lines = [re.sub(r"\s", "", line) for line in page.splitlines() if line.strip()]
        two_lines = [a + b for a, b in itertools.pairwise(lines)]  # 附件1 / its title
        assert re.sub(r"\s", "", title) in lines + two_lines, f"{title} is not on page {number}"


def test_page_numbers_alternate_sides_one_character_in_7_mm_below_the_type_area() -> None:
    width, type_area_bottom = 595.28, 841.89 - 35 * MM
    numbers = [w for w in words(pdf()) if w.y0 > type_area_bottom and w.text.isdigit()]
    assert [w.page for w in numbers] == list(range(3, 3 + len(numbers)))  # every body page, not the cover or contents
    for word in numbers:
        dashes = [w for w in words(pdf()) if w.page == word.page and w.text == "—" and w.y0 > type_area_bottom]
        assert len(dashes) == 2  # — N —
        assert 6 * MM < dashes[0].y_centre - type_area_bottom < 8 * MM
        if word.page % 2 == 1:  # a right-hand page: right, one character (16 pt) in from the type area
            assert dashes[1].x1 == pytest.approx(width - 26 * MM - 16, abs=1)
        else:
            assert dashes[0].x0 == pytest.approx(26 * MM + 16, abs=1)


def test_the_type_area_has_the_gongwen_margins() -> None:
    width = 595.28
    body = [w for w in words(pdf()) if w.page > 2 and w.y0 < 740]
    for word in body:
        left, right = (28, 26) if word.page % 2 == 1 else (26, 28)
        assert word.x0 >= left * MM - 0.5, word
        assert word.x1 <= width - right * MM + 0.5, word
        assert word.y0 >= 37 * MM - 0.5, word


def test_table_1_1_projects() -> None:
    t = table("表1-1 入库项目情况表", "其中，实施金融服务")
    assert t.header == ["序号", "项目名称", "实施主体", "项目金额（万元）", "备注"]
    amounts = [
        "500.00",
        "1,189.84",
        "500.00",
        "93.29",
        "196.00",
        "177.94",
        "77.92",
        "148.00",
        "51.78",
        "335.64",
        "199.20",
        "64.68",
        "300.00",
    ]
    rows = t.texts()
    assert [row[0] for row in rows] == [f"项目{i}" for i in range(1, 14)] + ["合计"]
    assert [row[3] for row in rows] == [*amounts, "3,834.29"]
    assert rows[3][1:3] == ["广东省地方金融资产类交易系统项目", "广东金融资产交易中心股份有限公司"]
    assert rows[3][4] == "原下达160万元，后收回66.71万元"  # 备注 for the recovered funds
    assert [row[4] for row in rows].count("") == 13


def test_table_1_2_directions() -> None:
    t = table("表1-2 资金支持方向情况表", "专项资金支持方向示意图见图1-1")
    assert t.header == ["资金使用方向", "项目数（个）", "预算金额（万元）", "资金占比（%）", "具体项目"]
    assert t.texts() == [
        ["金融服务实体经济项目", "8", "2,944.82", "75.49%", "项目1、项目2、项目3、项目4、项目5、项目8、项目9、项目11"],
        ["防控金融风险项目", "4", "656.18", "16.82%", "项目6、项目7、项目10、项目12"],
        ["促进地方区域金融发展项目", "1", "300.00", "7.69%", "项目13"],
        ["合计", "13", "3,901.00", "100.00%", ""],  # the seed says 9
    ]


def test_figure_1_1_is_a_chart_with_chinese_labels() -> None:
    merged = "".join(r.text for r in text_runs(pdf()))
    for label in (
        "金融服务实体经济项目：8个，2,944.82万元（75.49%）",
        "防控金融风险项目：4个，656.18万元（16.82%）",
        "促进地方区域金融发展项目：1个，300.00万元（7.69%）",
    ):
        assert label in merged
    assert "图1-1 资金支持方向示意图" in merged
    assert ("docgen-heiti", "75.49%16.82%7.69%") in font_texts(pdf())  # the slices' labels: SVG text in 黑体


def test_table_1_3_goals_are_the_projects_goals_unsplit(shipped: Checked) -> None:
    t = table("表1-3 各项目绩效目标情况表", "二、各二级项目绩效指标完成情况分析")
    assert t.header == ["序号", "项目名称", "绩效目标"]
    rows = t.texts()
    projects = shipped.content.projects_of(2023)
    assert [row[0] for row in rows] == [str(p.seq) for p in projects]
    for row, project in zip(rows, projects, strict=True):
        assert project.goals.annual is not None and project.goals.annual.text is not None
        assert row[2] == re.sub(r"\s", "", project.goals.annual.text), project.id  # whole: no row split across pages
    assert t.headers_seen == len(t.pages) > 1  # the header row repeated on every page


SCORES_2_1 = [  # 序号, 投入, 过程, 产出, 效益, 合计, 等级 (seed 表2-1)
    ("1", "19.00", "19.00", "28.00", "28.00", "94.00", "优"),
    ("2", "19.00", "20.00", "29.00", "26.25", "94.25", "优"),
    ("3", "19.00", "16.00", "28.00", "24.00", "87.00", "良"),
    ("4", "20.00", "19.00", "30.00", "24.00", "93.00", "优"),
    ("5", "20.00", "19.00", "28.50", "27.00", "94.50", "优"),
    ("6", "19.00", "20.00", "30.00", "24.00", "93.00", "优"),
    ("7", "19.00", "19.00", "30.00", "26.00", "94.00", "优"),
    ("8", "20.00", "20.00", "30.00", "22.00", "92.00", "优"),
    ("9", "20.00", "19.00", "27.00", "30.00", "96.00", "优"),
    ("10", "19.00", "19.00", "27.00", "27.00", "92.00", "优"),
    ("11", "19.00", "20.00", "30.00", "24.00", "93.00", "优"),
    ("12", "19.00", "18.00", "25.00", "30.00", "92.00", "优"),
    ("13", "16.50", "18.50", "25.00", "26.00", "86.00", "良"),
]


def test_table_2_1_scores_totals_grades_and_averages() -> None:
    t = table("表2-1 各项目得分情况表", "三、评价情况")
    assert t.header == [
        "序号",
        "项目名称",
        "投入（20分）",
        "过程（20分）",
        "产出（30分）",
        "效益（30分）",
        "合计",
        "等级",
    ]
    rows = t.texts()
    assert [(row[0], *row[2:]) for row in rows[:13]] == SCORES_2_1
    assert rows[13] == ["平均得分", "", "19.12", "18.96", "28.27", "26.02", "92.37", ""]
    assert rows[14] == ["得分率", "", "95.58%", "94.81%", "94.23%", "86.73%", "92.37%", ""]
    assert len(rows) == 15
    assert t.headers_seen == len(t.pages)


def test_section_texts_state_the_averages_and_rates() -> None:
    text = re.sub(r"\s", "", "".join(page_texts(pdf())))
    assert "指标分值20分，13个项目汇总平均得分19.12分，得分率为95.58%" in text
    assert "指标分值20分，平均得分18.96分，得分率为94.81%" in text
    assert "指标分值30分，平均得分28.27分，得分率为94.23%" in text
    assert "指标分值30分，平均得分26.02分，得分率为86.73%" in text
    assert "该指标分值6分，平均得分5.27分。" in text  # a generated detail sentence


def test_the_fund_score_and_grade_agree_in_text_and_table() -> None:
    text = re.sub(r"\s", "", "".join(page_texts(pdf())))
    assert "评价得分为91.43分，评价等级为“优”。具体评价得分表见附件1" in text
    rows = read_table(pdf(), "附件1 专项资金绩效评价得分表", None, occurrence=-1).texts()
    assert rows[-2] == ["合计", "", "", "100.00", "91.43"]
    assert rows[-1] == ["评价等级", "", "", "优", ""]


def test_appendix_1_scores_every_fund_indicator() -> None:
    t = read_table(pdf(), "附件1 专项资金绩效评价得分表", None, occurrence=-1)
    assert t.header == ["一级指标", "二级指标", "三级指标", "分值", "得分"]
    rows = t.texts()[:-2]
    assert len(rows) == 21  # 2 过程 + 8 产出 + 11 效益
    assert rows[0] == ["过程", "资金管理", "资金支出率", "12.00", "11.93"]  # 12 × 99.41%; the seed also says 12
    assert rows[1] == ["", "事项管理", "监管有效性", "8.00", "8.00"]
    assert [row[0] for row in rows] == ["过程", "", "产出", *[""] * 7, "效益", *[""] * 10]
    assert [row[1] for row in rows if row[1]] == [
        "资金管理",
        "事项管理",
        "数量指标",
        "质量指标",
        "经济效益指标",
        "社会效益指标",
        "服务对象满意度指标",
    ]
    scores = [row[-1] for row in rows]
    assert scores[2:10] == ["1.50", "5.00", "5.00", "5.00", "5.00", "5.00", "6.00", "6.00"]  # the seed's 产出
    assert scores[10:21] == ["1.50", "1.50", "1.50", "4.00", "3.00", "3.00", "1.50", "8.00", "3.00", "1.00", "5.00"]


def test_table_3_2_budget_execution() -> None:
    t = table("表3-2 专项资金预算执行情况表", "2.专项资金完成绩效目标情况")
    assert t.header == ["序号", "项目名称", "预算金额", "支出金额", "预算执行率", "备注"]
    expected = [
        ("1", "500.00", "500.00", "100.00%", ""),
        ("2", "1,189.84", "1,189.84", "100.00%", ""),
        ("3", "500.00", "500.00", "100.00%", ""),
        ("4", "93.29", "93.29", "100.00%", ""),
        ("5", "196.00", "191.91", "97.91%", "按照签订合同价款据实支付"),
        ("6", "177.94", "177.94", "100.00%", ""),
        ("7", "77.92", "76.56", "98.25%", "按照签订合同价款据实支付"),
        ("8", "148.00", "148.00", "100.00%", ""),
        ("9", "51.78", "49.29", "95.19%", "按照签订合同价款据实支付"),
        ("10", "335.64", "321.22", "95.70%", "按照签订合同价款据实支付"),
        ("11", "199.20", "199.20", "100.00%", ""),
        ("12", "64.68", "64.50", "99.72%", ""),
        ("13", "300.00", "300.00", "100.00%", ""),
        ("合计", "3,834.29", "3,811.75", "99.41%", ""),
    ]
    rows = t.texts()
    assert [(row[0], *row[2:]) for row in rows] == expected


def test_numbers_are_right_aligned() -> None:
    t = table("表3-2 专项资金预算执行情况表", "2.专项资金完成绩效目标情况")
    for column in (2, 3, 4):
        by_page: dict[int, set[float]] = {}
        for row in t.rows:
            for word in row[column].words:
                by_page.setdefault(word.page, set()).add(round(word.x1, 1))
        assert all(len(edges) == 1 for edges in by_page.values()), (column, by_page)


TABLE_3_3 = [  # 指标类型, 指标名称, 预期值 (seed 表3-3); every one met
    ("数量指标", "数字人民币试点线上线下场景落地个数（个）", "3"),
    ("", "实施金融服务实体经济项目", "≥5个"),
    ("", "实施防范化解金融风险项目", "3个"),
    ("", "广东金融资产交易中心系统升级建设完成率（%）", "100"),
    ("", "融资再担保补助覆盖中小微企业数量（户次）", "12000"),
    ("", "政府性融资担保费率“降1补1”补助发放完成率（%）", "100"),
    ("质量指标", "系统验收合格率（%）", "100%"),
    ("", "系统正常运行率（%）", "95%"),
    ("经济效益指标", "再担保业务合作融资金额总量（亿元）", "≥135"),
    ("", "股交中心实现各类融资（亿元）", "≥200"),
    ("", "广东省地方金融资产类交易系统交易量（亿元）", "≥100"),
    ("", "融资担保补助业务实现融资金额总量（亿元）", "≥4"),
    ("", "中小融平台入驻金融机构数量（家）", "≥50"),
    ("", "中小融平台上线金融产品数量", "≥50"),
    ("", "中小融平台授信金额（亿元）", "≥2"),
    ("社会效益指标", "重大系统性、区域性金融风险发生率（%）", "0"),
    ("", "利用“政企通”系统为企业提供政策服务（次）", "1000"),
    ("", "利用信披系统协助企业完成年报披露及经营分析（家）", "200"),
    ("服务对象满意度指标", "融资再担保支持企业的满意度", "≥90"),
]


def test_table_3_3_every_output_and_outcome_indicator(shipped: Checked) -> None:
    t = table("表3-3 产出和效益指标完成情况表", "3.专项资金分用途使用绩效")
    assert t.header == ["指标类型", "指标名称", "预期值", "实际完成值", "是否完成"]
    rows = t.texts()
    with_target = [i for i in shipped.content.fund_evaluations[2023].indicators if i.target is not None]
    assert len(rows) == len(with_target) == len(TABLE_3_3) == 19
    assert [tuple(row[:3]) for row in rows] == TABLE_3_3
    assert [row[4] for row in rows] == ["是"] * 19
    for row, indicator in zip(rows, with_target, strict=True):
        assert row[3] == re.sub(r"\s", "", indicator.result or ""), indicator.key  # 实际完成值, whole
    assert t.headers_seen == len(t.pages) > 1


def test_text_figures_agree_with_the_tables() -> None:
    text = re.sub(r"\s", "", "".join(page_texts(pdf())))
    assert "预算金额3,901万元" in text
    assert "入库项目13个，项目合计安排资金3,901万元" in text
    assert "保留省本级的专项资金项目共12个（含省委金融办实施的8个项目），资金合计3,601万元" in text
    assert "下放地市的专项资金项目共1个，资金合计300万元" in text
    assert "收回项目资金66.71万元，收回后项目资金为93.29万元。最终项目实际安排下达资金为3,834.29万元" in text
    assert "专项资金合计支出3,811.75万元，整体预算执行率为99.41%" in text
    assert (
        "实施金融服务实体经济项目8个（按项目数量计），实施防范化解金融风险项目4个，实施促进地方区域金融发展项目1个"
        in text
    )
    assert "该项指标得分11.93分" in text
    assert (
        "资金支出率，指标分值12分，得11.93分" in text or "该指标主要考核专项资金支出率，指标分值12分，得11.93分" in text
    )
    assert "该部分主要从专项资金管理和事项管理进行考核。指标分值20分，得19.93分。" in text
    assert "${" not in text


def test_improvements_close_the_report() -> None:
    text = re.sub(r"\s", "", "".join(page_texts(pdf())))
    assert text.rindex("四、改进意见") < text.index("1.强化专项资金管理") < text.rindex("附件1专项资金绩效评价得分表")


@pytest.mark.parametrize("caption", ["表1-1 入库项目情况表", "表2-1 各项目得分情况表", "表3-2 专项资金预算执行情况表"])
def test_a_caption_is_on_the_page_of_its_table(caption: str) -> None:
    all_words = words(pdf())
    i = next(
        i
        for i, w in enumerate(all_words)
        if w.text == caption.split()[0] and all_words[i + 1].text == caption.split()[1]
    )
    after = [w for w in all_words if w.page == all_words[i].page and w.y0 > all_words[i].y1 + 20]
    assert after, f"{caption} is the last line of its page"
