"""The content model: one pydantic model per kind of content file.

Keys are English (code's vocabulary); each field's ``title`` is the bureau's Chinese term,
which the generated JSON Schema shows in editors. Models are frozen and forbid unknown keys.
Nothing here is computed: derived figures live in :mod:`docgen.facts`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict

MAX_MONEY_DECIMALS = 6
MAX_MONEY = Decimal(10) ** 9  # 万元: a trillion yuan is far beyond any fund; bounds formatting work
MAX_POINTS = Decimal(1000)
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"


def _exact_money(value: Any) -> Any:
    """Money (金额, 万元) is an exact decimal written as a YAML number: never a float, string or bool."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("money must be a number in 万元 written with its exact decimals, e.g. 1361.468")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError("money must be a finite number")
    if amount < 0:
        raise ValueError(f"money cannot be negative ({amount})")
    if amount > MAX_MONEY:
        raise ValueError(f"money above {MAX_MONEY:,} 万元 is not plausible")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_MONEY_DECIMALS:
        raise ValueError(f"money has more than {MAX_MONEY_DECIMALS} decimals ({amount})")
    return amount


def _exact_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("must be a number, e.g. 19.5")
    number = Decimal(value)
    if not number.is_finite() or number < 0 or number > MAX_POINTS:
        raise ValueError(f"must be a number from 0 to {MAX_POINTS} ({value})")
    return number


def _no_outer_blank(value: str) -> str:
    return value.strip("\n") if value.endswith("\n") else value


Money = Annotated[Decimal, BeforeValidator(_exact_money)]
Points = Annotated[Decimal, BeforeValidator(_exact_number)]
# Text is a YAML string, never a number, bool or null (checked in pydantic-core: ~48,000 values at
# 1,000 projects). The loader words the error (docgen.source.load: "must be text: quote it").
Text = Annotated[str, Strict(), AfterValidator(_no_outer_blank)]
TargetText = Annotated[
    str,
    Strict(),
    AfterValidator(_no_outer_blank),
    Field(description="A target value as the bureau writes it (≥495家次, 不低于90%, 按月发放, /); quoted."),
]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Year = Annotated[int, Strict(), Field(ge=2000, le=2100)]
Seq = Annotated[int, Strict(), Field(ge=1, le=999)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------- site


class Site(Model):
    """The publisher and the fund (主办单位与专项资金), from content/site.yaml."""

    publisher: Text = Field(title="主办单位")
    publisher_short: Text | None = Field(None, title="主办单位简称")
    former_names: list[Text] = Field(default_factory=list, title="曾用名")
    address: Text | None = Field(None, title="地址")
    police_record: Text | None = Field(None, title="公安机关备案号")
    site_code: Text | None = Field(None, title="网站标识码")
    icp: Text | None = Field(None, title="ICP备案号")
    base_url: Annotated[str, Field(pattern=r"^https?://[^\s<>\"']+/$")] = Field(
        title="网站地址", description="The site's canonical base URL, ending with /."
    )
    fund_name: Text = Field(title="专项资金名称")
    site_name: Text | None = Field(None, title="网站名称")


# ---------------------------------------------------------------------------- projects


class Approval(StrEnum):
    """审批权限: kept at provincial level or delegated to the city (保留省级审批 / 下放市县)."""

    PROVINCIAL = "省级"
    MUNICIPAL = "地市"


class GoalTable(Model):
    """A small table inside a goal (阶段目标 by quarter, 2021)."""

    columns: list[Text] = Field(title="表头", min_length=1)
    rows: list[list[Text]] = Field(title="行")


class Goal(Model):
    """One goal row of the 绩效目标表 header (年度目标 / 阶段目标 / 实施周期目标)."""

    title: Text | None = Field(None, title="标题", description="Overrides 年度目标 / 阶段目标 / 实施周期目标.")
    label: Text | None = Field(None, title="时限", description="Shown in brackets: 阶段目标（6月底前）.")
    column_label: Text | None = Field(None, title="表头时限", description="Shown in the table heading: （2024年）.")
    text: Text | None = Field(None, title="目标内容")
    table: GoalTable | None = Field(None, title="目标表格")


PERIODS: tuple[str, ...] = ("stage", "annual", "cycle")
PERIOD_TITLES: dict[str, str] = {"stage": "阶段目标", "annual": "年度目标", "cycle": "实施周期目标"}


class Goals(Model):
    """The project's goals (绩效目标): 年度目标, 阶段目标, 实施周期目标."""

    cycle: Goal | None = Field(None, title="实施周期目标")
    annual: Goal | None = Field(None, title="年度目标")
    stage: Goal | None = Field(None, title="阶段目标")

    def periods(self) -> list[str]:
        """The value columns of the indicator table, in document order (阶段, 年度, 实施周期)."""
        return [p for p in PERIODS if getattr(self, p) is not None]


class Indicator(Model):
    """A 三级指标 (指标内容及口径) with its target value for each period."""

    name: Text | None = Field(None, title="三级指标（指标内容及口径）")
    measure: Text | None = Field(None, title="指标口径（细项）")
    key: Id | None = Field(None, title="指标标识", description="A stable key to match the indicator across years.")
    stage: TargetText | None = Field(None, title="阶段目标值")
    annual: TargetText | None = Field(None, title="年度目标值")
    cycle: TargetText | None = Field(None, title="实施周期目标值")

    def value(self, period: str) -> str | None:
        value: str | None = getattr(self, period)
        return value


class IndicatorGroup(Model):
    """A 二级指标 and its 三级 indicators."""

    level2: Text = Field(title="二级指标")
    items: list[Indicator] = Field(default_factory=list, title="三级指标")


class IndicatorCategory(Model):
    """A 一级指标 and its 二级 groups."""

    level1: Text = Field(title="一级指标")
    groups: list[IndicatorGroup] = Field(default_factory=list, title="二级指标")


class TableHeaders(Model):
    """Column headings of the 绩效目标表 where the document words them differently."""

    target: Text | None = Field(None, title="“目标”列")
    indicator: Text | None = Field(None, title="“指标内容及口径”列")
    stage: Text | None = Field(None, title="“阶段目标”列")
    annual: Text | None = Field(None, title="“年度目标”列")
    cycle: Text | None = Field(None, title="“实施周期目标”列")


class TargetTable(Model):
    """How this project's 绩效目标表 is headed where it differs from the defaults."""

    title: Text | None = Field(None, title="目标表标题")
    applicant: Text | None = Field(None, title="目标表申报单位")
    amount_label: Text | None = Field(None, title="金额栏名称", description="分配金额 / 支持金额 / 金额")
    headers: TableHeaders | None = Field(None, title="列标题")


class Project(Model):
    """One project in one year (项目), from content/projects/<year>/<id>.yaml."""

    id: Id = Field(title="项目标识", description="Stable across years: the same project keeps its id.")
    year: Year = Field(title="年度")
    seq: Seq = Field(title="序号")
    name: Text | None = Field(None, title="项目名称")
    applicant: Text | None = Field(None, title="申报单位")
    implementers: list[Text] = Field(default_factory=list, title="实施单位")
    requested: Money | None = Field(None, title="申报金额（万元）")
    allocated: Money | None = Field(None, title="分配金额（万元）")
    approval: Approval | None = Field(None, title="审批权限")
    direction: Id | None = Field(None, title="资金使用方向")
    note: Text | None = Field(None, title="备注")
    summary: Text | None = Field(None, title="项目简介")
    target_table: TargetTable | None = Field(None, title="目标表格式")
    goals: Goals = Field(default_factory=Goals, title="绩效目标")
    indicators: list[IndicatorCategory] = Field(default_factory=list, title="绩效指标")

    @property
    def display_name(self) -> str:
        return (
            self.name
            or (self.target_table.title if self.target_table and self.target_table.title else None)
            or (f"{self.applicant}项目" if self.applicant else self.id)
        )


# ---------------------------------------------------------------------------- funds


class Direction(Model):
    """A 资金使用方向 of the fund-year."""

    id: Id = Field(title="方向标识")
    name: Text = Field(title="资金使用方向")


class Catalog(Model):
    """The fund's row in the 省级财政专项资金目录清单 (附件1); its amounts are computed."""

    fund_name: Text = Field(title="专项资金名称（战略领域名称）")
    fiscal_authority: Text | None = Field(None, title="财政事权")
    policy_task: Text | None = Field(None, title="政策任务")
    main_uses: Text | None = Field(None, title="主要用途")
    main_targets: Text | None = Field(None, title="主要绩效目标")
    note: Text | None = Field(None, title="备注")


class Recovery(Model):
    """Funds taken back during the year (收回)."""

    project: Id = Field(title="项目")
    amount: Money = Field(title="收回金额（万元）")
    date: Annotated[str, BeforeValidator(lambda v: v.isoformat()[:7] if isinstance(v, dt.date) else v)] = Field(
        title="收回时间", pattern=r"^\d{4}-\d{2}(-\d{2})?$"
    )
    reason: Text | None = Field(None, title="收回原因")


class Fund(Model):
    """One fund-year (专项资金年度安排), from content/funds/<year>.yaml."""

    year: Year = Field(title="年度")
    hierarchy: Literal["legacy", "current"] = Field(
        "current", title="指标体系", description="legacy: 成本 under 产出; current: 财预〔2021〕101号 (成本指标 一级)."
    )
    budget: Money | None = Field(None, title="资金额度（预算金额，万元）")
    department: Text | None = Field(None, title="主管部门")
    directions: list[Direction] = Field(default_factory=list, title="资金使用方向")
    uses: Text | None = Field(None, title="主要用途")
    goals: Text | None = Field(None, title="专项资金绩效目标")
    catalog: Catalog | None = Field(None, title="目录清单")
    recoveries: list[Recovery] = Field(default_factory=list, title="收回资金")
    targets_note: Text | None = Field(None, title="绩效目标表注")


# ---------------------------------------------------------------------------- evaluations


class SectionKey(StrEnum):
    """The 一级 sections of a project evaluation: 投入/决策, 过程, 产出, 效益."""

    INPUT = "input"
    DECISION = "decision"
    PROCESS = "process"
    OUTPUT = "output"
    OUTCOME = "outcome"


class Execution(Model):
    """预算执行: what was spent; the budget is the net allocation, computed."""

    spent: Money = Field(title="支出金额（万元）")
    note: Text | None = Field(None, title="备注")


class IndicatorResult(Model):
    """The actual value (实际完成值) of one of the project's indicators."""

    indicator: Text = Field(title="指标", description="level2/name of the indicator, or its key.")
    period: Literal["stage", "annual", "cycle"] = Field("annual", title="对应目标期")
    actual: TargetText = Field(title="实际完成值")
    note: Text | None = Field(None, title="说明")


class ProjectEvaluation(Model):
    """The evaluation of one project (项目绩效评价), from content/evaluations/<year>/<id>.yaml."""

    project: Id = Field(title="项目")
    year: Year = Field(title="年度")
    seq: Seq | None = Field(None, title="序号")
    scores: dict[SectionKey, Points] = Field(default_factory=dict, title="各部分得分")
    execution: Execution | None = Field(None, title="预算执行")
    results: list[IndicatorResult] = Field(default_factory=list, title="指标完成情况")


class SectionDetail(Model):
    """A second-level item of an evaluation section with the evaluators' average."""

    name: Text = Field(title="二级指标")
    max: Points = Field(title="分值")
    average: Points = Field(title="平均得分")
    text: Text | None = Field(None, title="分析")


class Section(Model):
    """An evaluation section (投入/过程/产出/效益) with its maximum points."""

    key: SectionKey = Field(title="标识")
    name: Text = Field(title="名称")
    max: Points = Field(title="分值")
    text: Text | None = Field(None, title="分析")
    details: list[SectionDetail] = Field(default_factory=list, title="二级指标")


class Override(Model):
    """An evaluator's score that replaces the computed one, with the reason documents show."""

    score: Points = Field(title="得分")
    reason: Text = Field(title="理由", min_length=2)


class ScoringMethod(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    EXECUTION_RATE = "execution_rate"


class FundIndicator(Model):
    """A row of the fund-level indicator table (表3-3 with 分值 and 得分)."""

    key: Id = Field(title="指标标识")
    level1: Text = Field(title="一级指标")
    level2: Text = Field(title="指标类型（二级指标）")
    name: Text = Field(title="指标名称")
    analysis_name: Text | None = Field(None, title="分析中的指标名称")
    project: Id | None = Field(None, title="对应项目")
    method: ScoringMethod = Field(ScoringMethod.QUANTITATIVE, title="计分方法")
    target: TargetText | None = Field(None, title="预期值")
    actual: TargetText | None = Field(None, title="实际完成值（数值）")
    result: Text | None = Field(None, title="实际完成值")
    points: Points = Field(title="分值")
    override: Override | None = Field(None, title="人工评分")
    analysis: Text | None = Field(None, title="分析")
    explanation: Text | None = Field(
        None, title="偏差说明", description="Why an actual value far beyond target is right."
    )


NARRATIVE_SLOTS: tuple[str, ...] = (
    "overview",
    "arrangement",
    "directions",
    "goals",
    "analysis",
    "conclusion",
    "evaluation",
    "indicator_analysis",
    "execution",
    "completion",
    "uses",
    "problems",
    "improvements",
)


class Narrative(Model):
    """The report's prose, in Markdown, with figures named as ${fact}."""

    overview: Text | None = Field(None, title="一、基本情况（导语）")
    arrangement: Text | None = Field(None, title="（一）专项资金安排的基本情况")
    directions: Text | None = Field(None, title="资金支持方向")
    goals: Text | None = Field(None, title="（二）专项资金绩效目标")
    analysis: Text | None = Field(None, title="二、各二级项目绩效指标完成情况分析（导语）")
    conclusion: Text | None = Field(None, title="综合评价结论")
    evaluation: Text | None = Field(None, title="三、（一）评价结论")
    indicator_analysis: Text | None = Field(None, title="（二）绩效指标分析（导语）")
    execution: Text | None = Field(None, title="专项资金支出情况")
    completion: Text | None = Field(None, title="专项资金完成绩效目标情况")
    uses: Text | None = Field(None, title="专项资金分用途使用绩效")
    problems: Text | None = Field(None, title="专项资金使用绩效存在的问题")
    improvements: Text | None = Field(None, title="四、改进意见")


class FundEvaluation(Model):
    """The fund-level evaluation of a year (专项资金绩效评价), content/evaluations/<year>/_fund.yaml."""

    year: Year = Field(title="年度")
    title: Text = Field(title="报告标题")
    sections: list[Section] = Field(default_factory=list, title="评价部分")
    indicators: list[FundIndicator] = Field(default_factory=list, title="专项资金绩效指标")
    level_texts: dict[str, Text] = Field(default_factory=dict, title="各级指标导语")
    narrative: Narrative = Field(default_factory=Narrative, title="报告正文")


# ---------------------------------------------------------------------------- notices


class AttachmentRef(Model):
    """A notice attachment: a generated document (ref) or a file in content/files/."""

    title: Text = Field(title="附件名称")
    ref: Annotated[str, Field(pattern=r"^(catalog|allocation|targets|report|bundle)/\d{4}(/[a-z0-9-]+)?$")] | None = (
        Field(None, title="生成文档", description="catalog/2022, allocation/2022, targets/2022, report/2023")
    )


class NoticeMeta(Model):
    """The front matter of a notice (通知)."""

    title: Text = Field(title="标题")
    date: dt.date = Field(title="发布日期")
    time: Annotated[str, Field(pattern=r"^\d{2}:\d{2}$")] | None = Field(None, title="发布时间")
    source: Text | None = Field(None, title="来源")
    signer: Text | None = Field(None, title="署名")
    signed: dt.date | None = Field(None, title="成文日期")
    recipients: list[Text] = Field(default_factory=list, title="主送机关")
    breadcrumb: list[Text] = Field(default_factory=list, title="栏目")
    attachments: list[AttachmentRef] = Field(default_factory=list, title="附件")
    year: Year | None = Field(None, title="所属年度")


# ---------------------------------------------------------------------------- configuration


class HierarchyLevel2(Model):
    """A standard 二级指标 and the names the bureau writes for it."""

    name: Text
    aliases: list[Text] = Field(default_factory=list)


class HierarchyLevel1(Model):
    """A standard 一级指标, its accepted names and its 二级指标."""

    name: Text
    aliases: list[Text] = Field(default_factory=list)
    children: list[HierarchyLevel2]


class HierarchyConfig(Model):
    """The indicator hierarchies (指标体系): current (财预〔2021〕101号) and legacy (成本 under 产出)."""

    current: list[HierarchyLevel1]
    legacy: list[HierarchyLevel1]


class GradeBand(Model):
    name: Text
    min: Points


class OverAchievement(Model):
    """目标值设置偏低: an actual value at or above ratio × target loses a share of the points."""

    ratio: Points = Field(description="Deduct when actual ÷ target reaches this ratio.")
    deduction: Points = Field(description="Share of the points deducted, 0 to 1.")
    warn_ratio: Points | None = Field(None, description="Warn (without deducting) from this ratio.")


class ScoringPolicy(Model):
    """Grades and scoring rules (评分规则): configuration, not code."""

    grades: list[GradeBand]
    over_achievement: OverAchievement
    score_decimals: int = 2


def json_schema_title(model: type[BaseModel]) -> str:
    return re.sub(r"\s+", " ", (model.__doc__ or model.__name__).strip().splitlines()[0])
