"""Hostile content in the report's narratives renders harmlessly, in bounded time.

Narratives are Markdown from pull requests. The report is rendered in a separate (spawned)
process that must finish within ``BOUND_SECONDS``; it is killed and the test fails otherwise.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from pathlib import Path

import pytest

from tests.render.pdf_helpers import qpdf_objects, run, shipped_context

BOUND_SECONDS = 180  # a generous bound for a loaded 2-core machine: the render takes ~10 s
NESTED = 100_000

HOSTILE = {
    "overview": (
        '<script>alert(1)</script> <b onclick="alert(2)">粗体</b>\n\n'
        "[点我](javascript:alert(3)) [官网](https://gdjr.gd.gov.cn/) [本地](file:///etc/passwd)\n\n"
        "![元数据](http://169.254.169.254/latest/meta-data/) ![密码](file:///etc/passwd)"
        " ![相对](../../../../etc/hostname)\n\n"
        '<link rel="attachment" href="file:///etc/passwd"> <img src="file:///etc/passwd">\n\n'
        "${fund.net} ${not.a.fact}"
    ),
    "arrangement": ">" * NESTED + " 深层引用",
    "directions": "[" * NESTED + "方括号",
    "goals": "*" * 50_000 + "强调" + "_" * 50_000,
    "analysis": "\n".join("  " * depth + "- 列表" for depth in range(2_000)),
}


def _render_hostile(out: str) -> None:
    """In a spawned process: the shipped content with hostile narratives, rendered to ``out``."""
    from docgen.render import report

    ctx = shipped_context()
    fund_eval = ctx.content.fund_evaluations[2023]
    narrative = fund_eval.narrative.model_copy(update=HOSTILE)
    ctx.content.fund_evaluations[2023] = fund_eval.model_copy(update={"narrative": narrative})
    data = report.render_evaluation_report(ctx, 2023)
    Path(out, "hostile.pdf").write_bytes(data)
    Path(out, "diagnostics.json").write_text(ctx.diagnostics.to_json(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    process = multiprocessing.get_context("spawn").Process(target=_render_hostile, args=(str(out),))
    process.start()
    process.join(BOUND_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()
        pytest.fail(f"the hostile report did not render within {BOUND_SECONDS} s")
    assert process.exitcode == 0
    return out


def _text(out: Path) -> str:
    return re.sub(r"\s", "", run("pdftotext", str(out / "hostile.pdf"), "-"))


def test_raw_html_is_shown_as_text(hostile: Path) -> None:
    text = _text(hostile)
    assert "<script>alert(1)</script>" in text
    assert '<bonclick="alert(2)">粗体</b>' in text
    assert '<linkrel="attachment"href="file:///etc/passwd">' in text


def test_no_script_no_javascript_link_no_attachment(hostile: Path) -> None:
    objects = json.dumps(qpdf_objects(hostile / "hostile.pdf"), ensure_ascii=False)
    assert "/JS" not in objects and "/JavaScript" not in objects
    assert "javascript:" not in objects
    assert "/EmbeddedFile" not in objects
    assert "file:///etc" not in objects
    uris = re.findall(r'"/URI": "u:([^"]*)"', objects)
    assert uris == ["https://gdjr.gd.gov.cn/"]  # the one safe link is a link
    assert "点我" in _text(hostile)  # the unsafe one stays text


def test_remote_and_local_images_are_refused_and_reported(hostile: Path) -> None:
    diagnostics = json.loads((hostile / "diagnostics.json").read_text(encoding="utf-8"))["diagnostics"]
    refused = [d for d in diagnostics if d["code"] == "pdf-refused-url"]
    assert [d["path"] for d in refused] == ["content/evaluations/2023/_fund.yaml"]
    assert "http://169.254.169.254/latest/meta-data/" in refused[0]["message"]
    assert refused[0]["severity"] == "error"
    relative = [d for d in diagnostics if d["code"] == "pdf-warning"]
    assert any("../../../../etc/hostname" in d["message"] for d in relative)  # never resolved to a file
    text = _text(hostile)
    assert "![密码](file:///etc/passwd)" in text  # Markdown refuses the file: image: it stays text


def test_deep_nesting_is_capped(hostile: Path) -> None:
    text = _text(hostile)
    assert "列表" in text and "（二）专项资金绩效目标" in text
    assert "深层引用" not in text  # markdown-it stops at 20 levels of blocks (MAX_NESTING) and drops the rest
    # 100,000 brackets are one unbreakable line that runs off the page: clipped, not wrapped
    # (wrapping it anywhere costs WeasyPrint minutes: overflow-wrap is deliberately not set)
    assert "[[[[[[[[[[" in text
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(hostile / "hostile.pdf"))).group(1))  # type: ignore[union-attr]
    assert pages < 200


def test_placeholders_fill_and_unknown_ones_stay_as_written(hostile: Path) -> None:
    text = _text(hostile)
    assert "3,834.29${not.a.fact}" in text
