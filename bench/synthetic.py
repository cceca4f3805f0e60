"""Synthetic content for benchmarks: N projects over several years, as the bureau writes them.

``python bench/synthetic.py --projects 1000 --out DIR`` writes a complete docgen project folder:
``DIR/content/`` (site, fund-years, projects with goals and indicator tables, project and fund
evaluations with narratives, notices) and ``DIR/templates/`` (a copy of the repository's). The
content passes ``docgen check`` without errors; the same arguments give the same files.

The text is realistic Chinese assembled from the vocabulary of the bureau's documents
(21 cities of Guangdong, the fund's kinds of projects, their indicators and target values);
amounts are exact decimals in 万元 and every total is left for docgen to compute.

Other benchmarks import :func:`generate`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CENT = Decimal("0.01")

CITIES = [
    ("广州", "guangzhou"), ("深圳", "shenzhen"), ("珠海", "zhuhai"), ("汕头", "shantou"), ("佛山", "foshan"),
    ("韶关", "shaoguan"), ("河源", "heyuan"), ("梅州", "meizhou"), ("惠州", "huizhou"), ("汕尾", "shanwei"),
    ("东莞", "dongguan"), ("中山", "zhongshan"), ("江门", "jiangmen"), ("阳江", "yangjiang"), ("湛江", "zhanjiang"),
    ("茂名", "maoming"), ("肇庆", "zhaoqing"), ("清远", "qingyuan"), ("潮州", "chaozhou"), ("揭阳", "jieyang"),
    ("云浮", "yunfu"),
]  # fmt: skip

DIRECTIONS = [
    ("real-economy", "金融服务实体经济项目"),
    ("risk-control", "防控金融风险项目"),
    ("regional", "促进地方区域金融发展项目"),
]

# (name, slug, direction, what it does)
THEMES = [
    ("普惠金融服务平台", "inclusive-finance", "real-economy", "为小微企业和个体工商户提供线上融资对接服务"),
    ("中小企业融资服务", "sme-financing", "real-economy", "缓解中小企业融资难融资贵问题"),
    ("融资担保风险补偿", "guarantee-compensation", "real-economy", "对政府性融资担保机构的代偿损失给予风险补偿"),
    ("供应链金融服务", "supply-chain-finance", "real-economy", "依托核心企业为上下游中小企业提供应收账款融资"),
    ("知识产权质押融资", "ip-pledge", "real-economy", "推动知识产权质押融资扩面增量"),
    ("地方金融风险监测预警", "risk-monitoring", "risk-control", "提升地方金融风险监测预警和处置能力"),
    ("防范非法集资宣传教育", "fundraising-prevention", "risk-control", "增强社会公众防范非法集资的意识和能力"),
    ("地方金融组织非现场监管", "offsite-supervision", "risk-control", "实现对地方金融组织的穿透式、全流程监管"),
    ("数字金融创新", "digital-finance", "regional", "推动数字人民币试点场景落地和数字金融产业集聚"),
    ("科技金融服务基地", "tech-finance", "regional", "为科技型企业提供全生命周期金融服务"),
    ("绿色金融改革创新", "green-finance", "regional", "引导金融资源向绿色低碳领域配置"),
    ("农村金融服务站", "rural-finance", "regional", "打通农村金融服务“最后一公里”"),
]

KINDS = [("建设项目", "build"), ("运营服务项目", "ops"), ("补助项目", "subsidy"), ("能力提升项目", "upgrade")]

UNITS = [
    "{city}市地方金融监督管理局",
    "{city}市金融工作局",
    "{city}市中小企业融资服务中心有限公司",
    "{city}市融资担保有限公司",
    "{city}金融发展服务中心",
]


@dataclass(frozen=True, slots=True)
class IndicatorKind:
    level1: str
    level2: str
    name: str
    unit: str
    low: int
    high: int
    comparator: str = "≥"

    def value(self, rng: random.Random, share: Decimal = Decimal(1)) -> tuple[str, int]:
        number = max(1, int(Decimal(rng.randint(self.low, self.high)) * share))
        return f"{self.comparator}{number}{self.unit}", number


INDICATORS = [
    IndicatorKind("产出指标", "数量指标", "服务中小微企业数量", "家", 50, 2000),
    IndicatorKind("产出指标", "数量指标", "举办政策宣讲及培训活动", "场", 3, 40),
    IndicatorKind("产出指标", "数量指标", "新增入驻金融机构数量", "家", 5, 80),
    IndicatorKind("产出指标", "数量指标", "上线金融产品数量", "款", 10, 120),
    IndicatorKind("产出指标", "数量指标", "覆盖县（市、区）数量", "个", 3, 20),
    IndicatorKind("产出指标", "质量指标", "系统正常运行率", "%", 95, 99),
    IndicatorKind("产出指标", "质量指标", "数据报送准确率", "%", 95, 99),
    IndicatorKind("产出指标", "质量指标", "项目验收合格率", "%", 100, 100, ""),
    IndicatorKind("产出指标", "时效指标", "资金拨付及时率", "%", 90, 100),
    IndicatorKind("产出指标", "时效指标", "问题处置响应时间", "个工作日", 3, 10, "≤"),
    IndicatorKind("产出指标", "成本指标", "项目预算控制率", "%", 100, 100, "≤"),
    IndicatorKind("效益指标", "经济效益指标", "撮合融资金额", "亿元", 2, 300),
    IndicatorKind("效益指标", "经济效益指标", "带动社会投资", "亿元", 1, 50),
    IndicatorKind("效益指标", "社会效益指标", "惠及市场主体数量", "户", 100, 20000),
    IndicatorKind("效益指标", "社会效益指标", "宣传教育覆盖人次", "万人次", 1, 200),
    IndicatorKind("效益指标", "可持续影响指标", "平台持续稳定运营年限", "年", 2, 5),
    IndicatorKind("满意度指标", "服务对象满意度指标", "服务对象满意度", "%", 85, 95),
]

SUMMARY_SENTENCES = [
    "本项目按照省委、省政府关于金融支持经济高质量发展的工作部署，{purpose}。",
    "项目由{unit}组织实施，实行专款专用、专账管理，确保资金使用安全合规。",
    "项目建成后将进一步提升{city}市金融服务实体经济的能力，促进区域金融协调发展。",
    "项目实施期间，实施单位每月向主管部门报送预算执行情况和绩效目标完成情况。",
    "项目坚持问题导向和目标导向，聚焦服务实体经济、防控金融风险、深化金融改革三项任务。",
]

SECTIONS = [
    ("input", "投入", 20, [("论证决策", 4), ("目标设置", 6), ("保障措施", 2), ("资金到位", 5), ("资金分配", 3)]),
    ("process", "过程", 20, [("资金支付", 6), ("支出规范性", 6), ("实施程序", 4), ("管理情况", 4)]),
    ("output", "产出", 30, [("预算控制", 3), ("成本节约", 2), ("完成进度及质量", 25)]),
    ("outcome", "效益", 30, []),
]
SCORE_RANGES = {"input": (15, 20), "process": (15, 20), "output": (22, 30), "outcome": (20, 30)}

DETAIL_TEXTS = {
    "论证决策": "各项目均提交了可行性研究报告等申报材料，对项目必要性和可行性的论述较为详实。",
    "目标设置": "各项目绩效目标设置总体符合要求，个别项目指标设置完整性有待提高。",
    "保障措施": "项目专项资金管理制度较完整，计划安排较合理。",
    "资金到位": "个别项目资金下达至实施单位不够及时，其余项目资金均已及时、足额下拨。",
    "资金分配": "各实施项目资金分配基本合理，有助于实现资金的绩效目标。",
    "资金支付": (
        "从整体资金支出率来看，专项资金预算金额${fund.net}万元，合计支出${fund.spent}万元，"
        "整体预算执行率为${fund.execution_rate}。"
    ),
    "支出规范性": "项目预算执行基本规范，不存在超范围、超标准支出，虚列支出，截留、挤占、挪用资金的情况。",
    "实施程序": "项目能够按照专项资金管理办法制订实施方案，履行必要的招投标和报批手续。",
    "管理情况": "各项目管理情况良好，大部分单位能按要求做好每月资金进度的监控工作。",
    "预算控制": "各项目预算控制情况良好，基本能按预算计划执行。",
    "成本节约": "各项目有相关的三方比价等采购文件，成本节约情况较好。",
    "完成进度及质量": "各项目产出指标完成情况整体较好，但存在部分项目绩效指标值设置偏低的情况。",
}


@dataclass(slots=True)
class Item:
    kind: IndicatorKind
    values: dict[str, str]
    annual: int


@dataclass(slots=True)
class ProjectPlan:
    id: str
    year: int
    seq: int
    city: str
    theme: tuple[str, str, str, str]
    kind: tuple[str, str]
    unit: str
    requested: Decimal
    allocated: Decimal
    approval: str
    items: list[Item] = field(default_factory=list)
    periods: tuple[str, ...] = ("annual",)

    @property
    def name(self) -> str:
        return f"{self.city}市{self.theme[0]}{self.kind[0]}"


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(CENT)


# ---------------------------------------------------------------------------- YAML writing


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:(?!: | #)[^\n])*(?<!\s)$")
_LOOKS_TYPED = re.compile(r"^(?:[-+]?[0-9][0-9_.,:eE+-]*|true|false|yes|no|on|off|null|~)$", re.IGNORECASE)


def scalar(value: Any) -> str:
    """A scalar as a person writes it: plain where YAML reads it back as the same text, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and not _LOOKS_TYPED.match(text) and not text.endswith(":"):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def emit(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML for dicts, lists and scalars; multi-line text as literal blocks (|)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                continue
            if isinstance(item, str) and "\n" in item:
                lines.append(f"{pad}{key}: |")
                lines.extend(f"{pad}  {line}" if line else "" for line in item.rstrip("\n").split("\n"))
            elif isinstance(item, dict | list):
                if not item:
                    continue
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                inner = emit(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return lines


def write_yaml(path: Path, data: dict[str, Any], comment: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {comment}\n" + "\n".join(emit(data)) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------- content


def plan_projects(rng: random.Random, count: int, years: list[int]) -> dict[int, list[ProjectPlan]]:
    """Spread ``count`` projects over the years; about a third continue a project of the year before."""
    per_year = [count // len(years) + (1 if i < count % len(years) else 0) for i in range(len(years))]
    result: dict[int, list[ProjectPlan]] = {}
    used: set[str] = set()
    previous: list[ProjectPlan] = []
    for year, number in zip(years, per_year, strict=True):
        plans: list[ProjectPlan] = []
        continuing = rng.sample(previous, min(len(previous), number // 3)) if previous else []
        for seq in range(1, number + 1):
            if continuing:
                before = continuing.pop()
                ident, city, theme, kind, unit = before.id, before.city, before.theme, before.kind, before.unit
            else:
                city, city_slug = rng.choice(CITIES)
                theme = rng.choice(THEMES)
                kind = rng.choice(KINDS)
                base = f"{city_slug}-{theme[1]}-{kind[1]}"
                ident = base
                n = 2
                while ident in used:
                    ident, n = f"{base}-{n}", n + 1
                unit = rng.choice(UNITS).format(city=city)
            used.add(ident)
            requested = money(rng, 50, 3000)
            allocated = min(requested, (requested * Decimal(rng.randint(60, 100)) / 100).quantize(CENT))
            plan = ProjectPlan(
                ident, year, seq, city, theme, kind, unit, requested, allocated, rng.choice(["省级", "地市"])
            )
            plan.periods = rng.choice([("annual",), ("stage", "annual"), ("stage", "annual", "cycle")])
            plan.items = _items(rng, plan.periods)
            plans.append(plan)
        result[year] = plans
        previous = plans
    return result


def _items(rng: random.Random, periods: tuple[str, ...]) -> list[Item]:
    chosen = sorted(rng.sample(range(len(INDICATORS)), rng.randint(6, 12)))
    items = []
    for index in chosen:
        kind = INDICATORS[index]
        annual_text, annual = kind.value(rng)
        values = {"annual": annual_text}
        if "stage" in periods:
            values["stage"] = kind.value(rng, Decimal("0.5"))[0] if kind.unit != "%" else annual_text
        if "cycle" in periods:
            values["cycle"] = (
                kind.value(rng, Decimal(3))[0] if kind.unit not in ("%", "年", "个工作日") else annual_text
            )
        items.append(Item(kind, values, annual))
    return items


def goal_sentence(item: Item) -> str:
    """One numbered goal as the bureau words it: 服务中小微企业数量不少于567家。"""
    number = f"{item.annual}{item.kind.unit}"
    if item.kind.comparator == "≥":
        return f"{item.kind.name}{'不低于' if item.kind.unit == '%' else '不少于'}{number}。"
    if item.kind.comparator == "≤":
        return f"{item.kind.name}不超过{number}。"
    return f"{item.kind.name}达到{number}。"


def project_data(plan: ProjectPlan, rng: random.Random) -> dict[str, Any]:
    purpose = plan.theme[3]
    summary = "".join(
        sentence.format(purpose=purpose, unit=plan.unit, city=plan.city)
        for sentence in rng.sample(SUMMARY_SENTENCES, 3)
    )
    annual_lines = [f"{i}. {goal_sentence(item)}" for i, item in enumerate(plan.items[:5], 1)]
    goals: dict[str, Any] = {}
    if "cycle" in plan.periods:
        goals["cycle"] = {
            "label": f"{plan.year + 2}年底前",
            "column_label": f"{plan.year + 2}年",
            "text": f"到{plan.year + 2}年底，{purpose}，形成可复制可推广的经验做法。\n",
        }
    goals["annual"] = {"text": "\n".join(annual_lines) + "\n"}
    if "stage" in plan.periods:
        goals["stage"] = {
            "label": "6月底前",
            "text": f"1. 6月底前累计支出不低于预算的50%。\n2. 完成{plan.items[0].kind.name}年度目标的一半。\n",
        }
    categories: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for item in plan.items:
        group = categories.setdefault(item.kind.level1, {}).setdefault(item.kind.level2, [])
        group.append(
            {"name": item.kind.name, **{p: item.values[p] for p in ("stage", "annual", "cycle") if p in item.values}}
        )
    return {
        "id": plan.id,
        "year": plan.year,
        "seq": plan.seq,
        "name": plan.name,
        "applicant": plan.unit,
        "implementers": [plan.unit],
        "requested": plan.requested,
        "allocated": plan.allocated,
        "approval": plan.approval,
        "direction": plan.theme[2],
        "summary": summary,
        "goals": goals,
        "indicators": [
            {"level1": level1, "groups": [{"level2": level2, "items": items} for level2, items in groups.items()]}
            for level1, groups in categories.items()
        ],
    }


def fund_data(year: int, plans: list[ProjectPlan], recoveries: list[tuple[ProjectPlan, Decimal]]) -> dict[str, Any]:
    budget = sum((p.allocated for p in plans), Decimal(0))
    return {
        "year": year,
        "hierarchy": "legacy",
        "budget": budget,
        "department": "中共广东省委金融委员会办公室" if year >= 2023 else "广东省地方金融监督管理局",
        "directions": [{"id": ident, "name": name} for ident, name in DIRECTIONS],
        "uses": (
            "1.防范化解金融风险和强化地方金融监管的重要平台、项目、基础设施。\n"
            "2.实施省“十四五”规划提出的“金融+”十大工程的重要平台、项目、基础设施。\n"
            "3.为广东省金融强省建设开展先导性、创新性的探索试验的重要平台、项目。\n"
            "4.围绕“一核一带一区”发展布局，对各地市金融发展有重要影响的金融平台、金融聚集区、金融工程。\n"
        ),
        "goals": (
            "贯彻落实中央和省委、省政府金融工作部署，紧紧围绕服务实体经济、防控金融风险、深化金融改革三项任务，"
            "增强金融服务实体经济的能力，推进破解中小企业融资难问题。\n"
            "开展地方金融监管和风险防控等信息化项目建设，提高金融风险监测和金融监管效率。\n"
        ),
        "catalog": {
            "fund_name": "广东省促进经济高质量发展专项资金",
            "fiscal_authority": "金融发展",
            "policy_task": "重点金融平台项目建设",
            "main_uses": "1.支持金融服务实体经济项目。\n2.支持防控金融风险项目。\n3.支持促进地方区域金融发展项目。\n",
            "main_targets": f"1.支持项目不少于{len(plans)}个。\n2.专项资金预算执行率不低于95%。\n",
        },
        "recoveries": [
            {"project": plan.id, "amount": amount, "date": f"{year}-12", "reason": "因项目实施内容调整，收回结余资金"}
            for plan, amount in recoveries
        ],
    }


def evaluation_data(plan: ProjectPlan, rng: random.Random, net: Decimal) -> dict[str, Any]:
    scores = {key: Decimal(rng.randint(low * 4, high * 4)) / 4 for key, (low, high) in SCORE_RANGES.items()}
    spent = (net * Decimal(rng.randint(900, 1000)) / 1000).quantize(CENT)
    results = []
    for item in plan.items[:3]:
        achieved = max(1, int(item.annual * rng.uniform(0.9, 1.3)))
        unit = item.kind.unit
        results.append({"indicator": f"{item.kind.level2}/{item.kind.name}", "actual": f"{achieved}{unit}"})
    return {
        "project": plan.id,
        "year": plan.year,
        "seq": plan.seq,
        "scores": scores,
        "execution": {"spent": spent, "note": "按照签订合同价款据实支付"},
        "results": results,
    }


def fund_evaluation_data(year: int, evaluations: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    sections = []
    for key, name, maximum, details in SECTIONS:
        values = [e["scores"][key] for e in evaluations]
        average = sum(values, Decimal(0)) / len(values)
        parts: list[dict[str, Any]] = []
        remaining = average
        for i, (detail, detail_max) in enumerate(details):
            share = remaining if i == len(details) - 1 else (average * detail_max / maximum).quantize(CENT)
            share = min(Decimal(detail_max), share.quantize(CENT))
            remaining -= share
            parts.append({"name": detail, "max": detail_max, "average": share, "text": DETAIL_TEXTS[detail] + "\n"})
        sections.append(
            {
                "key": key,
                "name": name,
                "max": maximum,
                "text": (
                    f"该指标主要考察专项资金{name}方面的情况，指标分值${{section.{key}.max}}分，"
                    f"${{fund.project_count}}个项目汇总平均得分${{section.{key}.average}}分，"
                    f"得分率为${{section.{key}.rate}}。\n"
                ),
                "details": parts,
            }
        )
    indicators: list[dict[str, Any]] = [
        {
            "key": "fund-execution",
            "level1": "过程",
            "level2": "资金管理",
            "name": "资金支出率",
            "method": "execution_rate",
            "points": 12,
            "analysis": (
                f"{year}年专项资金预算金额${{fund.net}}万元，合计支出${{fund.spent}}万元，整体预算执行率为"
                "${fund.execution_rate}。该项指标得分${indicator.fund-execution.score}分。\n"
            ),
        },
        {
            "key": "supervision",
            "level1": "过程",
            "level2": "事项管理",
            "name": "监管有效性",
            "method": "qualitative",
            "points": 8,
            "override": {
                "score": 8,
                "reason": "主管部门针对项目实施开展了系列有效的论证、检查、监控、绩效评价等全过程绩效管理工作",
            },
            "analysis": (
                "主管部门能按规定对项目实施开展有效的评审、论证，包括项目入库申报阶段、项目事中监控、绩效评价等。\n"
            ),
        },
    ]
    fund_kinds = [k for k in INDICATORS if k.unit in ("家", "场", "款", "个", "亿元", "户")]
    points = [5, 5, 5, 5, 5, 5, 6, 6, 4, 4, 3, 3, 2, 2, 3, 4][: 80 // 5]
    for i, kind in enumerate(rng.sample(fund_kinds, min(len(fund_kinds), 6))):
        target = rng.randint(max(kind.low, 2), kind.high)
        actual = max(1, int(target * rng.uniform(0.85, 1.4)))
        key = f"fund-indicator-{i + 1}"
        indicators.append(
            {
                "key": key,
                "level1": "产出" if kind.level1 == "产出指标" else "效益",
                "level2": kind.level2,
                "name": f"{kind.name}（{kind.unit}）",
                "target": f"≥{target}",
                "actual": f"{actual}{kind.unit}",
                "result": f"完成。{year}年度，各项目合计实现{kind.name}{actual}{kind.unit}。\n",
                "points": points[i],
                "analysis": (
                    f"{year}年度，各项目合计实现{kind.name}{actual}{kind.unit}，预期目标为{target}{kind.unit}。\n"
                ),
            }
        )
    return {
        "year": year,
        "title": f"{year}年广东省促进经济高质量发展专项资金（金融发展）绩效评价报告",
        "sections": sections,
        "indicators": indicators,
        "level_texts": {
            "过程": "该部分主要从专项资金管理和事项管理进行考核。",
            "资金管理": "该指标主要考核专项资金支出率",
        },
        "narrative": {
            "overview": (
                f"{year}年，广东省促进经济高质量发展专项资金（金融发展）管理使用工作按照中央和省委、省政府金融工作部署，"
                "紧紧围绕服务实体经济、防控金融风险、深化金融改革三项任务，推动重点领域和关键环节的金融改革创新。\n"
            ),
            "arrangement": (
                f"{year}年专项资金预算金额${{fund.budget}}万元，入库项目${{fund.project_count}}个，其中保留省级审批的项目"
                "${fund.provincial_count}个，资金合计${fund.provincial_amount}万元；下放地市的项目${fund.municipal_count}个，"
                "资金合计${fund.municipal_amount}万元。\n"
            ),
            "directions": "".join(
                f"${{direction.{ident}.name}}${{direction.{ident}.count}}个，安排资金${{direction.{ident}.amount}}万元，"
                f"占比${{direction.{ident}.share}}。"
                for ident, _ in DIRECTIONS
            )
            + "\n",
            "conclusion": "专项资金综合评价得分${evaluation.score}分，评价等级为“${evaluation.grade}”。\n",
            "execution": "截至年底，专项资金合计支出${fund.spent}万元，整体预算执行率为${fund.execution_rate}。\n",
            "problems": "一是个别项目绩效目标设置偏低；二是个别项目前期进度略落后于计划进度。\n",
            "improvements": (
                "1\\.加强绩效目标管理，科学合理设置绩效指标。\n\n2\\.加快预算执行进度，提高资金使用效益。\n"
            ),
        },
    }


def notice_text(year: int, evaluated: bool) -> str:
    attachments = [
        f'  - {{title: "省级财政专项资金目录清单（{year}年）", ref: catalog/{year}}}',
        f'  - {{title: "{year}年广东省促进经济高质量发展专项资金（金融发展）分配方案", ref: allocation/{year}}}',
        f'  - {{title: "{year}年广东省促进经济高质量发展专项资金（金融发展）项目绩效目标表", ref: targets/{year}}}',
    ]
    if evaluated:
        attachments.append(f'  - {{title: "{year}年绩效评价报告", ref: report/{year}}}')
    return (
        "---\n"
        f"title: 关于做好{year}年广东省促进经济高质量发展专项资金（金融发展）项目实施工作的通知\n"
        f"date: {year}-02-22\n"
        'time: "17:17"\n'
        "source: 本网\n"
        "signer: 省地方金融监管局\n"
        "breadcrumb: [政务公开, 政府信息五公开, 管理公开]\n"
        "attachments:\n" + "\n".join(attachments) + "\n---\n\n"
        f"根据《中华人民共和国预算法》《广东省省级财政专项资金管理办法（试行）》等相关要求，为做好{year}年"
        "广东省促进经济高质量发展专项资金（金融发展）项目实施，确保预算按计划执行和完成既定绩效目标，现就有关事项通知如下：\n\n"
        "一、抓紧开展项目实施\n\n各实施单位要抓紧推进工作落实，确保预算按计划执行和项目如期推进。\n\n"
        "二、严格执行预算支出计划\n\n各单位要按要求建立预算支出执行定期分析机制，及时解决项目开展中遇到的困难问题。\n"
    )


SITE = {
    "publisher": "中共广东省委金融委员会办公室",
    "publisher_short": "省委金融办",
    "address": "广州市东风中路305号省府大院八号楼7层",
    "base_url": "https://example.gov.cn/",
    "fund_name": "广东省促进经济高质量发展专项资金（金融发展）",
    "site_name": "广东省促进经济高质量发展专项资金（金融发展）信息公开",
}


def generate(out: Path, projects: int, years: list[int], *, seed: int = 2024, templates: Path | None = None) -> Path:
    """Write a docgen project with ``projects`` synthetic projects over ``years`` into ``out``; return ``out``."""
    rng = random.Random(seed)
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    write_yaml(content / "site.yaml", SITE, "Synthetic content for benchmarks (bench/synthetic.py).")
    plans = plan_projects(rng, projects, years)
    evaluated_years = years[:-1] if len(years) > 1 else years
    for year, year_plans in plans.items():
        recovered = rng.sample(year_plans, min(2, len(year_plans)))
        recoveries = [(p, (p.allocated * Decimal(rng.randint(5, 30)) / 100).quantize(CENT)) for p in recovered]
        write_yaml(
            content / f"funds/{year}.yaml", fund_data(year, year_plans, recoveries), f"Fund-year {year} (synthetic)."
        )
        for plan in year_plans:
            write_yaml(
                content / f"projects/{year}/{plan.id}.yaml", project_data(plan, rng), f"{plan.name} (synthetic)."
            )
        if year in evaluated_years:
            recovered_by = {p.id: amount for p, amount in recoveries}
            evaluations = []
            for plan in year_plans:
                data = evaluation_data(plan, rng, plan.allocated - recovered_by.get(plan.id, Decimal(0)))
                evaluations.append(data)
                write_yaml(
                    content / f"evaluations/{year}/{plan.id}.yaml", data, f"Evaluation of {plan.name} (synthetic)."
                )
            fund_eval = fund_evaluation_data(year, evaluations, rng)
            write_yaml(content / f"evaluations/{year}/_fund.yaml", fund_eval, f"Fund evaluation {year} (synthetic).")
        notice = content / f"notices/{year}-02-22-{year}-implementation.md"
        notice.parent.mkdir(parents=True, exist_ok=True)
        notice.write_text(notice_text(year, year in evaluated_years), encoding="utf-8")
    source = templates if templates is not None else REPO / "templates"
    if source.is_dir():
        if (out / "templates").exists():
            shutil.rmtree(out / "templates")
        shutil.copytree(source, out / "templates")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=1000, help="number of projects over all years (default 1000)")
    parser.add_argument("--years", default="2021-2024", help="first-last year (default 2021-2024)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, required=True, help="the project folder to write (content/ and templates/)")
    args = parser.parse_args(argv)
    first, _, last = args.years.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    if args.projects < len(years) or args.projects > 999 * len(years):
        parser.error(f"--projects must be between {len(years)} and {999 * len(years)} for {len(years)} year(s)")
    generate(args.out, args.projects, years, seed=args.seed)
    print(f"wrote {args.projects} projects over {len(years)} years to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
