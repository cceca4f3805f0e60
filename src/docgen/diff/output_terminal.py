"""The diff in a terminal: coloured, aligned, readable at a glance (rich).

Each fund-year compared gets a heading with its totals, then the projects that start and
end, then one block per project (or fund-year, notice …): each change on a row with its
label, what happened, the figures, and ``path:line``, columns aligned; text diffs follow
indented, deletions red and struck, insertions green. Colour follows the terminal (none
when piped or with NO_COLOR). Content is never read as rich markup: every text from it
goes into :class:`rich.text.Text` objects, never into markup strings.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from docgen.diff import describe
from docgen.diff.model import Change, Comparison, DiffResult, TextEdit
from docgen.diff.text import inline_diff, shorten_equal

MAX_LABEL = 48
"""The widest label column (longer labels wrap)."""

WIDE = 140
"""From this width on, locations stand in a column of their own; below it, under each change."""

STYLES = {
    "added": "green",
    "removed": "red",
    "changed": "yellow",
    "tightened": "magenta",
    "loosened": "cyan",
    "location": "dim",
    "heading": "bold",
    "delete": "red strike",
    "insert": "green underline",
}

MARKS = {"added": "+", "removed": "−", "changed": "~"}


def diff_text(edits: tuple[TextEdit, ...], context: int | None = describe.DIFF_CONTEXT) -> Text:
    """A character diff as styled text (deleted red and struck, inserted green)."""
    text = Text()
    for index, edit in enumerate(edits):
        if edit.op == "delete":
            text.append(edit.text, STYLES["delete"])
        elif edit.op == "insert":
            text.append(edit.text, STYLES["insert"])
        else:
            text.append(shorten_equal(edit.text, context, first=index == 0, last=index == len(edits) - 1))
    return text


def render_terminal(result: DiffResult, console: Console) -> None:
    """Print the diff (without colour, text diffs read 【-deleted-】【+inserted+】)."""
    plain = console.color_system is None
    wide = console.width >= WIDE
    console.print(Text.assemble(("docgen diff  ", "bold"), (describe.result_title(result), "bold")))
    console.print(Text(describe.summary_text(result)))
    for comparison in result.comparisons:
        console.print()
        console.print(_comparison_heading(comparison))
        for renderable in _entries(comparison, wide):
            console.print(renderable)
        for renderable in _sections(comparison, comparison.changes, plain, wide):
            console.print(renderable)
    if result.changes:
        console.print()
        console.print(Text("其他变化", STYLES["heading"]))
        for renderable in _sections(None, result.changes, plain, wide):
            console.print(renderable)


def _comparison_heading(comparison: Comparison) -> RenderableType:
    return Group(
        Text(comparison.title, "bold underline"),
        Text(describe.totals_text(comparison)),
        Text(describe.counts_text(comparison)),
    )


def _entries(comparison: Comparison, wide: bool) -> list[RenderableType]:
    renderables: list[RenderableType] = []
    for state, title, entries in (
        ("added", "新增项目", comparison.added),
        ("removed", "结束/删除项目", comparison.removed),
    ):
        if not entries:
            continue
        renderables += [Text(""), Text(title, STYLES["heading"])]
        for entry in entries:
            name = Text(describe.entry_text(entry), STYLES[state])
            where = Text(f"{entry.id}  {entry.at}", STYLES["location"])
            line = Table.grid(padding=(0, 1))
            line.add_column(no_wrap=True)
            line.add_column(overflow="fold")
            if wide:
                line.add_row(Text(MARKS[state], STYLES[state]), name + Text("  ") + where)
            else:  # the id and the file under the name, so that a narrow terminal keeps them apart
                line.add_row(Text(MARKS[state], STYLES[state]), name)
                line.add_row("", where)
            renderables.append(Padding(line, (0, 0, 0, 2)))
    if comparison.old_year != comparison.new_year:
        changed = set(comparison.changed_projects)  # a property: computed once, not once a project
        unchanged = [p for p in comparison.continued if p not in changed]
        if unchanged:
            names = "、".join(comparison.name_of(p) for p in unchanged)
            renderables += [Text(""), Text.assemble(("延续项目（未变化）：", STYLES["heading"]), names)]
    return renderables


def _sections(
    comparison: Comparison | None, changes: tuple[Change, ...], plain: bool, wide: bool
) -> list[RenderableType]:
    renderables: list[RenderableType] = []
    for group in describe.groups(comparison, changes):
        title = Text.assemble((group.title, STYLES["heading"]))
        if group.key:
            title.append(f"  {group.key}", STYLES["location"])
        title.append(f"  {len(group.changes)} 处变化")
        renderables += [Text(""), title]
        widths = (
            min(max(cell_len(c.label) for c in group.changes), MAX_LABEL),
            max(cell_len(describe.headline(c)) for c in group.changes),
        )
        for change in group.changes:
            renderables.append(Padding(_change(change, plain, wide, widths), (0, 0, 0, 2)))
    return renderables


def _change(change: Change, plain: bool, wide: bool, widths: tuple[int, int]) -> RenderableType:
    """One change: a row (label, what happened, where) aligned with the others of its group,
    then its figures and its text diff, indented."""
    state = describe.state(change)
    verdict_style = STYLES.get(change.verdict.value, STYLES[state]) if change.verdict else STYLES[state]
    location = Text(str(change.location), STYLES["location"])
    row = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1), expand=False)
    row.add_column(no_wrap=True)  # + − ~
    row.add_column(width=widths[0], overflow="fold")  # what changed
    row.add_column(width=widths[1], no_wrap=True)  # how
    cells = [Text(MARKS[state], STYLES[state]), Text(change.label), Text(describe.headline(change), verdict_style)]
    if wide:
        row.add_column(no_wrap=True)  # where
        cells.append(location)
    row.add_row(*cells)
    lines: list[RenderableType] = [row]
    if not wide:
        lines.append(location)
    lines += [Text(line) for line in describe.details(change)]
    value = describe.value_text(change)
    if value is not None:
        lines.append(Text(_shorten(value), STYLES[state]))
    elif change.amount is None and describe.is_rewrite(change):
        lines.append(Text.assemble("原：", (_shorten(change.old or ""), STYLES["delete"] if not plain else "")))
        lines.append(Text.assemble("新：", (_shorten(change.new or ""), STYLES["insert"] if not plain else "")))
    elif change.amount is None and describe.has_text_diff(change):
        lines.append(Text(inline_diff(change.text, describe.DIFF_CONTEXT)) if plain else diff_text(change.text))
    return Group(lines[0], *(Padding(line, (0, 0, 0, 5)) for line in lines[1:]))


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split("\n"))
    return text if len(text) <= limit else text[:limit] + "…"
