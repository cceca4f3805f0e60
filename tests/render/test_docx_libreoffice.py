"""LibreOffice opens every generated .docx and converts it to PDF; a template it saved still renders.

* Every Word file the build plans for the shipped content (all years' 绩效目标表 and the
  attachments), and documents rendered from hostile text, convert to PDF in one headless
  LibreOffice run: each PDF has pages of A4 and shows its document's text.
* A template opened and saved by LibreOffice — converted to ODT, a style's font and a table
  column's width changed there, written back to .docx by LibreOffice — passes ``docgen check``
  and renders: the document shows the content, the new font and the new column width.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from docgen.api import Checked
from docgen.diagnostics import Diagnostics
from docgen.project import ProjectPaths
from docgen.render import docx as docx_renderer
from docgen.render.docx_preview import convert, convert_many, soffice
from docgen.render.template_check import check_templates
from tests.render.docx_helpers import REPO, grid_rows, grid_widths, render_context, style_font, top_tables
from tests.render.test_docx_safety import HOSTILE, context_with, hostile_project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(soffice() is None or shutil.which("pdfinfo") is None, reason="needs LibreOffice and poppler"),
]


def pdf_info(path: Path) -> dict[str, str]:
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_generated_docx_converts_to_pdf(shipped: Checked, tmp_path: Path) -> None:
    ctx = render_context(shipped)
    sources: dict[Path, str] = {}
    for output in docx_renderer.plan(ctx):
        function = getattr(docx_renderer, output.renderer.split(":")[1])
        path = tmp_path / output.path.replace("/", "__")
        path.write_bytes(function(ctx, *output.args))
        sources[path] = output.path
    for index, text in enumerate(HOSTILE):
        hostile_ctx = context_with(
            shipped, hostile_project(shipped.content.projects[2022]["reguarantee-fee-subsidy"], text)
        )
        path = tmp_path / f"hostile-{index}.docx"
        path.write_bytes(docx_renderer.render_target_table(hostile_ctx, 2022, "reguarantee-fee-subsidy"))
        sources[path] = f"hostile {index}"
    assert not list(ctx.diagnostics)
    assert len(sources) == 47 + len(HOSTILE)
    pdfs = convert_many(list(sources))
    for pdf, source in zip(pdfs, sources, strict=True):
        info = pdf_info(pdf)
        assert int(info["Pages"]) >= 1, sources[source]
        width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
        assert sorted((round(width), round(height))) == [595, 842], f"{sources[source]} is A4"
    target = tmp_path / "2022__targets__reguarantee-fee-subsidy.pdf"
    text = pdf_text(target)
    for expected in (
        "广东省国家融资担保基金项下再担保费补助项目",
        "绩效目标表",
        "粤财普惠金融（广东）融资再担保有限公司",
    ):
        assert expected in text
    allocation = pdf_text(tmp_path / "2022__attachments__attachment-2-allocation.pdf")
    assert "6,673.48" in allocation and "4,590.00" in allocation
    assert "INJECTED" in pdf_text(tmp_path / "hostile-12.pdf")  # shown as text, not as structure


def saved_by_libreoffice(template: Path, work: Path) -> Path:
    """The template converted by LibreOffice to ODT, changed there, and written back as .docx."""
    first, second = work / "odt", work / "docx"
    first.mkdir()
    second.mkdir()
    shutil.copy(template, first / template.name)
    odt = convert(first / template.name, "odt")
    with zipfile.ZipFile(odt) as package:
        members = {name: package.read(name) for name in package.namelist()}
    styles = members["styles.xml"].decode("utf-8")
    start = styles.index('style:name="表格正文"')
    end = styles.index("</style:style>", start)
    style = styles[start:end].replace('font-name-asian="仿宋_GB2312"', 'font-name-asian="楷体_GB2312"')
    style = style.replace('font-family-asian="仿宋_GB2312"', 'font-family-asian="楷体_GB2312"')
    assert style != styles[start:end]
    members["styles.xml"] = (styles[:start] + style + styles[end:]).encode("utf-8")
    content = members["content.xml"].decode("utf-8")
    column = (
        r'(style:name="Table2\.{}" style:family="table-column"><style:table-column-properties style:column-width=")'
    )
    # the main table's third column (三级 指标内容及口径): 1.575 in → 1.3 in; the value columns wider
    widened = re.sub(column.format("C") + r"[\d.]+in", r"\g<1>1.3in", content)
    widened = re.sub(column.format("E") + r"[\d.]+in", r"\g<1>2.6375in", widened)
    assert widened.count('"1.3in"') == 1 and widened.count('"2.6375in"') == 1
    members["content.xml"] = widened.encode("utf-8")
    edited = second / template.with_suffix(".odt").name
    with zipfile.ZipFile(edited, "w") as package:
        package.writestr("mimetype", members.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            package.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return convert(edited, "docx:MS Word 2007 XML")


def test_template_saved_by_libreoffice_still_renders(shipped: Checked, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO / "templates" / "docx", project / "templates" / "docx")
    saved = saved_by_libreoffice(REPO / "templates" / "docx" / "target-tables.docx", tmp_path)
    shutil.copy(saved, project / "templates" / "docx" / "target-tables.docx")
    paths = ProjectPaths(project)
    diagnostics = Diagnostics()
    check_templates(paths, diagnostics)
    assert [d.format() for d in diagnostics] == []

    ctx = render_context(shipped)
    ctx.paths = paths
    data = docx_renderer.render_target_table(ctx, 2022, "gz-tech-finance-service-base")
    assert not list(ctx.diagnostics)
    rows = grid_rows(top_tables(data)[0])
    assert [c.text for c in rows[0]] == ["申报单位", "广州开发区金融工作局"]
    assert [c.text for c in rows[1]] == ["分配金额", "700万元"]
    assert rows[3][0].paragraphs == ("阶段目标", "（6月底前）")
    assert [c.text for c in rows[5]] == ["产出指标", "数量指标", "建成综合路演大厅物理空间载体", "1", "1"]
    level1 = [r[0] for r in rows[5:]]
    assert [c.text for c in level1 if c.vmerge == "restart"] == ["产出指标", "效益指标", "满意度"]
    assert style_font(data, "表格正文")[0] == "楷体_GB2312"  # the font changed in LibreOffice
    widths = grid_widths(top_tables(data)[0])
    measure_column = 0.7875  # inches: no 口径 column in this project, so the name cell spans it
    assert widths[2] == pytest.approx((1.3 + measure_column) * 1440, abs=20)  # the width changed in LibreOffice
    assert widths[3] == widths[4] == pytest.approx(2.6375 * 1440 / 2, abs=20)  # shared by the two value columns
    assert convert_many([_write(tmp_path / "rendered.docx", data)])[0].is_file()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
