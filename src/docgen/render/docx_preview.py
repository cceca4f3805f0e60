"""Convert generated .docx files to PDF with LibreOffice (tests, previews, the README image).

The documents name the 公文 fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体),
which a Linux server does not have. For a faithful preview, LibreOffice runs with a
fontconfig configuration that maps those names to the free stand-ins of domain.md §5
(FandolFang, Noto Serif/Sans CJK SC, AR PL UKai CN) — only here, never in the .docx. Each
conversion uses its own LibreOffice profile, so that concurrent runs do not collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONT_STAND_INS: dict[str, str] = {
    "仿宋_GB2312": "FandolFang",
    "仿宋": "FandolFang",
    "FangSong_GB2312": "FandolFang",
    "方正小标宋简体": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "楷体_GB2312": "AR PL UKai CN",
    "楷体": "AR PL UKai CN",
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
}
"""The 公文 font names and the free fonts that stand in for them in previews."""

_BOLD_STAND_INS = {"方正小标宋简体"}  # 小标宋 is a heavy face: its stand-in is the bold weight


class ConversionError(RuntimeError):
    """LibreOffice could not convert a document."""


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig file: the system configuration plus the stand-ins for the 公文 font names."""
    rules = []
    for name, stand_in in FONT_STAND_INS.items():
        weight = '<edit name="weight" mode="assign"><const>bold</const></edit>' if name in _BOLD_STAND_INS else ""
        rules.append(
            f'<match target="pattern"><test name="family" qual="any"><string>{name}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{stand_in}</string></edit>{weight}</match>'
        )
    conf = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        "<dir>/usr/local/share/fonts</dir>"
        f"{''.join(rules)}</fontconfig>\n"
    )
    path = folder / "fonts.conf"
    path.write_text(conf, encoding="utf-8")
    return path


def convert(source: Path, target_format: str = "pdf", *, timeout: float = 180) -> Path:
    """Convert ``source`` with LibreOffice headless; return the converted file (next to it)."""
    return convert_many([source], target_format, timeout=timeout)[0]


def convert_many(sources: list[Path], target_format: str = "pdf", *, timeout: float = 600) -> list[Path]:
    """Convert several files in one LibreOffice run (each next to its source); return the results.

    ``target_format`` is LibreOffice's ``--convert-to`` argument: ``pdf``, ``odt``,
    ``docx:MS Word 2007 XML``. Raises :class:`ConversionError` if any file is not converted.
    """
    executable = soffice()
    if executable is None:
        raise ConversionError("LibreOffice (soffice) is not installed")
    extension = target_format.split(":", 1)[0]
    converted = []
    by_folder: dict[Path, list[Path]] = {}
    for source in sources:
        by_folder.setdefault(source.parent, []).append(source)
    with tempfile.TemporaryDirectory(prefix="docgen-soffice-") as work:
        work_dir = Path(work)
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work_dir)), HOME=str(work_dir))
        profile = f"-env:UserInstallation={(work_dir / 'profile').as_uri()}"
        for folder, members in by_folder.items():
            for source in members:  # a result left by an earlier run must not pass for this one's
                if source.with_suffix(f".{extension}") != source:
                    source.with_suffix(f".{extension}").unlink(missing_ok=True)
            command = [executable, profile, "--headless", "--norestore", "--convert-to", target_format]
            command += ["--outdir", str(folder), *map(str, members)]
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
            for source in members:
                target = source.with_suffix(f".{extension}")
                if result.returncode != 0 or not target.is_file():
                    raise ConversionError(f"soffice failed on {source.name}: {result.stdout}{result.stderr}".strip())
                converted.append(target)
    return converted


def docx_to_pdf(data: bytes, folder: Path, name: str = "document") -> Path:
    """Write ``data`` as ``folder/name.docx`` and convert it to PDF; return the PDF's path."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.docx"
    source.write_bytes(data)
    return convert(source, "pdf")
