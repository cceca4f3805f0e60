"""Content is untrusted: hostile text gives a valid document showing the text as written.

The renderer is called directly with strings the loader would refuse (control characters,
bidi controls, U+FFFE, lone surrogates), so that its own stripping is tested, not the
loader's. Every XML part must parse strictly, python-docx must read the document, markup and
template syntax in content must show literally, and a character XML cannot hold is dropped
(and reported by ``docgen check``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.api import Checked
from docgen.facts.derive import derive
from docgen.model.schema import Project
from docgen.render import docx as docx_renderer
from docgen.render.context import RenderContext
from docgen.render.docx_text import XML_ILLEGAL_CHARS, xml_safe
from docgen.render.jinja_env import FILTERS
from tests.render.docx_helpers import EPOCH, document, grid_rows, paragraph_text, part, top_tables

LONG = "长" * 10_000
paragraphs = FILTERS["paragraphs"]  # the shared meaning of “one paragraph per line”
HOSTILE = [
    "a < b && c > d",
    "<select>",
    "AT&T &amp; co",
    "\"double\" 'single' “curly”",
    "tab\there",
    "line one\nline two",
    "crlf\r\nand cr\rend",
    "nul\x00 vt\x0b ff\x0c bel\x07 esc\x1b",
    "bidi \u202eabc\u202c and \u2066isolate\u2069",
    "non-characters \ufffe\uffff",
    "lone \ud800 surrogate",
    "{{ 7*7 }} {% if true %}x{% endif %} {%p if 1 %} {_{ kept }_}",
    "</w:t></w:r></w:p><w:p><w:r><w:t>INJECTED",
    "]]> <![CDATA[ &#x41; &lt;",
    "emoji 😀 and NEL \x85 and LS \u2028",
    LONG,
]


def hostile_project(base: Project, text: str, *, name: str | None = None) -> Project:
    """The project with ``text`` in its header, goals, indicator table and 分配方案 cells."""
    data = base.model_dump(mode="python")
    data.update(applicant=text, summary=text, note=text, implementers=[text, "乙单位"], name=name or base.name)
    data["goals"]["annual"]["text"] = f"1. {text}\n2. 第二段"
    data["indicators"][0]["groups"][0]["items"][0].update(name=text, annual=text)
    return Project.model_validate(data)


def context_with(shipped: Checked, project: Project) -> RenderContext:
    projects = {
        **shipped.content.projects,
        project.year: {**shipped.content.projects[project.year], project.id: project},
    }
    content = dataclasses.replace(shipped.content, projects=projects)
    return RenderContext(shipped.paths, content, derive(content), EPOCH)


def all_parts_parse_strictly(data: bytes) -> None:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # raises on anything malformed


@pytest.fixture(scope="module")
def base(shipped: Checked) -> Project:
    return shipped.content.projects[2022]["reguarantee-fee-subsidy"]


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:24]) for t in HOSTILE])
def test_hostile_text_shows_as_written(shipped: Checked, base: Project, text: str) -> None:
    project = hostile_project(base, text)
    ctx = context_with(shipped, project)
    data = docx_renderer.render_target_table(ctx, 2022, project.id)
    assert not list(ctx.diagnostics)
    all_parts_parse_strictly(data)
    document(data)  # python-docx reads it
    shown = xml_safe(project.applicant or "")
    rows = grid_rows(top_tables(data)[0])
    assert rows[0][1].text == shown
    goal = project.goals.annual.text if project.goals.annual else ""
    assert list(rows[2][1].paragraphs) == paragraphs(xml_safe(goal or ""))  # one paragraph per line, as in HTML
    indicator = rows[5]
    assert indicator[2].text == xml_safe(project.indicators[0].groups[0].items[0].name or "")
    body_texts = [paragraph_text(p) for p in part(data).iter("{*}p")]
    assert "INJECTED" not in body_texts, "markup in content never becomes document structure"
    assert "49" not in " ".join(body_texts), "template syntax in content is never evaluated"
    for illegal in XML_ILLEGAL_CHARS.findall(text):
        assert illegal not in "".join(body_texts)


@pytest.mark.parametrize("text", HOSTILE[:4] + HOSTILE[7:13], ids=[repr(t[:24]) for t in HOSTILE[:4] + HOSTILE[7:13]])
def test_hostile_text_in_the_attachments(shipped: Checked, base: Project, text: str) -> None:
    project = hostile_project(base, text)
    ctx = context_with(shipped, project)
    allocation = docx_renderer.render_allocation(ctx, 2022)
    targets = docx_renderer.render_targets_attachment(ctx, 2022)
    for data in (allocation, targets):
        all_parts_parse_strictly(data)
        document(data)
    row = grid_rows(top_tables(allocation)[0])[project.seq]
    assert row[2].text == xml_safe(project.applicant or "")
    assert row[3].text == xml_safe("、".join(project.implementers))
    assert list(row[4].paragraphs) == (paragraphs(xml_safe(project.summary or "")) or [""])


def test_title_with_markup_becomes_the_core_property_as_written(shipped: Checked, base: Project) -> None:
    project = hostile_project(base, "x", name="A & B <项目> \x0b")
    project = project.model_copy(update={"target_table": None})
    ctx = context_with(shipped, project)
    data = docx_renderer.render_target_table(ctx, 2022, project.id)
    assert document(data).core_properties.title == "A & B <项目> 绩效目标表（2022年）"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_categories=()), max_size=80))
def test_any_text_round_trips(shipped: Checked, base: Project, text: str) -> None:
    project = hostile_project(base, text or "x")
    ctx = context_with(shipped, project)
    data = docx_renderer.render_target_table(ctx, 2022, project.id)
    all_parts_parse_strictly(data)
    rows = grid_rows(top_tables(data)[0])
    assert rows[0][1].text == xml_safe(project.applicant or "")
    assert rows[5][-1].text == xml_safe(project.indicators[0].groups[0].items[0].annual or "")


def test_check_reports_characters_xml_cannot_hold(make_content: Callable[..., Checked]) -> None:
    checked = make_content({"projects/2023/alpha.yaml": ALPHA_WITH.format(name='"甲\\uFFFE项目"')})
    found = [d for d in checked.diagnostics if d.code == "xml-char"]
    assert [(d.path, d.line, d.severity.value) for d in found] == [("content/projects/2023/alpha.yaml", 4, "error")]
    assert "U+FFFE" in found[0].message


def test_check_is_quiet_on_clean_content(make_content: Callable[..., Checked]) -> None:
    checked = make_content()
    assert not [d for d in checked.diagnostics if d.code == "xml-char"]


ALPHA_WITH = """\
id: alpha
year: 2023
seq: 1
name: {name}
applicant: 甲单位
requested: 400
allocated: 300
approval: 省级
direction: real-economy
goals:
  annual:
    text: 全年服务企业不少于100家。
"""


def test_xml_safe_keeps_what_xml_can_hold() -> None:
    text = "tab\t lf\n 中文 “引号” \u202e \x85 😀 &<>"
    assert xml_safe(text) == text
    assert xml_safe("a\r\nb\rc\x00d\x0be\x0cf\ufffeg\ud800h") == "a\nb\ncdefgh"


def test_xml_safe_tree_cleans_every_text_and_keeps_what_it_does_not_change() -> None:
    """Through dataclasses (frozen, slotted), lists, tuples, dicts (keys too) and text subclasses;
    numbers and dates are left as they are, and a part with nothing to clean is the very same object."""
    from datetime import date
    from decimal import Decimal

    from markupsafe import Markup

    from docgen.render.docx_text import xml_safe_tree

    @dataclasses.dataclass(frozen=True, slots=True)
    class Row:
        name: str
        amount: Decimal
        notes: tuple[str, ...]

    clean_row = Row("中文", Decimal("1.50"), ("甲", "乙"))
    tree = {
        "rows": [clean_row, Row("a\x0cb", Decimal(2), ("c\r\nd", "e"))],
        "k\x00ey": Markup("<b>x\x01</b>"),
        "when": date(2024, 1, 2),
        "flags": (True, 3, 1.5, None),
    }
    cleaned = xml_safe_tree(tree)
    assert cleaned == {
        "rows": [clean_row, Row("ab", Decimal(2), ("c\nd", "e"))],
        "key": "<b>x</b>",
        "when": date(2024, 1, 2),
        "flags": (True, 3, 1.5, None),
    }
    assert cleaned["rows"][0] is clean_row and cleaned["flags"] is tree["flags"]
    untouched = {"rows": [clean_row], "n": 1}
    assert xml_safe_tree(untouched) is untouched
