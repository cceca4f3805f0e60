"""The built website read back: every page there, figures from the facts, merged cells as in Word,
downloads that are the built documents, feed and sitemap, no inline script or style anywhere."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
from docx.oxml.ns import qn

from docgen.facts import format as fmt
from docgen.render.context import RenderContext
from docgen.render.indicator_table import build_table
from docgen.render.site import CONTENT_SECURITY_POLICY, render_page
from docgen.render.site_changes import consecutive_years
from docgen.render.site_documents import FILE_TYPES
from tests.site.conftest import BuiltSite
from tests.site.html_tools import grid_merges, parse, text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def expected_pages(built: BuiltSite) -> set[str]:
    content = built.checked.content
    pages = {"index.html", "notices/index.html", "years/index.html", "search.html", "sitemap.html", "404.html"}
    pages |= {f"notices/{notice.slug}.html" for notice in content.notices}
    for year in content.years:
        pages.add(f"years/{year}/index.html")
        pages |= {f"years/{year}/projects/{project.id}.html" for project in content.projects_of(year)}
    pages |= {f"changes/{before}-{after}.html" for before, after in consecutive_years(content)}
    return pages


def test_every_page_is_built(built_site: BuiltSite) -> None:
    built = {path.relative_to(built_site.site).as_posix() for path in built_site.pages()}
    assert built == expected_pages(built_site)
    assert len(built) == 52  # 4 years, 38 project pages, 3 changes pages, 1 notice: the site stays small


def test_every_page_declares_language_policy_and_canonical_url(built_site: BuiltSite) -> None:
    base = built_site.checked.content.site.base_url  # type: ignore[union-attr]
    for path in built_site.pages():
        page = parse(path)
        rel = path.relative_to(built_site.site).as_posix()
        assert page.get("lang") == "zh-CN", rel
        policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        assert policy == [CONTENT_SECURITY_POLICY], rel
        assert "'unsafe-inline'" not in policy[0] and "script-src 'self'" in policy[0]
        canonical = page.xpath("//link[@rel='canonical']/@href")
        assert canonical == [base + rel.removesuffix("index.html")], rel
        assert page.xpath("//meta[@name='viewport']"), rel


def test_no_inline_script_style_event_handler_or_external_resource(built_site: BuiltSite) -> None:
    for path in built_site.pages():
        page = parse(path)
        rel = path.relative_to(built_site.site).as_posix()
        for script in page.iter("script"):
            assert script.get("src") and not (script.text or "").strip(), f"{rel}: inline script"
        assert not list(page.iter("style")), f"{rel}: <style> element"
        for element in page.iter():
            attributes = getattr(element, "attrib", {})
            assert "style" not in attributes, f"{rel}: style attribute on <{element.tag}>"
            handlers = [name for name in attributes if name.lower().startswith("on")]
            assert not handlers, f"{rel}: {handlers} on <{element.tag}>"
        loaded = page.xpath("//script/@src | //img/@src | //link[@rel='stylesheet' or @rel='icon']/@href")
        assert loaded and all(not re.match(r"^[a-z]+:|^//", url) for url in loaded), f"{rel}: {loaded}"


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_indicator_tables_have_the_merged_cells_of_the_word_files(built_site: BuiltSite, year: int) -> None:
    for project in built_site.checked.content.projects_of(year):
        table = build_table(project)
        if not table.rows:
            continue
        page = parse(built_site.site / f"years/{year}/projects/{project.id}.html")
        [html_table] = page.xpath("//table[contains(@class, 'indicators')]")
        html_merges = grid_merges(html_table)
        word_merges = _word_merges(built_site.out / f"{year}/targets/{project.id}.docx", table.indicator_heading)
        assert html_merges == word_merges, project.id
        assert html_merges == set(table.merges()), project.id
        assert len(html_table.xpath("./tbody/tr")) == len(table.rows)


def _word_merges(path: Path, indicator_heading: str) -> set[tuple[int, int, int]]:
    """The vertical merges (grid column, first, last) of the indicator rows of a Word 绩效目标表."""
    [table] = docx.Document(str(path)).tables
    rows = table._tbl.tr_lst
    texts = ["".join(t.text or "" for t in tr.iter(qn("w:t"))) for tr in rows]
    start = next(i for i, row_text in enumerate(texts) if indicator_heading in row_text)
    states: list[dict[int, str]] = []  # per indicator row: grid column → restart | continue | none
    for tr in rows[start + 1 :]:
        col, state = 0, {}
        for tc in tr.tc_lst:
            properties = tc.tcPr
            span = properties.find(qn("w:gridSpan")) if properties is not None else None
            merge = properties.find(qn("w:vMerge")) if properties is not None else None
            if merge is None:
                state[col] = "none"
            else:
                state[col] = "restart" if merge.get(qn("w:val")) == "restart" else "continue"
            col += int(span.get(qn("w:val"))) if span is not None else 1
        states.append(state)
    merges: set[tuple[int, int, int]] = set()
    for col in range(3):
        first: int | None = None
        for row, state in enumerate([*states, {}]):
            if state.get(col) == "continue" and first is not None:
                continue
            if first is not None and row - 1 > first:
                merges.add((col, first, row - 1))
            first = row if state.get(col) == "restart" else None
    return merges


def test_year_page_shows_the_computed_figures(built_site: BuiltSite) -> None:
    facts = built_site.checked.facts[2023]
    page = parse(built_site.site / "years/2023/index.html")
    body = text(page)
    assert fmt.percent(facts.execution_rate) in body
    assert f"{fmt.score(facts.score)}分（{facts.grade}）" in body
    for direction in facts.directions:
        assert f"{fmt.money_text(direction.amount)}（{fmt.percent(direction.share)}）" in body
    rows = [[text(cell) for cell in row.xpath("./th|./td")] for row in page.xpath("//table//tbody/tr[th]")]
    for project in facts.projects:
        assert project.total is not None and project.grade is not None
        scored = [fmt.score(project.total), project.grade]
        assert any(project.name in cells and cells[-2:] == scored for cells in rows), project.name
    totals = [text(row) for row in page.xpath("//tfoot/tr")]
    assert any(fmt.money_table(facts.net) in row and fmt.money_table(facts.spent) in row for row in totals)
    assert any(fmt.money_table(facts.allocated) in row for row in totals)


def test_project_page_links_the_same_project_in_its_other_years(built_site: BuiltSite) -> None:
    history = built_site.checked.content.history("reguarantee-fee-subsidy")
    page = parse(built_site.site / "years/2022/projects/reguarantee-fee-subsidy.html")
    links = page.xpath("//nav[contains(@class, 'year-tabs')]//a/@href")
    expected = [f"../../../years/{p.year}/projects/reguarantee-fee-subsidy.html" for p in history if p.year != 2022]
    assert sorted(links) == sorted(expected) and len(expected) == 3


def test_notice_attachments_are_the_built_documents(built_site: BuiltSite) -> None:
    notice = built_site.checked.content.notices[0]
    page_path = built_site.site / f"notices/{notice.slug}.html"
    page = parse(page_path)
    items = page.xpath("//ol[contains(@class, 'attachment-list')]/li")
    assert len(items) == len(notice.meta.attachments) == 3
    for number, (item, attachment) in enumerate(zip(items, notice.meta.attachments, strict=True), start=1):
        assert text(item).startswith(f"{number}.{attachment.title}")
        links = item.xpath(".//a[@download]")
        assert links, attachment.ref
        for link in links:
            target = (page_path.parent / link.get("href")).resolve()
            built = built_site.out / target.relative_to(built_site.site.resolve() / "files")
            assert target.read_bytes() == built.read_bytes()
            extension = built.suffix.lstrip(".")
            assert link.get("download") == f"附件{number}-{attachment.title}.{extension}"
            assert fmt.file_size(built.stat().st_size) in text(link)
            assert link.get("type") == FILE_TYPES[extension][1]
    first = items[0].xpath(".//a[@download]")[0].get("href")
    assert first == "../files/2022/attachments/attachment-1-catalog.docx"


def test_feed_lists_the_notices(built_site: BuiltSite) -> None:
    base = built_site.checked.content.site.base_url  # type: ignore[union-attr]
    feed = ElementTree.parse(built_site.site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    notices = built_site.checked.content.notices
    assert [e.findtext(f"{ATOM}title") for e in entries] == [n.meta.title for n in notices]
    for entry, notice in zip(entries, notices, strict=True):
        assert entry.find(f"{ATOM}link").get("href") == f"{base}notices/{notice.slug}.html"  # type: ignore[union-attr]
        published = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
        assert published.date() == notice.meta.date and published.utcoffset() == dt.timedelta(hours=8)
        assert "专项资金" in (entry.findtext(f"{ATOM}content") or "")
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_sitemap_lists_every_page_but_the_404(built_site: BuiltSite) -> None:
    base = built_site.checked.content.site.base_url  # type: ignore[union-attr]
    urls = {loc.text for loc in ElementTree.parse(built_site.site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")}
    pages = expected_pages(built_site) - {"404.html"}
    assert urls == {base + page.removesuffix("index.html") for page in pages}
    assert f"Sitemap: {base}sitemap.xml" in (built_site.site / "robots.txt").read_text()


def test_the_404_page_links_from_the_site_root(built_site: BuiltSite) -> None:
    page = parse(built_site.site / "404.html")
    urls = page.xpath("//a/@href | //link/@href | //script/@src")
    local = [url for url in urls if not url.startswith(("http", "#"))]
    assert local and all(url.startswith("/") for url in local)


def test_changes_page_without_docgen_diff_lists_projects_added_removed_continued(
    built_site: BuiltSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    importlib.import_module("docgen.diff")  # imported already, as in a build that rendered other pages first
    monkeypatch.setitem(sys.modules, "docgen.diff", None)  # import docgen.diff now raises ImportError
    checked = built_site.checked
    ctx = RenderContext(built_site.project, checked.content, checked.facts, 0)
    page = render_page(ctx, "changes/2023-2024.html").decode()
    old = {p.id for p in checked.content.projects_of(2023)}
    new = {p.id for p in checked.content.projects_of(2024)}
    assert old & new == {"reguarantee-fee-subsidy"}
    for project in checked.content.projects_of(2024):
        assert f'href="../years/2024/projects/{project.id}.html"' in page
    for project in checked.content.projects_of(2023):
        if project.id not in new:
            assert f'href="../years/2023/projects/{project.id}.html"' in page
    allocated = [checked.content.projects[y]["reguarantee-fee-subsidy"].allocated for y in (2023, 2024)]
    assert allocated[0] is not None and allocated[1] is not None
    assert fmt.signed_delta(allocated[1] - allocated[0]) in page


def test_changes_page_shows_the_semantic_diff(built_site: BuiltSite) -> None:
    page = parse(built_site.site / "changes/2023-2024.html")
    [diff] = page.xpath("//section[@class='diff']")
    assert "收紧" in text(diff)  # ≥135亿元 → ≥160亿元: the diff classifies target changes
