"""The year's 绩效目标表 in one PDF (targets.pdf): every project's sheet, the same table as the Word file.

Expected values are the content's (content/projects/<year>/<id>.yaml, transcribed from the
bureau's documents), typed here; the tables are read back from the PDF through their borders,
so merged cells read as they look: the first row of a merge holds the text, the others are empty.
"""

from __future__ import annotations

import re

from tests.render.pdf_helpers import page_texts, read_table, rendered


def _flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_renders_every_year_without_problems() -> None:
    for year in (2021, 2022, 2023, 2024):
        assert list(rendered(f"{year}/targets.pdf").diagnostics) == []


def test_contents_list_every_sheet_with_its_page() -> None:
    pages = page_texts(rendered("2022/targets.pdf").path)
    assert _flat(pages[1]).startswith("目录1.粤港澳大湾区科技创新金融支持平台绩效目标表")
    numbers = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)\s*$", pages[1], re.M)]
    assert len(numbers) == 9 and numbers == sorted(numbers) and numbers[0] == 1
    footer = {int(m.group(1)): p for p in pages if (m := re.search(r"—\s*(\d+)\s*—\s*$", p.rstrip()))}
    assert "5.广东省国家融资担保基金项下再担保费补助项目绩效目标表" in _flat(footer[numbers[4]])


def test_a_sheet_header_and_indicator_table_2022_reguarantee() -> None:
    t = read_table(
        rendered("2022/targets.pdf").path,
        "5.广东省国家融资担保基金项下再担保费补助项目绩效目标表",
        "6.广东省中小企业融资平台绩效目标表",
        occurrence=-1,  # the sheet, not its line in the contents
    )
    assert t.header == ["申报单位", "", "粤财普惠金融（广东）融资再担保有限公司", "", ""]
    rows = [row for row in t.texts() if row != ["目标", "", "指标内容及口径", "阶段目标", "年度目标"]]
    assert rows[0] == ["分配金额", "", "1361.468万元", "", ""]
    assert rows[1][0] == "年度目标" and rows[1][2].startswith(
        "1.粤财普惠再担保向国家融资担保基金报送再担保业务合作规模不低于120亿元"
    )
    assert rows[2][0] == "阶段目标（6月底前）" and rows[2][2].startswith(
        "1.6月底前累计支出广东省国家融资担保基金再担保费补助400万元。"
    )
    assert rows[3:] == [
        [
            "产出指标",
            "数量指标",
            "支小支农担保金额占全部担保金额的比例，单户担保金额500万元及以下的占比。",
            "分别不得低于80%和不得低于50%",
            "分别不得低于80%和不得低于50%",
        ],
        [
            "",
            "质量指标",
            "报送项目的质量",
            "需全部符合国家融资担保基金的备案项目要求",
            "需全部符合国家融资担保基金的备案项目要求",
        ],
        ["", "时效指标", "广东省国家融资担保基金再担保费补助专项资金需按进度在约定时间发放", "按月发放", "按月发放"],
        ["", "成本指标", "按照资金使用计划执行", "支出25%", "支出100%"],
        ["效益指标", "经济效益", "实现融资金额总量", "不低于60亿元", "不低于120亿元"],
        ["", "社会效益", "业务覆盖中小微企业数量", "4,000户次", "8,000户次"],
        ["", "环境效益", "", "", ""],
        ["", "可持续发展", "", "", ""],
        [
            "满意度",
            "服务对象数量",
            "支持企业的数量",
            "提供不少于5%受支持企业户数的满意度回访表",
            "提供不少于5%受支持企业户数的满意度回访表",
        ],
        ["", "满意度", "支持企业的满意度", "回访满意度不得低于90%。", "回访满意度不得低于90%。"],
    ]


def test_a_split_indicator_column_with_merged_names_2024_shanwei() -> None:
    t = read_table(
        rendered("2024/targets.pdf").path,
        "1.汕尾市金融支持“百县千镇万村高质量发展工程”示范项目绩效目标表",
        "2.",
        occurrence=-1,
    )
    rows = t.texts()
    assert ["支持金额", "", "330万元", "", "", ""] in rows
    heading = ["目标", "", "指标内容及口径", "", "阶段目标", "年度目标"]
    assert heading in rows
    table = rows[rows.index(heading) + 1 :]
    assert table[:6] == [
        [
            "产出指标",
            "数量指标",
            "汕尾“百千万工程”数字普惠金融服务平台",
            "金融产品（项）",
            "完成金融服务平台建设并上线运营",
            "10",
        ],
        ["", "", "", "服务企业数量（家）", "", "120"],
        ["", "", "贷款贴息补助", "补助用户（家）", "确定贴息补助机制", "120"],
        ["", "", "金融服务“百千万工程”能力提升行动", "活动场次（期）", "3", "6"],
        ["", "", "", "活动服务人次（家）", "250", "500"],
        ["", "质量指标", "汕尾“百千万工程”数字普惠金融服务专区", "", "上线运营", "通过验收"],  # one name cell over both
    ]


def test_a_goal_given_as_a_table_2021_reguarantee() -> None:
    text = _flat("".join(page_texts(rendered("2021/targets.pdf").path)))
    for part in ("季度目标规模（万元）支持企业户数", "2021年一季度100,000200户", "2021年二季度100,000200户"):
        assert part in text


def test_the_fund_note_follows_the_contents() -> None:
    pages = page_texts(rendered("2024/targets.pdf").path)
    contents = _flat(pages[1])
    assert contents.startswith("目录1.")
    assert contents.endswith("（注：第6-11为省委金融办信息化项目，绩效目标对照立项申报书和相关批复确定实施）")
