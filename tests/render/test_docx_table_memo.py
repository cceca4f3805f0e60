"""附件3's finished tables kept between builds: the same bytes as finishing every table, and less work.

The memo (:mod:`docgen.render.docx_table_memo`) keeps each table as the written part holds it
after finishing; a later render puts it in place of the same rendered table and finishes only
the others. Each test renders the shipped 附件3 with the memo and without it (the cache turned
off) and compares the bytes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.render import docx as docx_renderer
from docgen.render import docx_tables
from docgen.render.context import RenderContext
from docgen.render.docx_table_memo import FinishedTables, top_level_tables
from tests.render.pdf_helpers import REPO, shipped_context

YEAR = 2024
EDITED = "content/projects/2024/finance-culture-research.yaml"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, project / part)
    return project


def _edit_one_value(project: Path) -> None:
    path = project / EDITED
    text = path.read_text(encoding="utf-8")
    edited = text.replace('annual: "80%"', 'annual: "85%"', 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def _finished_tables(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the tables finished (their grids rebuilt) from now on."""
    finished: list[int] = []
    rebuild = docx_tables._rebuild_grid

    def counting(table: object, rows: list[list[object]]) -> None:
        finished.append(len(rows))
        rebuild(table, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(docx_tables, "_rebuild_grid", counting)
    return finished


def _attachment(ctx: RenderContext) -> bytes:
    return docx_renderer.render_targets_attachment(ctx, YEAR)


def _without_memo(monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes]) -> bytes:
    with monkeypatch.context() as patch:
        patch.setenv("DOCGEN_CACHE_DIR", "off")
        return make()


def test_kept_tables_give_the_same_bytes_and_are_not_finished_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    ctx = shipped_context()
    finished = _finished_tables(monkeypatch)
    plain = _without_memo(monkeypatch, lambda: _attachment(ctx))
    every_table = len(finished)
    assert every_table >= 5, "附件3 of 2024 holds a table per project"

    finished.clear()
    first = _attachment(ctx)  # nothing kept yet: every table finished, then kept
    assert len(finished) == every_table
    assert list((tmp_path / "cache" / "docx-tables").glob("*.json"))

    finished.clear()
    second = _attachment(ctx)
    assert finished == [], "every table was kept"
    assert first == plain
    assert second == plain


def test_an_edit_finishes_only_the_edited_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    _attachment(shipped_context(project))  # keeps the tables before the edit
    _edit_one_value(project)
    ctx = shipped_context(project)
    plain = _without_memo(monkeypatch, lambda: _attachment(ctx))
    finished = _finished_tables(monkeypatch)

    edited = _attachment(ctx)

    assert edited == plain
    assert len(finished) == 1, "only the edited project's table"


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[:1000],  # a damaged memo: not used
        # a kept table whose prefix the body does not declare: the body is parsed as rendered
        lambda text: text.replace("<w:tr", "<undeclared:tr"),
    ],
    ids=["damaged", "undeclared-prefix"],
)
def test_a_memo_that_cannot_be_used_gives_the_same_bytes(
    damage: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    ctx = shipped_context()
    plain = _without_memo(monkeypatch, lambda: _attachment(ctx))
    _attachment(ctx)
    (memo,) = (tmp_path / "cache" / "docx-tables").glob("*.json")
    memo.write_text(damage(memo.read_text(encoding="utf-8")), encoding="utf-8")
    assert _attachment(ctx) == plain


def test_top_level_tables_are_found_by_their_tags() -> None:
    xml = '<w:body><w:p/><w:tbl><w:tblPr/><w:tc><w:tbl x="1"></w:tbl></w:tc></w:tbl><w:tbl/><w:tbl></w:tbl></w:body>'
    spans = top_level_tables(xml)
    assert [xml[a:b] for a, b in spans] == [
        '<w:tbl><w:tblPr/><w:tc><w:tbl x="1"></w:tbl></w:tc></w:tbl>',
        "<w:tbl/>",
        "<w:tbl></w:tbl>",
    ]
    assert top_level_tables("<w:tbl></w:tbl></w:tbl>") == []
    assert top_level_tables("<w:tbl><w:tbl></w:tbl>") == []


@pytest.mark.parametrize(
    "body",
    [
        "<w:body><!-- <w:tbl> --><w:tbl></w:tbl></w:body>",  # a comment could hide a table tag
        '<w:body><w:tbl><wp:docPr id="1"/></w:tbl></w:body>',  # docxtpl numbers drawings across the document
    ],
)
def test_tables_are_not_kept_where_their_text_could_mislead(
    body: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    memo = FinishedTables("a document")
    assert memo.substitute(body) == (body, [])
    memo.learn(body.encode())
    memo.save()
    again = FinishedTables("a document")
    assert again.substitute(body) == (body, [])
