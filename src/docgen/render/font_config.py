"""WeasyPrint's font configuration with the role faces registered where they are (字体注册), not copied.

WeasyPrint registers each ``@font-face`` by fetching the font and writing a copy of it into a
temporary folder of its own, which fontconfig then scans: ~86 MB read and written for the five
role faces in every process that renders a PDF, ~0.25 s of an edit's PDF helper warm-up, most of
it the kernel's (~40,000 page faults). A role's face is already a file of exactly that face:
the font file itself, or for a collection (.ttc) the face extracted into the cache folder
(:func:`docgen.render.fonts.face_file`). :class:`RoleFontConfiguration` links that file into
WeasyPrint's folder under the name WeasyPrint would give its copy, and registers it with the very
fontconfig rules WeasyPrint writes for such a rule (a family and a source, nothing else), so the
fonts Pango finds, and the PDFs, are the same; any other ``@font-face`` goes to WeasyPrint.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from hashlib import md5
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import FontConfiguration, font_features


class RoleFontConfiguration(FontConfiguration):  # type: ignore[misc]  # WeasyPrint has no type hints
    """A WeasyPrint ``FontConfiguration`` that links the role faces in place of copying them.

    ``faces``: a role font's ``@font-face`` URL → the file that is exactly its face.
    """

    def __init__(self, faces: Mapping[str, Path]) -> None:
        super().__init__()
        self.faces = dict(faces)

    def add_font_face(self, rule_descriptors: Mapping[str, Any], url_fetcher: Any) -> Any:
        face = self._role_face(rule_descriptors)
        if face is None:
            return super().add_font_face(rule_descriptors, url_fetcher)
        # WeasyPrint's name for its copy: the rule's digest, in its folder (removed with it)
        digest = md5(str(rule_descriptors).encode(), usedforsecurity=False).hexdigest()
        folder: Path | None = getattr(self, "_folder", None)  # WeasyPrint's, made on first use
        if folder is None:
            folder = self._folder = Path(tempfile.mkdtemp(prefix="weasyprint-"))
        linked = folder / digest
        if linked.exists():
            return None
        os.symlink(face, linked)
        fontconfig.FcConfigParseAndLoadFromMemory(self._config, _rules(linked, rule_descriptors["font_family"]), True)
        if fontconfig.FcConfigAppFontAddFile(self._config, os.fsencode(linked)):
            return pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))
        linked.unlink()  # fontconfig could not read it: WeasyPrint tries (and warns as it does)
        return super().add_font_face(rule_descriptors, url_fetcher)

    def _role_face(self, rule_descriptors: Mapping[str, Any]) -> Path | None:
        """The file of the rule's face, when the rule is a role's: one source, a role's URL, nothing
        but a family besides (WeasyPrint's rules for a style, weight or features are its own)."""
        if set(rule_descriptors) != {"font_family", "src"} or len(rule_descriptors["src"]) != 1:
            return None
        kind, url = rule_descriptors["src"][0]
        face = self.faces.get(url) if kind == "external" else None
        return face if face is not None and face.is_file() else None


def _rules(path: Path, family: str) -> bytes:
    """What WeasyPrint (70) tells fontconfig for a rule of a family and a source: the file scanned
    as the family first, and the default font features."""
    root = Element("fontconfig")
    match = SubElement(root, "match", target="scan")
    test = SubElement(match, "test", name="file", compare="eq")
    SubElement(test, "string").text = path.as_posix()
    edit = SubElement(match, "edit", name="family", mode="prepend")
    SubElement(edit, "string").text = family
    match = SubElement(root, "match", target="font")
    test = SubElement(match, "test", name="file", compare="eq")
    SubElement(test, "string").text = path.as_posix()
    features = font_features(font_feature_settings="normal")
    if features:
        edit = SubElement(match, "edit", name="fontfeatures", mode="assign_replace")
        for key, value in features.items():
            SubElement(edit, "string").text = f"{key} {value}"
    header = (b'<?xml version="1.0"?>', b'<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">')
    return b"\n".join((*header, tostring(root, encoding="utf-8")))
