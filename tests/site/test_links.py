"""A link checker over every page of the built site: no broken internal link, asset or anchor,
no resource from elsewhere, every page reachable from the home page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.site.conftest import BuiltSite
from tests.site.html_tools import css_references, parse, references


def _target(site: Path, page: Path, url: str, base_url: str) -> tuple[Path, str] | None:
    """The file (and fragment) a URL of ``page`` points to inside the site; None for another site."""
    if url.startswith(base_url):
        url = "/" + url[len(base_url) :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    base_path = urlsplit(base_url).path
    if parts.path.startswith("/"):
        file = site / unquote(parts.path[len(base_path) :])
    else:
        file = (page.parent / unquote(parts.path)) if parts.path else page
    if file.is_dir() or parts.path.endswith("/"):
        file = file / "index.html"
    return file.resolve(), parts.fragment


def test_no_broken_internal_link_asset_or_anchor(built_site: BuiltSite) -> None:
    site = built_site.site.resolve()
    base_url = built_site.checked.content.site.base_url  # type: ignore[union-attr]
    broken: list[str] = []
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page_path in built_site.pages():
        page = parse(page_path)
        rel = page_path.relative_to(built_site.site).as_posix()
        for tag, url in references(page):
            target = _target(site, page_path.resolve(), url, base_url)
            if target is None:
                assert tag == "a", f"{rel}: <{tag}> loads {url} from elsewhere"
                continue
            file, fragment = target
            checked += 1
            if site not in file.parents or not file.is_file():
                broken.append(f"{rel}: {url}")
                continue
            if fragment and file.suffix == ".html":
                known = ids.setdefault(file, set(parse(file).xpath("//@id")))
                if fragment not in known:
                    broken.append(f"{rel}: {url} (no id {fragment!r})")
    for css in site.rglob("*.css"):
        for url in css_references(css.read_text()):
            if not url.startswith("data:"):
                target = _target(site, css, url, base_url)
                assert target is not None and target[0].is_file(), f"{css.name}: {url}"
    assert not broken, "\n".join(broken)
    assert checked > 1000


def test_every_page_is_reachable_from_the_home_page(built_site: BuiltSite) -> None:
    site = built_site.site.resolve()
    base_url = built_site.checked.content.site.base_url  # type: ignore[union-attr]
    seen: set[Path] = set()
    todo = [site / "index.html"]
    while todo:
        page_path = todo.pop()
        if page_path in seen:
            continue
        seen.add(page_path)
        for tag, url in references(parse(page_path)):
            target = _target(site, page_path, url, base_url)
            if tag == "a" and target is not None and target[0].suffix == ".html" and target[0].is_file():
                todo.append(target[0])
    every = {path.resolve() for path in built_site.pages()} - {site / "404.html"}
    assert every - seen == set()
