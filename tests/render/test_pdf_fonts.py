"""Fonts of the PDFs: the 公文 roles, embedded, with a glyph for every character of the content.

The glyph checks read the PDFs (qpdf's decoded content streams and ToUnicode maps) and compare
every glyph drawn with the cmap of the face fontconfig resolves for its role, read with
fontTools: a missing glyph (.notdef, or a character the face lacks and a system font drew), the
Japanese face of a Noto collection, or a font outside the roles fails them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from docgen.api import Checked
from docgen.render import fonts
from tests.render.pdf_helpers import font_texts, rendered, run, text_runs

PDFS = (
    "2023/evaluation-report.pdf",
    "2021/targets.pdf",
    "2022/targets.pdf",
    "2023/targets.pdf",
    "2024/targets.pdf",
)
ROLE_FAMILIES = {role.css_family: role for role in fonts.ROLES}


@cache
def _glyph_ids(role_key: str) -> dict[int, int]:
    """character → glyph id in the face fontconfig resolves for the role."""
    font = fonts.resolved_fonts()[role_key]
    with TTFont(str(font.path), fontNumber=font.index, lazy=True) as face:
        return {codepoint: face.getGlyphID(name) for codepoint, name in face.getBestCmap().items()}


def _role_of(pdf_font: str) -> fonts.FontRole:
    """docgen-fangsong-Bold (fontconfig's emboldened face) → the 仿宋 role."""
    family = pdf_font.removesuffix("-Bold")
    assert family in ROLE_FAMILIES, f"{pdf_font} is not a role font: a system font drew some text"
    return ROLE_FAMILIES[family]


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_this_machine_can_render_pdfs() -> None:
    lines, problems = fonts.describe_setup()
    assert problems == []
    assert any(line.startswith("仿宋 (docgen-fangsong): FandolFang:style=Regular → /") for line in lines)


@pytest.mark.parametrize("output", PDFS)
def test_pdffonts_lists_only_embedded_role_fonts(output: str) -> None:
    listing = run("pdffonts", str(rendered(output).path)).splitlines()[2:]
    assert listing, "no fonts"
    for line in listing:
        name, *columns = line.split()
        emb, sub, uni = columns[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line
        _role_of(name.split("+", 1)[1])


@pytest.mark.parametrize("output", PDFS)
def test_every_glyph_drawn_is_the_role_face_glyph_of_its_character(output: str) -> None:
    problems = []
    drawn = 0
    for text_run in text_runs(rendered(output).path):
        role = _role_of(text_run.font)
        glyph_ids = _glyph_ids(role.key)
        for glyph, char in zip(text_run.glyphs, text_run.text, strict=True):
            drawn += 1
            if glyph == 0:
                problems.append(f"{role.name}: .notdef drawn (a missing glyph) in {text_run.text!r}")
            elif ord(char) not in glyph_ids:
                problems.append(f"{role.name}: {char!r} (U+{ord(char):04X}) is not in {role.family}")
            elif glyph_ids[ord(char)] != glyph:
                problems.append(
                    f"{role.name}: {char!r} drawn with glyph {glyph}, the face maps it to {glyph_ids[ord(char)]}"
                )
    assert drawn > 1000
    assert problems == []


def test_the_glyph_check_tells_the_chinese_faces_apart() -> None:
    """The SC and JP faces of Noto map some characters of the report to different glyphs."""
    font = fonts.resolved_fonts()["songti"]
    with TTFont(str(font.path), fontNumber=0, lazy=True) as japanese:
        jp = {cp: japanese.getGlyphID(name) for cp, name in japanese.getBestCmap().items()}
    sc = _glyph_ids("songti")
    report_chars = {ch for r in text_runs(rendered(PDFS[0]).path) for ch in r.text}
    differing = {ch for ch in report_chars if ord(ch) in jp and jp[ord(ch)] != sc[ord(ch)]}
    assert len(differing) > 10


def test_headings_and_page_numbers_use_their_roles() -> None:
    merged = font_texts(rendered("2023/evaluation-report.pdf").path)
    used = set(merged)
    assert ("docgen-heiti", "一、基本情况") in used  # 一、 黑体
    assert ("docgen-kaiti", "（一）专项资金安排的基本情况") in used  # （一） 楷体
    assert ("docgen-fangsong-Bold", "1.论证决策") in used  # 1. 仿宋 (加粗: fontconfig emboldens FandolFang)
    assert any(font == "docgen-fangsong" and "（1）资金管理" in text for font, text in used)  # （1） 仿宋
    assert any(font == "docgen-xiaobiaosong-Bold" and "专项资金" in text for font, text in used)  # the title: 小标宋
    page_numbers = [(font, text) for font, text in merged if text.startswith("— ") and text.strip("— ").isdigit()]
    assert len(page_numbers) > 30 and {font for font, _ in page_numbers} == {"docgen-songti"}  # — N —: 宋体
    assert ("docgen-songti", "— 1 —") in page_numbers
    body = max(merged, key=lambda run: len(run[1]))
    assert body[0] == "docgen-fangsong"  # 正文: 仿宋


def test_every_character_of_the_content_has_a_glyph_in_every_role(shipped: Checked) -> None:
    """Any content text may stand in any role (a name in a 黑体 total row, a 楷体 heading)."""
    chars = set()
    for document in shipped.content.documents.values():
        for text in _strings(document.data):
            chars.update(text)
    for notice in shipped.content.notices:
        chars.update(notice.body)
    chars = {c for c in chars if c.isprintable() and not c.isspace()}
    assert len(chars) > 500
    for role in fonts.ROLES:
        covered: set[str] = set()
        for member in fonts.fallback_chain(role):
            covered |= {c for c in chars if ord(c) in _glyph_ids(member.key)}
        assert sorted(chars - covered) == [], f"{role.name} ({role.family} and its fallbacks) lacks these"


@pytest.mark.parametrize("role", fonts.ROLES, ids=lambda r: r.key)
def test_every_role_font_covers_gb2312(role: fonts.FontRole) -> None:
    missing = [c for c in fonts.gb2312_hanzi() if ord(c) not in _glyph_ids(role.key)]
    assert len(fonts.gb2312_hanzi()) == 6763
    assert missing == []


def test_collections_are_served_as_the_simplified_chinese_face() -> None:
    resolved = fonts.resolved_fonts()
    for key, family in (("heiti", "Noto Sans CJK SC"), ("songti", "Noto Serif CJK SC"), ("kaiti", "AR PL UKai CN")):
        font = resolved[key]
        assert font.is_collection
        from io import BytesIO

        with TTFont(BytesIO(fonts.face_bytes(font)), lazy=True) as face:
            assert face["name"].getDebugName(1) == family
    assert resolved["xiaobiaosong"].url.endswith("NotoSerifCJK-Bold.ttc#face=2")


def test_no_cjk_font_installed_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fonts").mkdir()
    config = tmp_path / "fonts.conf"
    folders = f"<dir>{tmp_path / 'fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
    config.write_text(f'<?xml version="1.0"?><fontconfig>{folders}</fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    found, problems = fonts.find_fonts()
    assert found == {}
    assert len(problems) == len(fonts.ROLES)
    assert any("仿宋" in p and "FandolFang" in p and "texlive-lang-chinese" in p for p in problems)
    assert any("黑体" in p and "fonts-noto-cjk" in p for p in problems)
    assert any("楷体" in p and "fonts-arphic-ukai" in p for p in problems)
    fonts.resolved_fonts.cache_clear()
    try:
        with pytest.raises(fonts.FontSetupError, match="no font for 宋体"):
            fonts.resolved_fonts()
    finally:
        monkeypatch.undo()
        fonts.resolved_fonts.cache_clear()


def test_no_harfbuzz_subsetting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    problem = fonts.harfbuzz_subset_problem()
    assert problem is not None and "libharfbuzz-subset0" in problem and "7 s" in problem
    fonts.resolved_fonts.cache_clear()
    try:
        with pytest.raises(fonts.FontSetupError, match="libharfbuzz-subset0"):
            fonts.resolved_fonts()
    finally:
        monkeypatch.undo()
        fonts.resolved_fonts.cache_clear()


def test_the_cli_reports_a_missing_font_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir></fontconfig>')
    env = {"FONTCONFIG_FILE": str(config), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "docgen", "fonts"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 1
    assert "no font for 仿宋" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_an_extracted_face_is_kept_in_the_cache_folder_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCGEN_CACHE_DIR", str(tmp_path))
    collection = next(font for font in fonts.resolved_fonts().values() if font.is_collection)
    fonts._extracted_face.cache_clear()
    extracted = fonts.face_bytes(collection)
    [entry] = (tmp_path / "fonts").iterdir()
    assert entry.read_bytes() == extracted
    entry.write_bytes(extracted[:100] + b"marker")  # what the next process reads is the entry
    fonts._extracted_face.cache_clear()
    assert fonts.face_bytes(collection) == extracted[:100] + b"marker"
    monkeypatch.setenv("DOCGEN_CACHE_DIR", "off")
    fonts._extracted_face.cache_clear()
    assert fonts.face_bytes(collection) == extracted
    fonts._extracted_face.cache_clear()


_COUNT_SPAWNS = """
import subprocess, sys
spawned = []
popen = subprocess.Popen.__init__
def counting(self, args, *rest, **options):
    spawned.append(args if isinstance(args, str) else args[0])
    popen(self, args, *rest, **options)
subprocess.Popen.__init__ = counting
from docgen.render import pdf
pdf.warm_up()
import weasyprint.text.ffi as ffi
assert ffi.pango is not None and ffi.harfbuzz_subset is not None
print("\\n".join(spawned))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
def test_weasyprint_loads_its_libraries_without_searching_for_them() -> None:
    """WeasyPrint's six names a library cost 24 ldconfig/gcc/ld runs (0.3–0.5 s a process); none now."""
    spawned = subprocess.run(
        [sys.executable, "-c", _COUNT_SPAWNS], capture_output=True, text=True, check=True
    ).stdout.split()
    searches = [name for name in spawned if Path(name).name in {"ldconfig", "gcc", "ld"}]
    assert searches == [], spawned


def test_the_role_faces_are_linked_not_copied_and_give_the_pdf_weasyprint_s_copies_give(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WeasyPrint copies every @font-face into a folder of its own (~86 MB a process); the print
    setup links the role faces instead, with WeasyPrint's rules, so the PDF is the same."""
    import dataclasses

    from weasyprint.text.fonts import FontConfiguration

    from docgen.render import pdf
    from docgen.render.font_config import RoleFontConfiguration

    roles = "".join(f'<p style="font-family: {family}">专项资金绩效目标 2024年 ①</p>' for family in ROLE_FAMILIES)
    html = f'<link rel="stylesheet" href="{pdf.generated_url(pdf.FONTS_STYLESHEET)}">{roles}'
    setup = pdf.print_setup()
    assert isinstance(setup.font_config, RoleFontConfiguration)
    linked = pdf.render_pdf(html, []).data
    folder = Path(setup.font_config._folder)
    faces = {fonts.face_file(font) for font in setup.fonts.values()}
    assert sorted(path.is_symlink() for path in folder.iterdir()) == [True] * len(fonts.ROLES)
    assert {path.resolve() for path in folder.iterdir()} == {face.resolve() for face in faces if face is not None}

    copying = FontConfiguration()
    monkeypatch.setattr(pdf, "print_setup", lambda: dataclasses.replace(setup, font_config=copying))
    try:
        assert pdf.render_pdf(html, []).data == linked
        assert not any(path.is_symlink() for path in Path(copying._folder).iterdir())  # WeasyPrint's copies
    finally:
        pdf._remove_face_copies(copying)


_ROLES_HTML = "".join(f'<p style="font-family: {family}">专项资金绩效目标 2024年 ①</p>' for family in ROLE_FAMILIES)

_RENDER_AFTER_THE_CACHE_IS_EMPTIED = """
import shutil, sys
from pathlib import Path
from docgen.render import pdf
pdf.warm_up()  # the faces registered (a face's file is opened when it is first drawn with)
shutil.rmtree(Path(sys.argv[1]) / "fonts")  # the cache folder emptied while the process runs
html = f'<link rel="stylesheet" href="{pdf.generated_url(pdf.FONTS_STYLESHEET)}">' + sys.argv[2]
Path(sys.argv[3]).write_bytes(pdf.render_pdf(html, []).data)
"""


def test_a_face_removed_from_the_cache_while_a_process_runs_is_extracted_again(tmp_path: Path) -> None:
    """The role faces are registered where they are (a collection's face: its file in the cache
    folder), so a face removed from there is extracted again before the next PDF: same bytes."""
    from docgen.render import pdf

    stylesheet = f'<link rel="stylesheet" href="{pdf.generated_url(pdf.FONTS_STYLESHEET)}">'
    expected = pdf.render_pdf(stylesheet + _ROLES_HTML, [])
    cache, out = tmp_path / "cache", tmp_path / "out.pdf"
    env = {**os.environ, "DOCGEN_CACHE_DIR": str(cache)}
    command = [sys.executable, "-c", _RENDER_AFTER_THE_CACHE_IS_EMPTIED, str(cache), _ROLES_HTML, str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    assert out.read_bytes() == expected.data
    collections = sum(font.is_collection for font in fonts.resolved_fonts().values())
    assert len(list((cache / "fonts").glob("*.otf"))) == collections
