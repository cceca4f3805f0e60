"""Hostile content (tests/site/hostile.py) appears as inert text: nothing from content runs or links out."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from tests.site import hostile
from tests.site.conftest import BuiltSite, WatchedPage
from tests.site.html_tools import parse, references, text

NOTICE_PAGE = f"notices/{hostile.NOTICE_SLUG}.html"
PROJECT_PAGE = f"years/{hostile.PROJECT[1]}/projects/{hostile.PROJECT[2]}.html"
OWN_SCRIPT = re.compile(r"^(/|(\.\./)*)assets/(site|search)\.js$")


def test_hostile_markup_is_text_on_every_page(hostile_site: BuiltSite) -> None:
    for path in hostile_site.pages():
        page = parse(path)
        rel = path.relative_to(hostile_site.site).as_posix()
        for element in page.iter():
            attributes = getattr(element, "attrib", {})
            assert not [name for name in attributes if name.lower().startswith("on")], rel
        assert not page.xpath("//iframe | //svg[@onload] | //img[@onerror] | //style | //object | //embed"), rel
        for script in page.iter("script"):
            assert OWN_SCRIPT.match(script.get("src") or ""), f"{rel}: {script.get('src')}"
        for _, url in references(page):
            assert not re.match(r"\s*(javascript|data|vbscript):", url, re.I), f"{rel}: {url}"


def test_the_hostile_notice_shows_what_was_written(hostile_site: BuiltSite) -> None:
    page = parse(hostile_site.site / NOTICE_PAGE)
    title = text(page.xpath("//h1")[0])
    assert title == "<script>window.__pwned = 'title'</script>关于<b onmouseover=\"window.__pwned='b'\">测试</b>的通知"
    body = text(page.xpath("//div[@class='article-body']")[0])
    for written in (
        "正文<script>window.__pwned = 'body'</script>与<img src=x onerror=\"window.__pwned='img'\">。",
        "[点击领取](javascript:window.__pwned='link')",
        "<a href=\"javascript:window.__pwned='raw'\" onclick=\"window.__pwned='click'\">原始链接</a>",
        "<style>body { display: none; }</style>",
        "模板：{{ 7*7 }} ${fund.budget}",  # never template code, never a fact
    ):
        assert written in body
    assert "abc[U+202E]def[U+202C]ghi" in body and "[U+2066]隔离[U+2069]" in body  # bidi controls shown, not obeyed
    assert "\u202e" not in (hostile_site.site / NOTICE_PAGE).read_text(encoding="utf-8")
    links = page.xpath("//div[@class='article-body']//a/@href")
    assert links == ["https://example.gov.cn/a?b=1&c=2", "mailto:office@example.gov.cn"]
    [download] = page.xpath("//a[@download and contains(@href, '.docx')]/@download")
    assert "<" not in download and ">" not in download and '"' not in download and "/" not in download
    crumbs = text(page.xpath("//nav[@aria-label='当前位置']")[0])
    assert "<a href=\"javascript:window.__pwned='crumb'\">栏目</a>" in crumbs


def test_the_hostile_project_shows_what_was_written(hostile_site: BuiltSite) -> None:
    page = parse(hostile_site.site / PROJECT_PAGE)
    assert text(page.xpath("//h1")[0]) == hostile.PROJECT_NAME
    body = text(page.xpath("//main")[0])
    assert hostile.APPLICANT in body and hostile.SUMMARY in body
    assert hostile.INDICATOR in text(page.xpath("//table[contains(@class, 'indicators')]")[0])
    year_page = text(parse(hostile_site.site / f"years/{hostile.PROJECT[1]}/index.html").xpath("//main")[0])
    assert hostile.PROJECT_NAME in year_page


def test_the_search_index_holds_the_hostile_text_as_text(hostile_site: BuiltSite) -> None:
    pages = json.loads((hostile_site.site / "search/pages.json").read_text(encoding="utf-8"))["pages"]
    [entry] = [p for p in pages if p["url"] == NOTICE_PAGE]
    assert entry["title"].startswith("<script>window.__pwned = 'title'</script>")
    feed = (hostile_site.site / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in feed and "&lt;script&gt;" in feed


@pytest.mark.slow
def test_no_script_from_content_runs_in_the_browser(watched_page: WatchedPage, hostile_url: str) -> None:
    page = watched_page.page
    for path in (NOTICE_PAGE, PROJECT_PAGE, f"years/{hostile.PROJECT[1]}/index.html", "index.html"):
        page.goto(hostile_url + path)
        page.wait_for_load_state("networkidle")
        for element in page.locator("a, button, b, span, td, th, h1, p").all()[:200]:
            element.dispatch_event("mouseover")
        assert page.evaluate("() => typeof window.__pwned") == "undefined", path
        assert page.locator("main").is_visible()  # no <style> from content hid the page
    page.goto(hostile_url + "search.html?q=" + quote("pwned"))
    page.wait_for_selector(".search-result")
    assert page.locator(".search-result-title a").filter(has_text="<script>").count() >= 1
    assert page.locator(".search-result script, .search-result img").count() == 0
    page.locator(".search-result-title a").first.hover()
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert watched_page.problems == []
