#!/usr/bin/env python3
"""Build the Word templates in templates/docx/ (run once; the bureau then edits them in Word).

    python scripts/make_docx_templates.py [--out templates/docx]

The templates are ordinary .docx files laid out as GB/T 9704-2012 公文 pages (domain.md §3):
A4, margins 37 / 35 / 28 / 26 mm, a 22 lines × 28 characters document grid, 仿宋_GB2312 三号
body text, 方正小标宋简体 titles, 黑体 for the 附件N label and headings, page numbers
“— 1 —” in 四号宋体 (odd pages right, even pages left). The attachments' tables are too
wide for a portrait page: their templates are landscape. Every font is named with its
East Asian name (w:eastAsia) so that the bureau's Windows machines show it; the fonts'
table gives the usual substitutes.

Layout lives in the templates (styles, widths, borders, title lines); the Jinja tags only
place data. Each tag sits alone in its own run, so that Word and LibreOffice keep it whole
when someone edits the template. The variables and tags are documented in docs/templates.md.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.shared import Twips

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = f'xmlns:w="{W_NS}"'
EPOCH_STAMP = (
    2024,
    1,
    1,
    0,
    0,
    0,
)  # the templates' own zip entry time: a fixed date, so that a rebuild is byte-identical

# Fonts (their names as the bureau's Windows machines know them) and their substitutes.
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
FONT_TABLE = (  # name, alternative name, family, pitch
    (FANGSONG, "仿宋", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "script", "fixed"),
    (HEITI, "SimHei", "modern", "fixed"),
    (KAITI, "楷体", "modern", "fixed"),
    (SONGTI, "SimSun", "auto", "variable"),
    (LATIN, "Times New Roman", "roman", "variable"),
)

# Chinese font sizes (字号) in half-points.
SIZE_2 = 44  # 二号 22 pt: titles
SIZE_SMALL_2 = 36  # 小二 18 pt: titles that would not fit one line in 二号
SIZE_3 = 32  # 三号 16 pt: body text
SIZE_4 = 28  # 四号 14 pt: page numbers, unit line
SIZE_SMALL_4 = 24  # 小四 12 pt: the 绩效目标表
SIZE_5 = 21  # 五号 10.5 pt: the attachments' wide tables

# Page geometry in twips (1 mm = 56.7 twips): A4, GB/T 9704 margins.
A4_SHORT, A4_LONG = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474  # 37 / 35 / 28 / 26 mm
LINE_PITCH = 579  # 225 mm / 22 lines
CHAR_SPACE = -849  # 156 mm / 28 characters of 16 pt, in 1/4096 pt relative to 16 pt
PORTRAIT_WIDTH = A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT  # 8845: the 156 mm type area
# Landscape: the portrait page turned a quarter so that the table's head lies at the binding edge
# (GB/T 9704 §8): top = the binding margin (28 mm), bottom 26 mm, left 35 mm, right 37 mm.
LANDSCAPE_MARGINS = (1587, 1474, 1984, 2098)  # top, bottom, left, right
LANDSCAPE_WIDTH = A4_LONG - LANDSCAPE_MARGINS[2] - LANDSCAPE_MARGINS[3]  # 12756: 225 mm
FOOTER_DISTANCE_PORTRAIT = 1418  # 25 mm: the dashes of “— 1 —” sit about 7 mm below the type area
FOOTER_DISTANCE_LANDSCAPE = 907  # 16 mm
ONE_CHAR_14PT = 280  # 单页码居右空一字 / 双页码居左空一字 (one 四号 character)


# ---------------------------------------------------------------------------- styles


def fonts(east_asia: str, latin: str = LATIN) -> str:
    return f'<w:rFonts w:ascii="{latin}" w:eastAsia="{east_asia}" w:hAnsi="{latin}" w:cs="{latin}" w:hint="eastAsia"/>'


def run_properties(east_asia: str, size: int, *, latin: str = LATIN, bold: bool = False) -> str:
    weight = "<w:b/><w:bCs/>" if bold else ""
    return f'<w:rPr>{fonts(east_asia, latin)}{weight}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'


def paragraph_style(
    style_id: str,
    name: str,
    east_asia: str,
    size: int,
    *,
    align: str = "both",
    grid: bool = True,
    based_on: str = "Normal",
    latin: str = LATIN,
    bold: bool = False,
    first_line_chars: int = 0,
    keep_next: bool = False,
    outline: int | None = None,
    line: int = 240,
) -> str:
    ppr = ""
    ppr += "<w:keepNext/>" if keep_next else ""
    ppr += "" if grid else '<w:snapToGrid w:val="0"/>'
    ppr += f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="auto"/>' if not grid else ""
    ppr += f'<w:ind w:firstLineChars="{first_line_chars * 100}"/>' if first_line_chars else ""
    ppr += f'<w:jc w:val="{align}"/>'
    ppr += f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="{based_on}"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr>{run_properties(east_asia, size, latin=latin, bold=bold)}</w:style>"
    )


def styles_xml(table_size: int, title_size: int) -> str:
    """The whole styles part: few, named styles a person can change in Word's style gallery."""
    border = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    cell_margins = (
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    )
    styles = [
        "<w:docDefaults><w:rPrDefault>"
        f'<w:rPr>{fonts(FANGSONG)}<w:kern w:val="2"/><w:sz w:val="{SIZE_3}"/><w:szCs w:val="{SIZE_3}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>{run_properties(FANGSONG, SIZE_3)}</w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{cell_margins}</w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:customStyle="1" w:styleId="DocumentTable"><w:name w:val="公文表格"/>'
        '<w:basedOn w:val="TableNormal"/><w:qFormat/>'
        f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
        f"{cell_margins}</w:tblPr></w:style>",
        # 一、-level heading: 三号黑体 (GB/T 9704 §7.3.3), for sections a person adds to a template.
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:keepNext/><w:ind w:firstLineChars="200"/><w:outlineLvl w:val="0"/></w:pPr>'
        f"{run_properties(HEITI, SIZE_3)}</w:style>",
        # Titles and labels keep their own spacing: a character grid would spread a 22 pt title
        # over two grid cells per character (LibreOffice) — they are not body text.
        paragraph_style("AttachmentLabel", "附件标识", HEITI, SIZE_3, align="left", grid=False),
        paragraph_style(
            "DocumentTitle", "公文标题", XIAOBIAOSONG, title_size, align="center", grid=False, keep_next=True
        ),
        paragraph_style("YearLine", "标题年度", KAITI, SIZE_3, align="center", grid=False, keep_next=True),
        paragraph_style("ItemTitle", "项目标题", HEITI, SIZE_3, align="left", grid=False, keep_next=True),
        paragraph_style("DepartmentLine", "主管部门", FANGSONG, SIZE_4, align="left", grid=False),
        paragraph_style("UnitLine", "单位说明", FANGSONG, SIZE_4, align="right", grid=False, keep_next=True),
        paragraph_style("TableText", "表格正文", FANGSONG, table_size, align="both", grid=False),
        paragraph_style(
            "TableCenter", "表格居中", FANGSONG, table_size, align="center", grid=False, based_on="TableText"
        ),
        paragraph_style(
            "TableNumber", "表格数字", FANGSONG, table_size, align="right", grid=False, based_on="TableText"
        ),
        paragraph_style("TableHeading", "表头", HEITI, table_size, align="center", grid=False, based_on="TableText"),
        paragraph_style("TableNote", "表注", FANGSONG, SIZE_4, align="left", grid=False),
        paragraph_style("EndMark", "文末", FANGSONG, 2, align="left", grid=False),
        '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>'
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f"{run_properties(SONGTI, SIZE_4, latin=SONGTI)}</w:style>",
    ]
    return f"<w:styles {NSDECL}>{''.join(styles)}</w:styles>"


def font_table_xml() -> str:
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="{"00" if name == LATIN else "86"}"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        for name, alt, family, pitch in FONT_TABLE
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {NSDECL}>{entries}</w:fonts>'


# ---------------------------------------------------------------------------- body blocks


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraph(*runs_or_text: str, style: str = "Normal", keep_next: bool = False) -> str:
    """A paragraph; each argument is text for its own run (or raw run XML starting with <w:r)."""
    runs = "".join(part if part.startswith("<w:r") else run(part) for part in runs_or_text if part)
    keep = "<w:keepNext/>" if keep_next else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{runs}</w:p>'


PAGE_BREAK = '<w:r><w:br w:type="page"/></w:r>'


@dataclass
class CellSpec:
    """One template cell: its paragraphs (text or raw XML), grid span and look."""

    paragraphs: Sequence[str]
    span: int = 1
    style: str = "TableText"
    vmerge: str | None = None  # "restart" | "continue" (static merges of the header rows)
    valign: str = "center"


@dataclass
class RowSpec:
    cells: list[CellSpec]
    header: bool = False  # repeated at the top of every page
    cant_split: bool = False
    keep_with_next: bool = False  # never the last row on a page (its paragraphs keep with the next)


@dataclass
class TableSpec:
    widths: list[int]
    rows: list[RowSpec] = field(default_factory=list)


def cell(*paragraphs: str, span: int = 1, style: str = "TableText", vmerge: str | None = None) -> CellSpec:
    return CellSpec(list(paragraphs) or [""], span, style, vmerge)


def tag_row(tag: str, columns: int) -> RowSpec:
    """A row holding only a docxtpl row tag ({%tr for … %}); docxtpl removes it when rendering."""
    return RowSpec([cell(tag, span=columns)])


def table_xml(spec: TableSpec) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in spec.widths)
    rows = []
    for row in spec.rows:
        column = 0
        cells = []
        for c in row.cells:
            width = sum(spec.widths[column : column + c.span])
            column += c.span
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            tcpr += f'<w:gridSpan w:val="{c.span}"/>' if c.span > 1 else ""
            if c.vmerge == "restart":
                tcpr += '<w:vMerge w:val="restart"/>'
            elif c.vmerge == "continue":
                tcpr += "<w:vMerge/>"
            tcpr += f'<w:vAlign w:val="{c.valign}"/>'
            body = "".join(
                p if p.startswith(("<w:p", "<w:tbl")) else paragraph(p, style=c.style, keep_next=row.keep_with_next)
                for p in c.paragraphs
            )
            cells.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>")
        assert column == len(spec.widths), f"row spans {column} of {len(spec.widths)} columns"
        trpr = ("<w:cantSplit/>" if row.cant_split else "") + ("<w:tblHeader/>" if row.header else "")
        rows.append(f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}{''.join(cells)}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="DocumentTable"/><w:tblW w:w="{sum(spec.widths)}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def loop_paragraphs(expression: str, item: str, style: str) -> list[str]:
    """Paragraph tags repeating one paragraph per line of a text: {%p for … %} / {{ … }} / {%p endfor %}."""
    return [
        paragraph(f"{{%p for {item} in {expression} %}}", style=style),
        paragraph(f"{{{{ {item} }}}}", style=style),
        paragraph("{%p endfor %}", style=style),
    ]


# ---------------------------------------------------------------------------- the templates


def target_tables_body() -> str:
    """target-tables.docx: one project's 绩效目标表, or the year's 附件3 (one table per page)."""
    # Columns: 一级 | 二级 | 三级 (指标内容及口径) | 口径 | values (shared by the value columns).
    level1, level2, name, measure, values = 794, 1247, 2268, 1134, 3402
    widths = [level1, level2, name, measure, values]
    assert sum(widths) == PORTRAIT_WIDTH
    goal_table = table_xml(
        TableSpec(
            [6400],
            [
                RowSpec([cell("{% cellfor heading in goal.table.columns %}{{ heading }}", style="TableHeading")]),
                tag_row("{%tr for cells in goal.table.rows %}", 1),
                RowSpec([cell("{% cellfor text in cells %}{{ text }}", style="TableCenter")], cant_split=True),
                tag_row("{%tr endfor %}", 1),
            ],
        )
    )
    goal_text = [
        *loop_paragraphs("goal.text|paragraphs", "para", "TableText"),
        paragraph("{%p if goal.table %}", style="TableText"),
        goal_table,
        paragraph("", style="TableText"),
        paragraph("{%p endif %}", style="TableText"),
    ]
    goal_label = [
        paragraph("{{ goal.name }}", style="TableHeading"),
        paragraph("{%p if goal.deadline %}", style="TableHeading"),
        paragraph("（", "{{ goal.deadline }}", "）", style="TableHeading"),
        paragraph("{%p endif %}", style="TableHeading"),
    ]
    table = TableSpec(
        widths,
        [
            RowSpec(
                [cell("申报单位", span=2, style="TableHeading"), cell("{{ t.applicant }}", span=3)], cant_split=True
            ),
            RowSpec(
                [
                    cell("{{ t.amount_label }}", span=2, style="TableHeading"),
                    cell("{% if t.amount is not none %}{{ t.amount|money_plain }}万元{% endif %}", span=3),
                ],
                cant_split=True,
            ),
            tag_row("{%tr for goal in t.goals %}", 5),
            RowSpec([cell(*goal_label, span=2, style="TableHeading"), cell(*goal_text, span=3)]),
            tag_row("{%tr endfor %}", 5),
            tag_row("{%tr if t.rows %}", 5),
            RowSpec(
                [
                    cell("{{ t.target_heading }}", span=2, style="TableHeading"),
                    cell("{{ t.indicator_heading }}", span=2, style="TableHeading"),
                    cell("{% cellfor heading in t.columns %}{{ heading }}", style="TableHeading"),
                ],
                cant_split=True,
                keep_with_next=True,
            ),
            tag_row("{%tr for row in t.rows %}", 5),
            RowSpec(
                [
                    cell("{% vmerge row.level1 %}{{ row.level1.text }}", style="TableCenter"),
                    cell("{% vmerge row.level2 %}{{ row.level2.text }}", style="TableCenter"),
                    cell("{% vmerge row.name %}{{ row.name.text }}"),
                    cell(
                        "{% cellif t.has_measure and not row.name_spans_measure %}{{ row.measure }}",
                        style="TableCenter",
                    ),
                    cell("{% cellfor value in row.values %}{{ value }}", style="TableCenter"),
                ],
                cant_split=True,
            ),
            tag_row("{%tr endfor %}", 5),
            tag_row("{%tr endif %}", 5),
        ],
    )
    return "".join(
        [
            paragraph("{%p if attachment_label %}", style="AttachmentLabel"),
            paragraph("{{ attachment_label }}", style="AttachmentLabel"),
            paragraph("", style="Normal"),
            paragraph("{%p endif %}", style="AttachmentLabel"),
            paragraph("{%p for t in tables %}", style="ItemTitle"),
            paragraph(
                "{%r if not loop.first %}",
                PAGE_BREAK,
                "{%r endif %}",
                "{{ t.number }}",
                "{{ t.title }}",
                style="ItemTitle",
            ),
            paragraph("{{ fund_name }}", style="DocumentTitle"),
            paragraph("绩效目标表", style="DocumentTitle"),
            paragraph("（", "{{ year }}", "年）", style="YearLine"),
            table_xml(table),
            paragraph("{%p endfor %}", style="ItemTitle"),
            paragraph("{%p if note %}", style="TableNote"),
            paragraph("{{ note }}", style="TableNote"),
            paragraph("{%p endif %}", style="TableNote"),
            paragraph("", style="EndMark"),
        ]
    )


def catalog_body() -> str:
    """attachment-1-catalog.docx: 附件1 省级财政专项资金目录清单（<year>年）."""
    widths = [1247, 737, 964, 2268, 2608, 1134, 1077, 1077, 1077, 567]
    assert sum(widths) == LANDSCAPE_WIDTH
    heading = ["专项资金名称（战略领域名称）", "财政事权", "政策任务", "主要用途", "主要绩效目标", "资金额度"]
    first = [cell(text, style="TableHeading", vmerge="restart") for text in heading]
    first += [cell("审批权限设置", span=3, style="TableHeading"), cell("备注", style="TableHeading", vmerge="restart")]
    second = [cell("", style="TableHeading", vmerge="continue") for _ in heading]
    second += [cell(t, style="TableHeading") for t in ("保留省级审批", "下放用款单位", "下放市县")]
    second += [cell("", style="TableHeading", vmerge="continue")]
    data = [
        cell("{{ row.fund_name }}", style="TableCenter"),
        cell("{{ row.fiscal_authority }}", style="TableCenter"),
        cell("{{ row.policy_task }}", style="TableCenter"),
        cell(*loop_paragraphs("row.main_uses|paragraphs", "para", "TableText")),
        cell(*loop_paragraphs("row.main_targets|paragraphs", "para", "TableText")),
        cell("{{ row.amount|money }}", style="TableNumber"),
        cell("{{ row.provincial|money }}", style="TableNumber"),
        cell("{{ row.delegated_to_units|money }}", style="TableNumber"),
        cell("{{ row.municipal|money }}", style="TableNumber"),
        cell("{{ row.note }}"),
    ]
    table = TableSpec(widths, [RowSpec(first, header=True), RowSpec(second, header=True), RowSpec(data)])
    return "".join(
        [
            paragraph("{{ attachment_label }}", style="AttachmentLabel"),
            paragraph("", style="Normal"),
            paragraph("省级财政专项资金目录清单（", "{{ year }}", "年）", style="DocumentTitle"),
            paragraph("主管部门：", "{{ department }}", style="DepartmentLine"),
            paragraph("单位：万元", style="UnitLine"),
            table_xml(table),
            paragraph("", style="EndMark"),
        ]
    )


def allocation_body() -> str:
    """attachment-2-allocation.docx: 附件2 <year>年<fund>分配方案 with its computed 合计."""
    widths = [567, 1701, 1361, 1361, 3911, 1134, 1134, 794, 793]
    assert sum(widths) == LANDSCAPE_WIDTH
    heading = ["序号", "项目名称", "申报单位", "实施单位", "项目简介", "申报金额", "分配金额", "审批权限", "备注"]
    rows = [
        RowSpec([cell(text, style="TableHeading") for text in heading], header=True, cant_split=True),
        tag_row("{%tr for row in rows %}", len(widths)),
        RowSpec(
            [
                cell("{{ row.seq }}", style="TableCenter"),
                cell("{{ row.name }}"),
                cell("{{ row.applicant }}"),
                cell("{{ row.implementers|join('、') }}"),
                cell(*loop_paragraphs("row.summary|paragraphs", "para", "TableText")),
                cell("{{ row.requested|money }}", style="TableNumber"),
                cell("{{ row.allocated|money }}", style="TableNumber"),
                cell("{{ row.approval }}", style="TableCenter"),
                cell("{{ row.note }}"),
            ]
        ),
        tag_row("{%tr endfor %}", len(widths)),
        RowSpec(
            [
                cell("合计", span=5, style="TableHeading"),
                cell("{{ total_requested|money }}", style="TableNumber"),
                cell("{{ total_allocated|money }}", style="TableNumber"),
                cell("", style="TableCenter"),
                cell(""),
            ],
            cant_split=True,
        ),
    ]
    return "".join(
        [
            paragraph("{{ attachment_label }}", style="AttachmentLabel"),
            paragraph("", style="Normal"),
            paragraph("{{ year }}", "年", "{{ fund_name }}", "分配方案", style="DocumentTitle"),
            paragraph("单位：万元", style="UnitLine"),
            table_xml(TableSpec(widths, rows)),
            paragraph("", style="EndMark"),
        ]
    )


# ---------------------------------------------------------------------------- document assembly


def page_number_paragraph(align: str, indent_side: str) -> str:
    """“— 1 —” in 四号宋体 with a PAGE field, indented one character from its side."""
    field_runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    return (
        f'<w:p {NSDECL}><w:pPr><w:pStyle w:val="Footer"/><w:ind w:{indent_side}="{ONE_CHAR_14PT}"/>'
        f'<w:jc w:val="{align}"/></w:pPr>{run("— ")}{field_runs}{run(" —")}</w:p>'
    )


def build(body_xml: str, *, landscape: bool, table_size: int, title_size: int, title: str) -> bytes:
    document = Document()
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's default carries a Mac thumbnail
            package.rels.pop(rel_id)
    unused = ("/stylesWithEffects", "/customXml")  # Word 2010 style effects (438 KB), a bibliography store
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith(unused):
            document.part.rels.pop(rel_id)
    # Styles: replace the default part's content with docgen's few named styles.
    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    for child in parse_xml(styles_xml(table_size, title_size)):
        styles.append(child)
    for part in package.iter_parts():
        if part.partname == "/word/fontTable.xml":
            part._blob = font_table_xml().encode("utf-8")
    # Settings: odd and even footers, Word 2013 compatibility, Chinese theme language.
    document.settings.odd_and_even_pages_header_footer = True
    settings = document.settings.element
    for compat in settings.iter(f"{{{W_NS}}}compatSetting"):
        if compat.get(f"{{{W_NS}}}name") == "compatibilityMode":
            compat.set(f"{{{W_NS}}}val", "15")
    for theme_lang in settings.iter(f"{{{W_NS}}}themeFontLang"):
        theme_lang.set(f"{{{W_NS}}}eastAsia", "zh-CN")
    for rsids in settings.findall(f"{{{W_NS}}}rsids"):
        settings.remove(rsids)
    for compat in settings.findall(f"{{{W_NS}}}compat"):  # a line ended by a line break is not justified
        compat.insert(0, parse_xml(f"<w:doNotExpandShiftReturn {NSDECL}/>"))
    # Section: page size, margins, grid, footers.
    section = document.sections[0]
    if landscape:
        top, bottom, left, right = LANDSCAPE_MARGINS
        section.orientation = 1  # WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Twips(A4_LONG), Twips(A4_SHORT)
        section.footer_distance = Twips(FOOTER_DISTANCE_LANDSCAPE)
    else:
        top, bottom, left, right = MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT
        section.page_width, section.page_height = Twips(A4_SHORT), Twips(A4_LONG)
        section.footer_distance = Twips(FOOTER_DISTANCE_PORTRAIT)
    section.top_margin, section.bottom_margin = Twips(top), Twips(bottom)
    section.left_margin, section.right_margin = Twips(left), Twips(right)
    section.header_distance = Twips(851)
    section.gutter = Twips(0)
    sect_pr = section._sectPr
    grid = sect_pr.find(f"{{{W_NS}}}docGrid")
    if grid is None:
        grid = parse_xml(f"<w:docGrid {NSDECL}/>")
        sect_pr.append(grid)
    grid.attrib.clear()
    if landscape:
        grid.set(f"{{{W_NS}}}type", "lines")
        grid.set(f"{{{W_NS}}}linePitch", str(LINE_PITCH))
    else:
        grid.set(f"{{{W_NS}}}type", "linesAndChars")
        grid.set(f"{{{W_NS}}}linePitch", str(LINE_PITCH))
        grid.set(f"{{{W_NS}}}charSpace", str(CHAR_SPACE))
    for footer, align, side in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
        footer.is_linked_to_previous = False
        container = footer._element
        for child in list(container):
            container.remove(child)
        container.append(parse_xml(page_number_paragraph(align, side)))
    # Body: the blocks before the section properties.
    body = document.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    wrapper = parse_xml(f"<w:body {NSDECL}>{body_xml}</w:body>")
    for index, block in enumerate(list(wrapper)):
        body.insert(index, block)
    core = document.core_properties
    core.title, core.author, core.last_modified_by, core.comments = title, "", "", ""
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same bytes on every run: sorted entries with a fixed time."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=EPOCH_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name))
    return output.getvalue()


TEMPLATES: tuple[tuple[str, str, bool, int, int, str], ...] = (  # file, body, landscape, table and title size, title
    ("target-tables.docx", "target", False, SIZE_SMALL_4, SIZE_SMALL_2, "绩效目标表"),
    ("attachment-1-catalog.docx", "catalog", True, SIZE_5, SIZE_2, "省级财政专项资金目录清单"),
    ("attachment-2-allocation.docx", "allocation", True, SIZE_5, SIZE_SMALL_2, "专项资金分配方案"),
)
BODIES = {"target": target_tables_body, "catalog": catalog_body, "allocation": allocation_body}


def make_templates(out: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write the templates into ``out`` (all, or those named); return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    wanted = set(names) if names else None
    for file_name, body, landscape, size, title_size, title in TEMPLATES:
        if wanted is not None and file_name not in wanted:
            continue
        path = out / file_name
        path.write_bytes(
            build(BODIES[body](), landscape=landscape, table_size=size, title_size=title_size, title=title)
        )
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "templates" / "docx")
    args = parser.parse_args()
    for path in make_templates(args.out):
        print(path)


if __name__ == "__main__":
    main()
