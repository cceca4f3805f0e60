"""The official document format of the generated files (GB/T 9704, domain.md §3–§4).

A4; margins 37 / 35 / 28 / 26 mm (landscape attachments: the page turned, the table's head at
the binding edge); a 22 lines × 28 characters grid; 仿宋_GB2312 body text, 方正小标宋简体
titles, 黑体 for the 附件N label; every font named with its East Asian name; page numbers
“— 1 —” in 四号宋体, odd pages right and even pages left.
"""

from __future__ import annotations

import pytest

from docgen.api import Checked
from docgen.render import docx as docx_renderer
from tests.render.docx_helpers import NS, W, document, part, q, render_context, style_font

MM = 36000  # EMU per millimetre (python-docx lengths)


@pytest.fixture(scope="module")
def files(shipped: Checked) -> dict[str, bytes]:
    ctx = render_context(shipped)
    return {
        "target": docx_renderer.render_target_table(ctx, 2022, "reguarantee-fee-subsidy"),
        "targets": docx_renderer.render_targets_attachment(ctx, 2022),
        "catalog": docx_renderer.render_catalog(ctx, 2022),
        "allocation": docx_renderer.render_allocation(ctx, 2022),
    }


@pytest.mark.parametrize("name", ["target", "targets"])
def test_portrait_a4_with_official_margins_and_grid(files: dict[str, bytes], name: str) -> None:
    section = document(files[name]).sections[0]
    assert (section.page_width, section.page_height) == (11906 * 635, 16838 * 635)  # 210 × 297 mm in twips
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m / MM) for m in margins] == [37, 35, 28, 26]
    grid = part(files[name]).find("w:body/w:sectPr/w:docGrid", NS)
    assert grid is not None
    assert grid.get(q("type")) == "linesAndChars"
    assert int(grid.get(q("linePitch"))) * 22 == 12738  # 22 lines of 28.95 pt fill the 225 mm type area
    char_pitch_twips = (16 + int(grid.get(q("charSpace"))) / 4096) * 20
    assert 28 * char_pitch_twips == pytest.approx(8845, abs=3)  # 28 characters of 三号 fill 156 mm


@pytest.mark.parametrize("name", ["catalog", "allocation"])
def test_wide_tables_are_on_a_landscape_page(files: dict[str, bytes], name: str) -> None:
    section = document(files[name]).sections[0]
    assert section.orientation == 1  # landscape
    assert (section.page_width, section.page_height) == (16838 * 635, 11906 * 635)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m / MM) for m in margins] == [28, 26, 35, 37]


@pytest.mark.parametrize("name", ["target", "targets", "catalog", "allocation"])
def test_fonts_have_their_east_asian_names(files: dict[str, bytes], name: str) -> None:
    data = files[name]
    assert style_font(data, "Normal") == ("仿宋_GB2312", 32)  # 三号仿宋
    assert style_font(data, "表格正文")[0] == "仿宋_GB2312"
    assert style_font(data, "表头")[0] == "黑体"
    assert style_font(data, "附件标识") == ("黑体", 32)
    assert style_font(data, "公文标题")[0] == "方正小标宋简体"
    assert style_font(data, "footer") == ("宋体", 28)  # 四号宋体
    fonts = part(data, "word/fontTable.xml")
    declared = {f.get(q("name")): f.find("w:charset", NS).get(q("val")) for f in fonts.findall("w:font", NS)}
    assert {n: declared[n] for n in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体")} == dict.fromkeys(
        ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"), "86"
    )
    body = part(data).find("w:body", NS)
    assert body is not None
    assert not body.findall(".//w:r/w:rPr/w:rFonts", NS), "runs take their fonts from the styles"


def test_text_uses_the_styles_of_its_role(files: dict[str, bytes]) -> None:
    doc = document(files["targets"])
    by_text = {p.text: p.style.name for p in doc.paragraphs if p.text}
    assert by_text["附件3"] == "附件标识"
    assert by_text["广东省促进经济高质量发展专项资金（金融发展）"] == "公文标题"
    assert by_text["绩效目标表"] == "公文标题"
    table = doc.tables[0]
    assert table.rows[0].cells[0].paragraphs[0].style.name == "表头"
    assert table.rows[0].cells[2].paragraphs[0].style.name == "表格正文"


@pytest.mark.parametrize("name", ["target", "catalog"])
def test_page_numbers_odd_right_even_left(files: dict[str, bytes], name: str) -> None:
    data = files[name]
    settings = part(data, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    section = document(data).sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        paragraph = footer._element.find(f"{{{W}}}p")
        assert paragraph is not None
        assert paragraph.find("w:pPr/w:jc", NS).get(q("val")) == side
        assert int(paragraph.find("w:pPr/w:ind", NS).get(q(side))) == 280  # one 四号 character
        texts = [t.text for t in paragraph.iter(q("t"))]
        instruction = "".join(t.text for t in paragraph.iter(q("instrText")))
        assert texts[0] == "— " and texts[-1] == " —" and instruction.strip() == "PAGE"
        assert paragraph.find("w:pPr/w:pStyle", NS).get(q("val")) in {
            s.style_id for s in document(data).styles if (s.name or "").lower() == "footer"
        }
