"""Fixtures of the website tests: the shipped content built once, a hostile copy, a static server, Chromium.

The site is built by the real build (docgen.build), with a fixed SOURCE_DATE_EPOCH, into a
folder of the session. The browser is Debian's Chromium driven by Playwright (Playwright's own
browser download does not work offline).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from docgen.api import Checked, check
from docgen.build import BuildOptions, build
from docgen.project import ProjectPaths
from tests.conftest import REPO
from tests.site import hostile

SOURCE_DATE_EPOCH = "1700000000"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True, slots=True)
class BuiltSite:
    """A built project: its sources, the build folder, the site folder in it, its checked content."""

    project: ProjectPaths
    out: Path
    checked: Checked

    @property
    def site(self) -> Path:
        return self.out / "site"

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


def build_project(project: ProjectPaths, out: Path) -> BuiltSite:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        report = build(project, BuildOptions(out=out))
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert report.ok, "\n".join(line for line, _ in report.text_lines())
    return BuiltSite(project, out, check(project, templates=False))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The shipped content and templates, built once for the session."""
    return build_project(ProjectPaths(REPO), tmp_path_factory.mktemp("shipped") / "build")


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory, built_site: BuiltSite) -> BuiltSite:
    """A copy of the project with hostile content (see tests/site/hostile.py), built.

    The build folder starts as a copy of the shipped build, so that the build renders again only
    what the hostile files change (its fingerprints say which).
    """
    root = tmp_path_factory.mktemp("hostile")
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, root / part)
    hostile.write(root / "content")
    shutil.copytree(built_site.out, root / "build")
    return build_project(ProjectPaths(root), root / "build")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static file server, as the bureau's web server serves build/site/."""

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    with static_server(built_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_url(hostile_site: BuiltSite) -> Iterator[str]:
    with static_server(hostile_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup-system.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass(slots=True)
class WatchedPage:
    """A browser page that records console errors, uncaught exceptions, dialogs and failed requests."""

    page: Any
    problems: list[str]


@pytest.fixture
def watched_page(browser: Any) -> Iterator[WatchedPage]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    def response(answer: Any) -> None:
        if answer.status >= 400:
            problems.append(f"HTTP {answer.status}: {answer.url}")

    def dialog(box: Any) -> None:
        problems.append(f"dialog: {box.message}")
        box.dismiss()

    page.on("console", console)
    page.on("response", response)
    page.on("dialog", dialog)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def failed(request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":  # leaving a page aborts what it still loads (the icon)
            problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("requestfailed", failed)
    yield WatchedPage(page, problems)
    context.close()
