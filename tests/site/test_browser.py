"""The website in Chromium (Playwright driving Debian's /usr/bin/chromium), served as a plain static site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.site.conftest import BuiltSite, WatchedPage

pytestmark = pytest.mark.slow

GUARANTEE_PROJECT = re.compile(r"/years/(\d{4})/projects/reguarantee-fee-subsidy\.html$")


def test_home_to_the_2022_notice_and_download_an_attachment(
    watched_page: WatchedPage, site_url: str, built_site: BuiltSite
) -> None:
    page = watched_page.page
    page.goto(site_url + "index.html")
    notice = built_site.checked.content.notices[0]
    page.get_by_role("link", name=notice.meta.title).first.click()
    page.wait_for_url(re.compile(r"notices/2022-implementation\.html$"))
    assert page.get_by_role("heading", level=1).inner_text() == notice.meta.title
    assert "发布时间：2022-02-22 17:17" in page.locator(".article-meta").inner_text()
    crumbs = page.get_by_role("navigation", name="当前位置").inner_text()
    assert re.sub(r"\s+", "", crumbs) == "您现在所在的位置：首页>政务公开>政府信息五公开>管理公开"

    first = notice.meta.attachments[0]
    with page.expect_download() as download_info:
        page.locator(".attachment-list > li").first.get_by_role("link", name=re.compile("Word")).click()
    download = download_info.value
    assert download.suggested_filename == f"附件1-{first.title}.docx"
    saved = Path(download.path())
    assert saved.read_bytes() == (built_site.out / "2022/attachments/attachment-1-catalog.docx").read_bytes()
    assert saved.read_bytes()[:2] == b"PK"  # a .docx is a zip
    assert watched_page.problems == []


@pytest.mark.parametrize("query", ["再担保", "融资担保"])
def test_search_finds_the_guarantee_projects_of_several_years(
    watched_page: WatchedPage, site_url: str, built_site: BuiltSite, query: str
) -> None:
    page = watched_page.page
    page.goto(site_url + "index.html")
    page.get_by_role("search").first.get_by_role("searchbox").fill(query)
    page.get_by_role("search").first.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.wait_for_selector(".search-result")
    hrefs = page.locator(".search-result-title a").evaluate_all("links => links.map(a => a.href)")
    years = {int(m.group(1)) for href in hrefs if (m := GUARANTEE_PROJECT.search(href))}
    expected = {
        y for y, projects in built_site.checked.content.projects.items() if "reguarantee-fee-subsidy" in projects
    }
    assert years == expected and len(years) == 4, hrefs
    assert page.locator(".search-result mark").count() > 0
    assert all(query in mark for mark in page.locator(".search-result mark").all_inner_texts())
    assert f"结果 {len(hrefs)} 条" in page.locator("#search-status").inner_text()
    page.locator(".search-result-title a").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(site_url + "years/")
    assert watched_page.problems == []


def test_search_filters_by_year_and_direction(watched_page: WatchedPage, site_url: str, built_site: BuiltSite) -> None:
    page = watched_page.page
    page.goto(site_url + "search.html?q=" + quote("项目"))
    page.wait_for_selector(".search-result")
    everything = page.locator(".search-result").count()
    page.get_by_role("group", name="年度").get_by_label(re.compile(r"^2023年")).check()
    fewer = "(n) => { const k = document.querySelectorAll('.search-result').length; return k > 0 && k < n; }"
    page.wait_for_function(fewer, arg=everything)
    kickers = page.locator(".search-result-kicker").all_inner_texts()
    assert kickers and all(k.startswith("2023年") for k in kickers)
    direction = built_site.checked.content.funds[2023].directions[0].name
    [members] = [d.projects for d in built_site.checked.facts[2023].directions if d.name == direction]
    assert len(members) < len(kickers)
    page.get_by_role("group", name="资金使用方向").get_by_label(re.compile(f"^{direction}")).check()
    page.wait_for_function("(n) => document.querySelectorAll('.search-result').length === n", arg=len(members))
    hrefs = page.locator(".search-result-title a").evaluate_all("links => links.map(a => a.href)")
    assert sorted(h.rsplit("/", 1)[-1] for h in hrefs) == sorted(f"{p.id}.html" for p in members)
    assert "%E5%B9%B4%E5%BA%A6=2023" in page.url  # the filters are in the address, to share a search
    assert watched_page.problems == []


def test_font_size_switch_scales_the_page_and_is_remembered(watched_page: WatchedPage, site_url: str) -> None:
    page = watched_page.page
    page.goto(site_url + "notices/2022-implementation.html")
    switch = page.get_by_role("group", name="字体大小")
    root_size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    body_size = "() => parseFloat(getComputedStyle(document.querySelector('.article-body')).fontSize)"
    medium_root, medium_body = page.evaluate(root_size), page.evaluate(body_size)
    switch.get_by_role("button", name="大").click()
    assert page.evaluate(root_size) > medium_root and page.evaluate(body_size) > medium_body
    assert switch.get_by_role("button", name="大").get_attribute("aria-pressed") == "true"
    assert switch.get_by_role("button", name="中").get_attribute("aria-pressed") == "false"
    page.goto(site_url + "years/2023/index.html")  # remembered on the next page
    assert page.evaluate(root_size) > medium_root
    page.get_by_role("group", name="字体大小").get_by_role("button", name="小").click()
    assert page.evaluate(root_size) < medium_root
    page.get_by_role("group", name="字体大小").get_by_role("button", name="中").click()
    assert page.evaluate(root_size) == medium_root
    assert watched_page.problems == []


def test_no_console_error_or_failed_request_on_any_page(
    watched_page: WatchedPage, site_url: str, built_site: BuiltSite
) -> None:
    page = watched_page.page
    for path in built_site.pages():
        rel = path.relative_to(built_site.site).as_posix()
        if rel == "404.html":
            continue
        page.goto(site_url + rel)
        page.wait_for_load_state("networkidle")
    page.goto(site_url + "search.html?q=" + quote("绩效目标"))
    page.wait_for_selector(".search-result")
    assert watched_page.problems == []


def test_pages_fit_a_phone_and_wide_tables_scroll_inside_the_page(watched_page: WatchedPage, site_url: str) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("index.html", "notices/2022-implementation.html", "years/2023/index.html",
                 "years/2024/projects/shanwei-bqw-digital-finance.html", "changes/2023-2024.html"):  # fmt: skip
        page.goto(site_url + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    page.goto(site_url + "years/2023/index.html")
    scrolls = page.evaluate(
        "() => [...document.querySelectorAll('.table-scroll')].filter(e => e.scrollWidth > e.clientWidth).length"
    )
    assert scrolls > 0  # the allocation table is wider than a phone and scrolls within its frame
    assert watched_page.problems == []
