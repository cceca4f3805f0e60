"""图1-1 资金支持方向示意图: the fund's directions as a pie chart, drawn by pygal as SVG.

The slices are the directions' amounts; every label is formatted by
:mod:`docgen.facts.format` (the same 75.49% as 表1-2). The SVG names the 黑体 and 宋体 role
fonts (``docgen-heiti``), which the PDF's ``@font-face`` rules provide, so the Chinese labels
are drawn with the embedded fonts. The output is deterministic: pygal's random chart id, its
dated comment and its (interactive) scripts are replaced or removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from docgen.facts import format as fmt
from docgen.facts.derive import DirectionFacts

SVG_NS = "http://www.w3.org/2000/svg"
CHART_WIDTH = 640
CHART_HEIGHT = 400
# pygal closes a pie slice with an arc of radius 0 back to the centre; SVG treats that as a
# straight line, WeasyPrint draws it as a spike. It is rewritten as the line it means.
_ZERO_RADIUS_ARC = re.compile(r"A0(?:\.0+)? 0(?:\.0+)? [-\d.]+ [01] [01] ([-\d.]+) ([-\d.]+)")
# Print-friendly, distinguishable in greyscale from dark to light.
PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f")


def direction_label(direction: DirectionFacts) -> str:
    """金融服务实体经济项目：8个，2,944.82万元（75.49%）."""
    amount = fmt.money_table(direction.amount)
    return f"{direction.name}：{fmt.count(direction.count)}个，{amount}万元（{fmt.percent(direction.share)}）"


def directions_chart(directions: Sequence[DirectionFacts], chart_id: str) -> bytes:
    """图1-1 as SVG bytes; ``chart_id`` replaces pygal's random id (e.g. ``directions-2023``)."""
    import pygal
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        foreground="#000000",
        foreground_strong="#000000",
        foreground_subtle="#333333",
        font_family='"docgen-heiti", "docgen-songti"',
        value_font_family='"docgen-heiti"',
        legend_font_family='"docgen-fangsong", "docgen-songti"',
        legend_font_size=17,
        value_font_size=15,
        colors=PALETTE,
        value_colors=("#ffffff",) * len(PALETTE),
        opacity="1",
        stroke_opacity="1",
        transition="0ms",
    )
    chart = pygal.Pie(
        style=style,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        legend_box_size=14,
        truncate_legend=-1,
        print_values=True,
        print_values_position="center",
        show_legend=True,
        js=[],
        disable_xml_declaration=True,
        pretty_print=False,
        margin=4,
        spacing=8,
    )
    chart.uuid = chart_id
    for direction in directions:
        if direction.amount <= 0:
            continue
        share = fmt.percent(direction.share)
        chart.add(direction_label(direction), [float(direction.amount)], formatter=lambda _value, text=share: text)
    svg = chart.render(is_unicode=True)
    return _printable(svg)


def _printable(svg: str) -> bytes:
    """Drop pygal's dated comments and its scripts (a PDF runs none); straighten zero-radius arcs."""
    root = etree.fromstring(svg.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for node in list(root.iter(etree.Comment, f"{{{SVG_NS}}}script")):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    for path in root.iter(f"{{{SVG_NS}}}path"):
        data = path.get("d")
        if data:
            path.set("d", _ZERO_RADIUS_ARC.sub(r"L\1 \2", data))
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))
