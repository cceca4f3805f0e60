"""The diff as a pull-request comment: GitHub-flavoured Markdown, summary first, details folded.

The comment starts with a one-line summary and a table per fund-year, then one collapsible
``<details>`` section per project (or fund-year, notice …) with its changes. GitHub refuses
comments over 65,536 characters, so a long diff is rendered again with less detail
(no text diffs, then one line per project, then the tables alone) until it fits in
:data:`COMMENT_LIMIT`.

Content is untrusted here too: every text from it is escaped for Markdown and HTML, and
``@`` is kept from mentioning anyone, so that a YAML value cannot add markup, links or
notifications to the comment.
"""

from __future__ import annotations

import html
import re
from enum import IntEnum

from docgen.diff import describe
from docgen.diff.model import Change, Comparison, DiffResult, TextEdit
from docgen.diff.text import shorten_equal
from docgen.facts import format as fmt

COMMENT_LIMIT = 65_000
"""The longest comment rendered (GitHub's limit is 65,536 characters)."""

LIST_LIMIT = 40
"""Projects listed by name per list in the shortest forms."""

OPEN_BELOW = 12
"""Sections start open when the whole diff has fewer changes than this."""


class Detail(IntEnum):
    """How much a rendering shows; each level is shorter than the one before."""

    FULL = 0  # every change with its text diff
    COMPACT = 1  # every change on one line, no text diff
    PROJECTS = 2  # one line per project
    TABLES = 3  # the summary tables only


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
"""What can start markup inside a line (the text never starts a line: it follows a label or a cell
border). Emphasis, code, links, raw HTML, tables and strikethrough are escaped; ``&`` becomes
``&amp;``, so no entity can be spelled out either."""
_ZERO_WIDTH_SPACE = "\u200b"


def md(text: str) -> str:
    """Content text made inert in Markdown: punctuation escaped, HTML entities, no mentions, no line breaks."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    escaped = escaped.replace("@", "@" + _ZERO_WIDTH_SPACE)
    return escaped.replace("\r", "").replace("\n", "<br>")


def md_html(text: str) -> str:
    """Content text inside an HTML block (``<summary>``): HTML-escaped, no mentions."""
    return html.escape(text).replace("@", "@" + _ZERO_WIDTH_SPACE).replace("\n", " ")


def code(text: str) -> str:
    """A path or id as inline code (escaped text when it holds a backtick)."""
    return f"`{text}`" if "`" not in text and "\n" not in text else md(text)


def diff_markdown(edits: tuple[TextEdit, ...], context: int | None = describe.DIFF_CONTEXT) -> str:
    """A character diff as Markdown with ``<del>``/``<ins>`` (GitHub shows them struck and underlined)."""
    parts = []
    for index, edit in enumerate(edits):
        if edit.op == "delete":
            parts.append(f"<del>{md(edit.text)}</del>")
        elif edit.op == "insert":
            parts.append(f"<ins>{md(edit.text)}</ins>")
        else:
            shown = shorten_equal(edit.text, context, first=index == 0, last=index == len(edits) - 1)
            parts.append(md(shown))
    return "".join(parts)


def render_markdown(result: DiffResult, limit: int = COMMENT_LIMIT) -> str:
    """The diff as a Markdown comment of at most ``limit`` characters."""
    text = ""
    for level in Detail:
        text = _render(result, level)
        if len(text) <= limit:
            return text
    note = "\n\n…（已截断：差异过多，请在本地运行 `docgen diff` 查看全部）\n"
    return text[: limit - len(note)] + note


MARKER = "<!-- docgen-diff -->"
"""The comment's first line: CI jobs find their previous comment by it, to update it (docs/ci/)."""


def _render(result: DiffResult, level: Detail) -> str:
    lines = [MARKER, f"### docgen diff：{md(describe.result_title(result))}", ""]
    lines.append(f"**{md(describe.summary_text(result))}**")
    if level > Detail.FULL:
        lines += ["", "> 差异较多，以下为简化显示；完整内容请运行 `docgen diff --format json`。"]
    if result.comparisons:
        lines += ["", *_summary_table(result)]
    open_sections = result.difference_count < OPEN_BELOW
    for comparison in result.comparisons:
        lines += ["", f"#### {md(comparison.title)}", "", md(describe.counts_text(comparison) + "；")]
        lines.append(md(describe.totals_text(comparison) + "。"))
        if level >= Detail.TABLES:
            continue
        lines += _projects_added_removed(comparison, level)
        lines += _sections(comparison, comparison.changes, level, open_sections)
    if result.changes and level < Detail.TABLES:
        lines += ["", "#### 其他变化"]
        lines += _sections(None, result.changes, level, open_sections)
    elif result.changes:
        lines += ["", f"其他变化 {len(result.changes)} 处（通知、配置、其他文件）。"]
    return "\n".join(lines).rstrip() + "\n"


def _summary_table(result: DiffResult) -> list[str]:
    rows = ["| 年度 | 项目数 | 金额合计（万元） | 新增 | 结束/删除 | 有变化 | 变化 |", "|---|---|---|---|---|---|---|"]
    for comparison in result.comparisons:
        totals = comparison.totals
        amount = f"{fmt.money_text(totals.old_amount)} → {fmt.money_text(totals.new_amount)}"
        if totals.amount.delta:
            amount += f"（{describe.delta_text(totals.amount)}）"
        cells = [
            comparison.title,
            f"{totals.old_projects} → {totals.new_projects}",
            amount,
            str(len(comparison.added)),
            str(len(comparison.removed)),
            str(len(comparison.changed_projects)),
            str(len(comparison.changes)),
        ]
        rows.append("| " + " | ".join(md(c) for c in cells) + " |")
    return rows


def _projects_added_removed(comparison: Comparison, level: Detail) -> list[str]:
    lines: list[str] = []
    for title, entries in (("新增项目", comparison.added), ("结束/删除项目", comparison.removed)):
        if not entries:
            continue
        lines += ["", f"**{title}**", ""]
        shown = entries if level < Detail.PROJECTS else entries[:LIST_LIMIT]
        for entry in shown:
            if level == Detail.FULL:
                lines.append(f"- {md(describe.entry_text(entry))} {code(entry.id)} · {code(str(entry.at))}")
            else:
                lines.append(f"- {md(describe.entry_text(entry))} {code(entry.id)}")
        if len(shown) < len(entries):
            lines.append(f"- … 另有 {len(entries) - len(shown)} 个")
    if comparison.old_year != comparison.new_year and comparison.continued:
        changed = set(comparison.changed_projects)  # a property: computed once, not once a project
        unchanged = [p for p in comparison.continued if p not in changed]
        if unchanged:
            names = "、".join(comparison.name_of(p) for p in unchanged[:LIST_LIMIT])
            more = f" 等 {len(unchanged)} 个" if len(unchanged) > LIST_LIMIT else ""
            lines += ["", f"**延续项目（未变化）**：{md(names)}{more}"]
    return lines


def _sections(comparison: Comparison | None, changes: tuple[Change, ...], level: Detail, open_: bool) -> list[str]:
    lines: list[str] = []
    for group in describe.groups(comparison, changes):
        count = f"{len(group.changes)} 处变化"
        if level >= Detail.PROJECTS:
            key = f" {code(group.key)}" if group.key else ""
            lines += ["", f"- **{md(group.title)}**{key} — {count} · {code(str(group.location))}"]
            continue
        key = f" <code>{md_html(group.key)}</code>" if group.key else ""
        lines += [
            "",
            f"<details{' open' if open_ else ''}><summary><b>{md_html(group.title)}</b>{key} — {count}</summary>",
            "",
        ]
        for change in group.changes:
            lines += _change(change, level)
        lines += ["", "</details>"]
    return lines


def _change(change: Change, level: Detail) -> list[str]:
    where = code(str(change.location))
    head = f"- **{md(change.label)}**：{md(describe.headline(change))} · {where}"
    detail_lines = describe.details(change)
    if level == Detail.COMPACT:
        return [head + (f"；{md(detail_lines[0])}" if detail_lines else "")]
    lines = [head]
    lines += [f"  - {md(line)}" for line in detail_lines]
    value = describe.value_text(change)
    if value is not None:
        lines.append(f"  - {'新' if change.old is None else '原'}：{md(_shorten(value))}")
    elif change.amount is None and describe.is_rewrite(change):
        lines.append(f"  - 原：<del>{md(_shorten(change.old or ''))}</del>")
        lines.append(f"  - 新：<ins>{md(_shorten(change.new or ''))}</ins>")
    elif change.amount is None and describe.has_text_diff(change):
        lines.append(f"  - {diff_markdown(change.text)}")
    return lines


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
