"""axe-core finds no serious or critical accessibility violation on the home, notice, year and
project pages (and the others), at desktop and phone widths.

axe-core comes from the npm registry (``npm pack``, a pinned version), kept in tests/site/vendor/.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.site.conftest import WatchedPage

AXE_VERSION = "4.10.3"
VENDOR = Path(__file__).parent / "vendor"

PAGES = [
    "index.html",
    "notices/index.html",
    "notices/2022-implementation.html",
    "years/index.html",
    "years/2023/index.html",
    "years/2022/projects/reguarantee-fee-subsidy.html",
    "years/2024/projects/shanwei-bqw-digital-finance.html",
    "changes/2023-2024.html",
    "search.html?q=再担保",
    "sitemap.html",
]


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe.min.js of :data:`AXE_VERSION`, fetched once with ``npm pack`` into tests/site/vendor/."""
    script = VENDOR / f"axe-{AXE_VERSION}.min.js"
    if not script.is_file():
        VENDOR.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as folder:
            packed = subprocess.run(
                ["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", folder, "--silent"],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert packed.returncode == 0, f"npm pack axe-core failed: {packed.stderr[-1000:]}"
            with tarfile.open(Path(folder) / packed.stdout.strip().splitlines()[-1]) as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                script.write_bytes(member.read())
    return script.read_text(encoding="utf-8")


def _violations(page: Any, axe: str) -> list[str]:
    page.evaluate(axe)  # through the DevTools protocol: the page's policy rightly refuses an inline <script>
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_or_critical_violation(
    watched_page: WatchedPage, site_url: str, axe_script: str, width: int
) -> None:
    page = watched_page.page
    page.set_viewport_size({"width": width, "height": 900})
    found: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        if path.startswith("search"):
            page.wait_for_selector(".search-result")
        violations = _violations(page, axe_script)
        if violations:
            found[path] = violations
    assert not found, found
