"""``docgen serve``: builds the site, serves it on 127.0.0.1, rebuilds on a change and reloads the page."""

from __future__ import annotations

import queue
import shutil
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from docgen.project import ProjectPaths
from docgen.serve import serve
from tests.conftest import REPO

pytestmark = pytest.mark.slow

NOTICE = "content/notices/2022-02-22-2022-implementation.md"
TITLE_ENDS_WITH = "(end) => document.querySelector('h1').textContent.endsWith(end)"
TITLE = "省地方金融监管局关于做好2022年广东省促进经济高质量发展专项资金（金融发展）项目实施工作的通知"


def test_serve_rebuilds_and_reloads_on_changes(tmp_path: Path, browser: Any) -> None:
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, tmp_path / part)
    lines: list[str] = []
    urls: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    server = threading.Thread(
        target=serve, args=(ProjectPaths(tmp_path), 0, lines.append), kwargs={"ready": urls.put, "stop": stop}
    )
    server.start()
    try:
        url = urls.get(timeout=600)
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "index.html") as response:
            html = response.read().decode()
            assert "Content-Security-Policy" in response.headers
        assert '<script src="/__docgen__/live-reload.js?generation=0" defer></script>' in html
        with urllib.request.urlopen(url + "assets/site.css") as response:
            assert b"/__docgen__/" not in response.read()  # only pages get the reload script

        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "notices/2022-implementation.html")
        assert page.locator("h1").inner_text() == TITLE

        notice = tmp_path / NOTICE
        notice.write_text(notice.read_text(encoding="utf-8").replace(f"title: {TITLE}", f"title: {TITLE}（修订）"))
        page.wait_for_function(TITLE_ENDS_WITH, arg="（修订）", timeout=300_000)

        broken = tmp_path / "content/projects/2024/finance-culture-research.yaml"
        good = broken.read_text(encoding="utf-8")
        broken.write_text(good.replace("seq: 5", "seq: [5"), encoding="utf-8")
        _wait_for(lambda: any("content/projects/2024/finance-culture-research.yaml:" in line for line in lines))
        assert page.locator("h1").inner_text().endswith("（修订）")  # the last good site stays

        broken.write_text(good, encoding="utf-8")
        notice.write_text(notice.read_text(encoding="utf-8").replace("（修订）", "（再次修订）"))
        page.wait_for_function(TITLE_ENDS_WITH, arg="（再次修订）", timeout=300_000)
        assert errors == []
        page.close()
    finally:
        stop.set()
        server.join(timeout=120)
    assert not server.is_alive()
    served = next(line for line in lines if line.startswith("building the site into "))
    assert not Path(served.removeprefix("building the site into ").removesuffix(" …")).exists()


def _wait_for(condition: Any, seconds: float = 300) -> None:
    event = threading.Event()
    for _ in range(int(seconds * 10)):
        if condition():
            return
        event.wait(0.1)
    raise AssertionError("timed out")


def test_an_edit_made_while_the_site_is_first_built_is_built_next(tmp_path: Path) -> None:
    """The watch starts before the first build: a change made before it is served is not lost."""
    for part in ("content", "templates"):
        shutil.copytree(REPO / part, tmp_path / part)
    lines: list[str] = []
    stop = threading.Event()
    notice = tmp_path / NOTICE

    def edit(url: str) -> None:  # called once the first build is served, before the loop looks for changes
        notice.write_text(notice.read_text(encoding="utf-8").replace("的通知", "的通知（更正）", 1), encoding="utf-8")

    server = threading.Thread(
        target=serve, args=(ProjectPaths(tmp_path), 0, lines.append), kwargs={"ready": edit, "stop": stop}
    )
    server.start()
    try:
        deadline = time.monotonic() + 60
        while not any(line.startswith("changed: ") for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(line.startswith("changed: 2022-02-22-2022-implementation.md") for line in lines), lines
    finally:
        stop.set()
        server.join(timeout=60)
