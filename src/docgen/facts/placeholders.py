"""Figures named in prose: ``${fund.execution_rate}`` → ``99.41%``.

Narratives are untrusted content, so they are never template code: this module only
replaces ``${name}`` with the formatted value of a computed fact. There is no expression,
no attribute access and no call; an unknown name is reported (by ``check``) and left as
written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from docgen.facts import format as fmt
from docgen.facts.derive import YearFacts

PLACEHOLDER = re.compile(r"\$\{([^{}\s]{1,120})\}")


def fact_table(facts: YearFacts) -> dict[str, str]:
    """Every fact a narrative of this year may name, formatted for running text."""
    table: dict[str, str] = {
        "fund.year": str(facts.year),
        "fund.budget": fmt.money_text(facts.budget),
        "fund.requested": fmt.money_text(facts.requested),
        "fund.allocated": fmt.money_text(facts.allocated),
        "fund.recovered": fmt.money_text(facts.recovered),
        "fund.net": fmt.money_text(facts.net),
        "fund.spent": fmt.money_text(facts.spent),
        "fund.execution_rate": fmt.percent(facts.execution_rate),
        "fund.project_count": fmt.count(facts.project_count),
        "fund.provincial_count": fmt.count(len(facts.provincial)),
        "fund.provincial_amount": fmt.money_text(facts.provincial_amount),
        "fund.municipal_count": fmt.count(len(facts.municipal)),
        "fund.municipal_amount": fmt.money_text(facts.municipal_amount),
        "evaluation.score": fmt.score_text(facts.score),
        "evaluation.grade": facts.grade or "—",
    }
    for direction in facts.directions:
        prefix = f"direction.{direction.id}"
        table[f"{prefix}.name"] = direction.name
        table[f"{prefix}.count"] = fmt.count(direction.count)
        table[f"{prefix}.amount"] = fmt.money_text(direction.amount)
        table[f"{prefix}.share"] = fmt.percent(direction.share)
    for section in facts.sections:
        prefix = f"section.{section.key.value}"
        table[f"{prefix}.name"] = section.name
        table[f"{prefix}.max"] = fmt.score_text(section.max)
        table[f"{prefix}.average"] = fmt.score(section.average)
        table[f"{prefix}.rate"] = fmt.percent(section.rate)
    for level in facts.levels.values():
        table[f"level.{level.name}.points"] = fmt.score_text(level.points)
        table[f"level.{level.name}.score"] = fmt.score_text(level.score)
    for key, result in facts.indicator_scores.items():
        table[f"indicator.{key}.points"] = fmt.score_text(result.points)
        table[f"indicator.{key}.score"] = fmt.score_text(result.score)
    for project in facts.projects:
        prefix = f"project.{project.id}"
        table[f"{prefix}.name"] = project.name
        table[f"{prefix}.allocated"] = fmt.money_text(project.allocated)
        table[f"{prefix}.net"] = fmt.money_text(project.net)
        table[f"{prefix}.spent"] = fmt.money_text(project.spent)
        table[f"{prefix}.execution_rate"] = fmt.percent(project.execution_rate)
        table[f"{prefix}.total"] = fmt.score_text(project.total)
        table[f"{prefix}.grade"] = project.grade or "—"
        if project.recovered:
            table[f"recovery.{project.id}.amount"] = fmt.money_text(project.recovered)
            table[f"recovery.{project.id}.original"] = fmt.money_text(project.allocated)
    return table


@dataclass(frozen=True, slots=True)
class UnknownFact:
    name: str
    line_index: int  # 0-based line inside the text
    col: int  # 1-based column inside that line


def unknown_facts(text: str, table: dict[str, str]) -> Iterator[UnknownFact]:
    """The placeholders in ``text`` that name no fact."""
    for match in PLACEHOLDER.finditer(text):
        if match.group(1) not in table:
            line_index = text.count("\n", 0, match.start())
            col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            yield UnknownFact(match.group(1), line_index, col)


def fill(text: str, table: dict[str, str]) -> str:
    """Replace every known placeholder with its value; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda m: table.get(m.group(1), m.group(0)), text)
