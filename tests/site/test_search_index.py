"""The search index: character pairs, shards, what a page's attributes put into the index."""

from __future__ import annotations

import json

from docgen.render.site_search import (
    INDEX_FILES,
    PAGES_PATH,
    SHARDS,
    build_index,
    extract,
    grams,
    page_record,
    record_path,
    shard_of,
    shard_path,
)
from tests.site.conftest import BuiltSite

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><title>x</title></head><body>
<nav>首页 导航不进索引</nav>
<main data-search-body data-search-filter="类型:项目">
  <p class="kicker" data-search-filter="年度:2023">2023年度</p>
  <h1 data-search-title>普惠金融融资<b>再担保</b>保费补助项目</h1>
  <nav data-search-ignore>各年度：2021年 2022年</nav>
  <table><tr><th>资金使用方向</th>
    <td><span data-search-filter="资金使用方向">金融服务实体经济项目</span></td></tr></table>
  <p>支持小微企业不少于８，０００户次。</p><p>第二段</p>
</main>
<footer>主办单位</footer></body></html>"""


def find(files: dict[str, bytes], query: str) -> list[str]:
    """The pages holding every pair of ``query``: what search.js computes, read from the files."""
    pages = json.loads(files[PAGES_PATH])["pages"]
    found: set[int] | None = None
    for pair in grams(query):
        postings = json.loads(files[shard_path(shard_of(pair))]).get(pair, [])
        here = set(postings[0::2])
        found = here if found is None else found & here
    return [pages[i]["url"] for i in sorted(found or set())]


def test_pairs_of_each_run_of_letters_and_digits() -> None:
    assert grams("融资担保") == {"融资": 1, "资担": 1, "担保": 1}
    assert grams("再担保，再担保") == {"再担": 2, "担保": 2}
    assert grams("ＡＢ１２") == {"ab": 1, "b1": 1, "12": 1}  # full width normalised, lower case
    assert grams("担 保") == {}  # a single character is no pair: no query of one character


def test_shards_spread_pairs_and_stay_stable() -> None:
    assert all(0 <= shard_of(pair) < SHARDS for pair in grams("广东省促进经济高质量发展专项资金"))
    # the rolling hash search.js computes too: (31 × 融 + 资) mod 2³² mod 64
    assert shard_of("融资") == (31 * ord("融") + ord("资")) % 2**32 % SHARDS
    assert len({shard_of(pair) for pair in grams("广东省促进经济高质量发展专项资金金融发展绩效评价报告")}) > 10


def test_extract_reads_the_marked_body_title_and_filters() -> None:
    page = extract("years/2023/projects/x.html", PAGE.encode())
    assert page.title == "普惠金融融资再担保保费补助项目"
    assert page.filters == {"类型": ["项目"], "年度": ["2023"], "资金使用方向": ["金融服务实体经济项目"]}
    assert "导航不进索引" not in page.text and "主办单位" not in page.text and "各年度" not in page.text
    assert "支持小微企业不少于８，０００户次。\n第二段" in page.text
    record = json.loads(page_record("x.html", PAGE.encode()))
    assert record == {"url": "x.html", "title": page.title, "filters": page.filters, "text": page.text}


def test_index_finds_pages_by_any_substring_of_two_characters_or_more() -> None:
    other = PAGE.replace("再担保", "融资担保").replace("年度:2023", "年度:2024")
    files = build_index([page_record("a.html", PAGE.encode()), page_record("b.html", other.encode())])
    assert set(files) == set(INDEX_FILES)
    assert find(files, "再担保") == ["a.html"]
    assert find(files, "融资担保") == ["b.html"]
    assert find(files, "补助项目") == ["a.html", "b.html"]
    assert find(files, "8,000户") == ["a.html", "b.html"]  # full-width figures match half-width queries
    assert find(files, "不存在的词") == []
    pages = json.loads(files[PAGES_PATH])["pages"]
    assert [p["filters"]["年度"] for p in pages] == [["2023"], ["2024"]]


def test_built_index_finds_the_guarantee_projects_of_every_year(built_site: BuiltSite) -> None:
    files = {name: (built_site.site / name).read_bytes() for name in INDEX_FILES}
    projects = [p for p in built_site.checked.content.projects.values() if "reguarantee-fee-subsidy" in p]
    expected = {f"years/{p['reguarantee-fee-subsidy'].year}/projects/reguarantee-fee-subsidy.html" for p in projects}
    assert len(expected) == 4
    for query in ("再担保", "融资担保"):
        assert expected <= set(find(files, query)), query
    for url in expected:
        record = json.loads((built_site.site / record_path(url)).read_text(encoding="utf-8"))
        assert record["url"] == url and "再担保" in record["text"]


def test_every_record_is_the_record_of_its_built_page(built_site: BuiltSite) -> None:
    """A record is made from its page's sources, not from the built page (so that it need not wait
    for the documents whose sizes the page shows); it must still be exactly the built page's."""
    records = sorted((built_site.site / "search" / "pages").rglob("*.json"))
    assert len(records) > 40
    for record_file in records:
        record = json.loads(record_file.read_bytes())
        page = built_site.site / record["url"]
        assert record_file.read_bytes() == page_record(record["url"], page.read_bytes()), record["url"]


def test_download_sizes_are_left_out_of_the_search(built_site: BuiltSite) -> None:
    year_page = (built_site.site / "years" / "2024" / "index.html").read_text(encoding="utf-8")
    assert "PDF文档，" in year_page and " KB）" in year_page  # the page shows the sizes…
    record = json.loads((built_site.site / record_path("years/2024/index.html")).read_text(encoding="utf-8"))
    text = record["text"]  # …the search does not
    assert "PDF文档" not in text and " KB" not in text and " MB" not in text
