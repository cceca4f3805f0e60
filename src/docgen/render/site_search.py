"""The website's search index (站内搜索索引): static files the browser queries, no server.

Chinese has no spaces, and word segmentation (Pagefind's, jieba's) misses queries that cut a
word differently from the segmenter (anchors.md: Pagefind #659, #817, #1237). This index uses
overlapping character pairs instead (融资担保 → 融资, 资担, 担保), as CJK search engines do: a page
matches when it holds every pair of the query, so any query of two or more characters finds
the pages that contain it, whatever the words around it.

The index is made from the pages as the site renders them (their ``data-search-body``), so it
holds exactly what a reader sees, less the download sizes (``data-search-ignore``): each record
renders its page from the page's own sources, and need not wait for the documents the page
shows the sizes of. Its files have names known before rendering, as the build plans them (one
output per file):

* ``search/pages.json``: every indexed page: url, title, filters (年度, 资金使用方向, 类型);
* ``search/grams/NN.json`` (:data:`SHARDS` files): pair → [page, count, page, count, …], each
  pair in the shard :func:`shard_of` names (the browser computes the same function);
* ``search/pages/<page>.json``: the page's record (url, title, filters, text), for the excerpts
  of the results shown; the index is made from these records, so each page is read once.

A page marks what is indexed with attributes: ``data-search-body`` (the indexed part),
``data-search-title`` (the result's title), ``data-search-filter="年度:2022"`` (a filter and
its value) or ``data-search-filter="资金使用方向"`` (the element's text is the value), and
``data-search-ignore`` (left out).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml.html import HtmlElement

from docgen.build.inputs import code_digest
from docgen.cache_home import cache_home, write_entry

SHARDS = 64
"""How many files the pairs are spread over; a query reads only the shards of its own pairs."""

SEARCH_FOLDER = "search"

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
))  # fmt: skip
"""Elements whose text is a block of its own: words do not run on across them."""


def normalise(text: str) -> str:
    """What is matched: NFKC (full-width → half-width) and lower case; the browser does the same."""
    return unicodedata.normalize("NFKC", text).lower()


def grams(text: str) -> Counter[str]:
    """The overlapping character pairs of every run of letters and digits in ``text``, counted."""
    counted: Counter[str] = Counter()
    for run in _WORD.findall(normalise(text)):
        counted.update(run[i : i + 2] for i in range(len(run) - 1))
    return counted


@lru_cache(maxsize=1 << 16)  # an index of 1,000 projects looks up ~340,000 pairs, ~30,000 of them different
def shard_of(gram: str) -> int:
    """The shard file a pair lives in: a 32-bit rolling hash of its code points (as in search.js)."""
    value = 0
    for char in gram:
        value = (value * 31 + ord(char)) & 0xFFFFFFFF
    return value % SHARDS


def shard_path(shard: int) -> str:
    return f"{SEARCH_FOLDER}/grams/{shard:02d}.json"


def record_path(page_path: str) -> str:
    """Where a page's record is kept: search/pages/years/2022/index.json for years/2022/index.html."""
    return f"{SEARCH_FOLDER}/pages/{page_path.removesuffix('.html')}.json"


PAGES_PATH = f"{SEARCH_FOLDER}/pages.json"
INDEX_FILES = (PAGES_PATH, *(shard_path(shard) for shard in range(SHARDS)))
"""The files made from every page's record together; each page also has its :func:`record_path`."""


@dataclass(frozen=True, slots=True)
class IndexedPage:
    """What the search knows of one page: its title, filters and text."""

    url: str  # relative to the site root
    title: str
    filters: dict[str, list[str]]
    text: str


def _text(element: HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _walk(element: HtmlElement, filters: dict[str, list[str]], parts: list[str]) -> None:
    """Collect the text of ``element`` (without its tail) and the filters below it."""
    if "data-search-ignore" in element.attrib:
        return
    spec = element.get("data-search-filter")
    if spec:
        name, _, value = spec.partition(":")
        value = _SPACE.sub(" ", value).strip() if value else _text(element)
        if name and value and value not in filters.setdefault(name, []):
            filters[name].append(value)
    block = element.tag in _BLOCKS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child, HtmlElement):  # comments and processing instructions have no text to index
            _walk(child, filters, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")


@lru_cache(maxsize=4096)
def extract(url: str, html: bytes) -> IndexedPage:
    """The indexed part of a page's HTML (UTF-8, as the site writes it): the element with ``data-search-body``."""
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(encoding="utf-8"))
    filters: dict[str, list[str]] = {}
    parts: list[str] = []
    body = root.find(".//*[@data-search-body]")
    if body is not None:
        _walk(body, filters, parts)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    titled = root.find(".//*[@data-search-title]")
    title = _text(titled) if titled is not None else ""
    return IndexedPage(url, title or url, filters, "\n".join(line for line in lines if line))


def page_record(path: str, html: bytes) -> bytes:
    """search/pages/<page>.json: what the search knows of one page (url, title, filters, text)."""
    page = extract(path, html)
    return _json({"url": page.url, "title": page.title, "filters": page.filters, "text": page.text})


def build_index(records: Iterable[bytes], digests: Iterable[str] | None = None) -> dict[str, bytes]:
    """pages.json and the pair shards, from the pages' records (in the order results tie).

    ``digests``, the records' sha256, let each record's pairs come from the user's cache folder
    (:func:`record_grams`): a page that did not change is not cut into pairs again.
    """
    return _SearchIndex.made(records, digests).files()


@dataclass(slots=True)
class _SearchIndex:
    """The index as data: each page's listing entry and, per shard, pair → [page, count, …]."""

    listing: list[dict[str, Any]]
    shards: list[dict[str, list[int]]]

    @classmethod
    def made(cls, records: Iterable[bytes], digests: Iterable[str] | None = None) -> _SearchIndex:
        pages = [json.loads(record) for record in records]
        keys = list(digests) if digests is not None else [None] * len(pages)
        shards: list[dict[str, list[int]]] = [{} for _ in range(SHARDS)]
        for number, (page, digest) in enumerate(zip(pages, keys, strict=True)):
            for gram, count in record_grams(page, digest).items():  # each pair's pages stay in order
                shards[shard_of(gram)].setdefault(gram, []).extend((number, count))
        return cls([_listed(page) for page in pages], shards)

    def replace(self, number: int, old: Mapping[str, int], page: Mapping[str, Any], new: Mapping[str, int]) -> bool:
        """Page ``number`` is now ``page``, whose pairs are ``new``; ``old`` were its pairs.

        False, the index left half changed, when ``old`` are not the pairs the index holds for it.
        """
        for gram in old:
            shard = self.shards[shard_of(gram)]
            postings = shard.get(gram, [])
            at = _position(postings, number)
            if at >= len(postings) or postings[at] != number:
                return False
            del postings[at : at + 2]
            if not postings:
                del shard[gram]
        for gram, count in new.items():
            postings = self.shards[shard_of(gram)].setdefault(gram, [])
            at = _position(postings, number)
            postings[at:at] = [number, count]
        self.listing[number] = _listed(page)
        return True

    def files(self) -> dict[str, bytes]:
        files = {PAGES_PATH: _json({"pages": self.listing})}
        for shard, postings in enumerate(self.shards):
            files[shard_path(shard)] = _json(dict(sorted(postings.items())))
        return files


def _listed(page: Mapping[str, Any]) -> dict[str, Any]:
    return {"url": page["url"], "title": page["title"], "filters": page["filters"]}


def _position(postings: list[int], number: int) -> int:
    """Where page ``number`` is, or goes, in [page, count, page, count, …] (pages ascending)."""
    low, high = 0, len(postings) // 2
    while low < high:
        middle = (low + high) // 2
        if postings[2 * middle] < number:
            low = middle + 1
        else:
            high = middle
    return 2 * low


def record_grams(page: Mapping[str, Any], digest: str | None) -> Mapping[str, int]:
    """The pairs of a page's record (title and text), counted; kept in the user's cache folder by the
    record's sha256 when given (~0.5 s of a one-project edit at 1,000 projects is cutting every
    page into pairs again)."""
    entry = _grams_entry(digest) if digest else None
    cached = _read_grams(entry) if entry is not None else None
    if cached is not None:
        return cached
    counted = grams(f"{page['title']}\n{page['text']}")
    if entry is not None:
        write_entry(entry, _json(counted))
    return counted


def _grams_entry(digest: str) -> Path | None:
    home = cache_home()
    return home / "search-grams" / digest[:2] / f"{_grams_key(digest)}.json" if home else None


def _kept_grams(digest: str) -> dict[str, int] | None:
    """The pairs kept for the record of sha256 ``digest``, if they are."""
    entry = _grams_entry(digest)
    return _read_grams(entry) if entry is not None else None


def _read_grams(entry: Path) -> dict[str, int] | None:
    try:
        kept: dict[str, int] = json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) else None


def _grams_key(digest: str) -> str:
    """Cached pairs depend on the record and on docgen's code, as the build's fingerprints take it."""
    return hashlib.sha256(f"{code_digest()}|{digest}".encode()).hexdigest()


_last_index: dict[str, dict[str, bytes]] = {}
MOST_CHANGED = 50
"""Records changed since the kept index beyond which it is made again rather than updated."""


def index_from_built(
    built: Mapping[str, bytes],
    records: Iterable[str],
    hashes: Mapping[str, str] | None = None,
    slot: str | None = None,
) -> dict[str, bytes]:
    """The index made from the built records (their output paths; their bytes in ``built``).

    Every index file is cut from the same index, so it is made once per process for the same
    records: a build renders these files together (one batch), each reading every record.
    ``hashes`` (the records' sha256, as the build knows them) spares reading every record
    again for each file. With a ``slot`` (the project), the index is kept in the user's cache
    folder, and the next one is that index with the changed records' pairs taken out and put
    in again, when the pages are the same and at most :data:`MOST_CHANGED` records changed:
    the same files, without reading and merging every page's pairs (0.4 s at 1,000 projects).
    """
    paths = tuple(records)
    known = hashes or {}
    record_hashes = [known.get(path) or hashlib.sha256(built[path]).hexdigest() for path in paths]
    digest = hashlib.sha256()
    for path, record_hash in zip(paths, record_hashes, strict=True):
        digest.update(f"{path}\0{record_hash}\n".encode())
    key = digest.hexdigest()
    if key not in _last_index:
        _last_index.clear()
        _last_index[key] = _kept_index(built, paths, record_hashes, slot).files()
    return _last_index[key]


def _kept_index(
    built: Mapping[str, bytes], paths: tuple[str, ...], hashes: list[str], slot: str | None
) -> _SearchIndex:
    """The index of these records: the kept one updated, or made from every record (then kept)."""
    home = cache_home() if slot else None
    name = hashlib.sha256(f"{code_digest()}|{slot}".encode()).hexdigest()
    entry = home / "search-index" / f"{name}.pickle" if home else None
    index = _updated(entry, built, paths, hashes) if entry is not None else None
    if index is None:
        index = _SearchIndex.made((built[path] for path in paths), hashes)
    if entry is not None:
        write_entry(entry, pickle.dumps((paths, hashes, index), protocol=pickle.HIGHEST_PROTOCOL))
    return index


def _updated(entry: Path, built: Mapping[str, bytes], paths: tuple[str, ...], hashes: list[str]) -> _SearchIndex | None:
    """The kept index with the records that changed since put in again; None when it cannot be."""
    try:
        kept_paths, kept_hashes, index = pickle.loads(entry.read_bytes())
    except Exception:  # no entry, or a damaged one
        return None
    if kept_paths != paths or not isinstance(index, _SearchIndex):
        return None
    changed = [number for number, (old, new) in enumerate(zip(kept_hashes, hashes, strict=True)) if old != new]
    if len(changed) > MOST_CHANGED:
        return None
    for number in changed:
        old = _kept_grams(kept_hashes[number])
        if old is None:
            return None
        page = json.loads(built[paths[number]])
        if not index.replace(number, old, page, record_grams(page, hashes[number])):
            return None
    return index


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
