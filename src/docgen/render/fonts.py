"""The 公文 font roles (字体角色) and the free fonts that stand in for them in PDFs.

GB/T 9704 names 仿宋, 黑体, 楷体, 小标宋 and 宋体; none of them exists on a Linux build
machine. Each role is mapped to a free font with full GB2312 coverage (domain.md §5), found
through fontconfig (``fc-match``) and embedded with ``@font-face`` under a family name of
our own (``docgen-fangsong`` …), so that the print stylesheets name roles, not fonts.

Noto CJK and AR PL UKai ship as collections (.ttc) whose faces share one file: the simplified
Chinese face of Noto is index 2, and fontconfig registers *every* face of a collection under
an ``@font-face`` family, so WeasyPrint would draw with the Japanese face (index 0). The face
fontconfig selected by family name is therefore extracted with fontTools and served alone.

A role whose font lacks a character falls back to the roles listed in its ``fallbacks``
(FandolFang has no ``−`` or ``≧``: 宋体 draws them), never to whatever the system has.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from docgen.cache_home import cache_home, write_entry

FC_MATCH_TIMEOUT_SECONDS = 20
COLLECTION_SUFFIXES = (".ttc", ".otc")


@dataclass(frozen=True, slots=True)
class FontRole:
    """A font role of the 公文 format (仿宋 for the body, 黑体 for 一、 headings …)."""

    key: str
    name: str  # the 公文 font this role stands for: 仿宋, 黑体 …
    family: str  # the free font's fontconfig family name
    style: str | None  # the fontconfig style to ask for (Bold for 小标宋), None for the default
    fallbacks: tuple[str, ...]  # roles (keys) that draw the characters this font lacks
    provider: str  # where the font comes from, for the error message when it is missing

    @property
    def css_family(self) -> str:
        """The family name the print stylesheets use for this role."""
        return f"docgen-{self.key}"

    @property
    def fc_pattern(self) -> str:
        return f"{self.family}:style={self.style}" if self.style else self.family


ROLES: tuple[FontRole, ...] = (
    FontRole(
        "fangsong",
        "仿宋",
        "FandolFang",
        "Regular",
        ("songti",),
        "FandolFang-Regular.otf (scripts/setup-system.sh unpacks it from texlive-lang-chinese)",
    ),
    FontRole("heiti", "黑体", "Noto Sans CJK SC", "Regular", (), "fonts-noto-cjk"),
    FontRole("kaiti", "楷体", "AR PL UKai CN", None, ("songti",), "fonts-arphic-ukai"),
    FontRole("xiaobiaosong", "小标宋", "Noto Serif CJK SC", "Bold", ("songti",), "fonts-noto-cjk"),
    FontRole("songti", "宋体", "Noto Serif CJK SC", "Regular", (), "fonts-noto-cjk"),
)
"""The roles, in the order the stylesheet declares them."""

ROLE_BY_KEY: dict[str, FontRole] = {role.key: role for role in ROLES}


class FontSetupError(RuntimeError):
    """The machine cannot render PDFs as they must look: a font or HarfBuzz subsetting is missing."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("PDF rendering is not set up:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ResolvedFont:
    """The font file (and face in a collection) fontconfig chose for a role."""

    role: FontRole
    path: Path
    index: int  # the face in a collection; 0 for a single font
    family: str  # as fontconfig reports it

    @property
    def is_collection(self) -> bool:
        return self.path.suffix.lower() in COLLECTION_SUFFIXES

    @property
    def url(self) -> str:
        """The ``@font-face`` URL: the file, with the face of a collection as its fragment."""
        uri = self.path.as_uri()
        return f"{uri}#face={self.index}" if self.is_collection else uri


def _fc_match(pattern: str) -> tuple[Path, int, list[str], str] | None:
    """(file, face index, families, style) fontconfig matches for ``pattern``, or None."""
    executable = shutil.which("fc-match")
    if executable is None:
        return None
    fields = "%{file}\\n%{index}\\n%{family}\\n%{style}\\n"
    result = subprocess.run(
        [executable, "--format", fields, pattern],
        capture_output=True,
        text=True,
        timeout=FC_MATCH_TIMEOUT_SECONDS,
        check=False,
    )
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < 4 or not lines[0]:
        return None
    try:
        index = int(lines[1] or "0")
    except ValueError:
        return None
    return Path(lines[0]), index, [f.strip() for f in lines[2].split(",")], lines[3]


def find_fonts(roles: Iterable[FontRole] = ROLES) -> tuple[dict[str, ResolvedFont], list[str]]:
    """Ask fontconfig for each role's font; return what it found and what is missing."""
    found: dict[str, ResolvedFont] = {}
    problems: list[str] = []
    if shutil.which("fc-match") is None:
        return found, ["fc-match (fontconfig) is not installed: install the `fontconfig` package"]
    for role in roles:
        match = _fc_match(role.fc_pattern)
        if match is None or role.family not in match[2]:
            got = f" (fontconfig offers {', '.join(match[2])} instead)" if match else ""
            missing = f"no font for {role.name} ({role.key}): {role.fc_pattern!r} is not installed{got}"
            problems.append(f"{missing}; install {role.provider}")
            continue
        path, index, _families, style = match
        if role.style and role.style.lower() not in style.lower():
            wrong = f"{role.name} ({role.key}) needs {role.fc_pattern!r}; fontconfig offers the style {style!r}"
            problems.append(f"{wrong}; install {role.provider}")
            continue
        found[role.key] = ResolvedFont(role, path, index, role.family)
    return found, problems


def harfbuzz_subset_problem() -> str | None:
    """Why WeasyPrint cannot subset fonts with HarfBuzz (each PDF would cost ~7 s more), or None."""
    from docgen.render.native import import_weasyprint

    import_weasyprint()
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        return (
            "WeasyPrint has no HarfBuzz subsetting (libharfbuzz-subset0 is missing): it would fall back "
            "to fontTools, about 7 s more per PDF (performance.md); install libharfbuzz-subset0"
        )
    if not ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        return (
            "HarfBuzz is older than 4.1: WeasyPrint cannot subset with it; upgrade libharfbuzz0b, libharfbuzz-subset0"
        )
    return None


def _setup() -> tuple[dict[str, ResolvedFont], list[str]]:
    """The role fonts fontconfig finds, and every problem of the machine's PDF setup."""
    found, problems = find_fonts()
    harfbuzz = harfbuzz_subset_problem()
    return found, [*problems, *([harfbuzz] if harfbuzz else [])]


def describe_setup() -> tuple[list[str], list[str]]:
    """(one line per role naming its font file, the problems): what ``docgen fonts`` prints."""
    found, problems = _setup()
    lines = []
    for role in ROLES:
        font = found.get(role.key)
        where = (
            f"{font.path} (face {font.index})"
            if font and font.is_collection
            else (str(font.path) if font else "missing")
        )
        lines.append(f"{role.name} ({role.css_family}): {role.fc_pattern} → {where}")
    lines.append("HarfBuzz subsetting: " + ("missing" if harfbuzz_subset_problem() else "available"))
    return lines, problems


@cache
def resolved_fonts() -> dict[str, ResolvedFont]:
    """The fonts of every role, resolved once per process; raises :class:`FontSetupError`."""
    found, problems = _setup()
    if problems:
        raise FontSetupError(problems)
    return found


def fallback_chain(role: FontRole) -> tuple[FontRole, ...]:
    """The role and the roles that draw what its font lacks, in order."""
    return (role, *(ROLE_BY_KEY[key] for key in role.fallbacks))


def font_face_css(fonts: dict[str, ResolvedFont]) -> str:
    """The ``@font-face`` rules of the roles and the custom properties naming their fallback chains."""
    rules = []
    for role in ROLES:
        font = fonts[role.key]
        rules.append(f'@font-face {{ font-family: "{role.css_family}"; src: url("{font.url}"); }}')
    families = []
    for role in ROLES:
        chain = ", ".join(f'"{r.css_family}"' for r in fallback_chain(role))
        families.append(f"  --font-{role.key}: {chain};")
    return "\n".join([*rules, ":root {", *families, "}", ""])


def face_bytes(font: ResolvedFont) -> bytes:
    """The font program of exactly the role's face (a collection's face extracted alone).

    Read again each time (a PDF process asks once per face for WeasyPrint and once per targets
    book): keeping the five faces (~100 MB) in every PDF process cost more than reading them.
    """
    if not font.is_collection:
        return font.path.read_bytes()
    stat = font.path.stat()
    entry = _extracted_face(str(font.path), font.index, stat.st_size, stat.st_mtime_ns)
    if entry is not None:
        with contextlib.suppress(OSError):
            return entry.read_bytes()
    return _extract_face(str(font.path), font.index)


def face_file(font: ResolvedFont) -> Path | None:
    """A file that is exactly the role's face: the font file, or a collection's face extracted
    into the cache folder; None for a collection when there is no cache."""
    if not font.is_collection:
        return font.path
    stat = font.path.stat()
    return _extracted_face(str(font.path), font.index, stat.st_size, stat.st_mtime_ns)


def restore_extracted_faces(fonts: Iterable[ResolvedFont]) -> None:
    """Extract again each collection's face whose file the cache folder no longer has.

    The print setup registers the faces where they are (:mod:`docgen.render.font_config`), and a
    process opens a face's file when it first draws with it: a cache folder emptied while a
    long-lived process runs (``docgen build --watch``, ``docgen serve``) would otherwise leave its
    PDFs without the face. A few ``stat`` calls a document."""
    for font in fonts:
        entry = face_file(font) if font.is_collection else None
        if entry is not None and not entry.is_file():
            write_entry(entry, _extract_face(str(font.path), font.index))


@lru_cache(maxsize=16)
def _extracted_face(path: str, index: int, size: int, mtime_ns: int) -> Path | None:
    """The cache folder's copy of a collection's face, extracted once per machine (~0.5 s); None without a cache."""
    from importlib.metadata import version

    home = cache_home()
    if home is None:
        return None
    key = hashlib.sha256(f"{path}|{index}|{size}|{mtime_ns}|{version('fonttools')}".encode()).hexdigest()
    entry = home / "fonts" / f"{key}.otf"
    if not entry.is_file():
        write_entry(entry, _extract_face(path, index))
    return entry


def _extract_face(path: str, index: int) -> bytes:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    out = io.BytesIO()
    # recalcTimestamp=False: the face keeps its own head.modified, so the PDF's bytes do not
    # depend on when it was extracted
    with TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False) as face:
        face.save(out, reorderTables=False)
    return out.getvalue()


def gb2312_hanzi() -> list[str]:
    """The 6,763 hanzi of GB 2312 (rows 16–87), which every role's font must cover."""
    hanzi = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                hanzi.append(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return hanzi
