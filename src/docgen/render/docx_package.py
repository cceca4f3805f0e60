"""The .docx package, written reproducibly: same document → same bytes.

python-docx stamps every zip entry with the current time. Here the package's parts are
collected with python-docx's own writer logic and zipped once, in sorted order
(``[Content_Types].xml`` first), with every entry dated from SOURCE_DATE_EPOCH and fixed
metadata; the core properties (title, author, created, modified) come from the build.
Every part is serialized from a parsed tree, so it is well-formed: the rendered text of a part
is parsed strictly where it becomes a tree (:mod:`docgen.render.docx_engine`; headers and
footers by python-docx), and a part that does not parse fails the document.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from docx.opc.pkgwriter import PackageWriter

from docgen.render.docx_text import xml_safe

DOCUMENT_PART = "word/document.xml"
"""The zip member of the main document part (the body)."""


@dataclass(frozen=True, slots=True)
class DocumentProperties:
    """The core properties every generated document carries (文档属性)."""

    title: str
    author: str
    epoch: int  # SOURCE_DATE_EPOCH: created and modified, and every zip entry's time


def epoch_datetime(epoch: int) -> dt.datetime:
    """SOURCE_DATE_EPOCH as a UTC time, not earlier than 1980 (the zip format's first day)."""
    return max(dt.datetime.fromtimestamp(epoch, dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))


def set_core_properties(document: Any, properties: DocumentProperties) -> None:
    """Title, author and dates from the build; every other core property emptied."""
    core = document.core_properties
    when = epoch_datetime(properties.epoch).replace(tzinfo=None)
    core.title = xml_safe(properties.title)  # titles come from content
    core.author = xml_safe(properties.author)
    core.last_modified_by = core.author
    core.created = when
    core.modified = when
    core.revision = 1
    for name in ("subject", "keywords", "comments", "category", "content_status", "identifier", "version"):
        setattr(core, name, "")
    core.language = "zh-CN"


class _Entries:
    """Collects what python-docx's package writer writes: member name → bytes."""

    def __init__(self) -> None:
        self.members: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.members[pack_uri.membername] = blob


def package_members(document: Any) -> dict[str, bytes]:
    """The document's zip members, as python-docx would write them (without writing a zip)."""
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = _Entries()
    writer: Any = PackageWriter  # python-docx's own steps of OpcPackage.save(), untyped
    writer._write_content_types_stream(entries, parts)
    writer._write_pkg_rels(entries, package.rels)
    writer._write_parts(entries, parts)
    return entries.members


class CorruptDocumentError(RuntimeError):
    """A generated part is not well-formed XML (a bug in a template or in docgen, never content)."""


def reproducible_zip(members: dict[str, bytes], epoch: int) -> bytes:
    """Zip ``members`` in sorted order ([Content_Types].xml first) with fixed entry metadata."""
    when = epoch_datetime(epoch)
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name in sorted(members, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, members[name], compresslevel=6)
    return output.getvalue()


def save_reproducibly(
    document: Any, properties: DocumentProperties, written: Callable[[Mapping[str, bytes]], None] | None = None
) -> bytes:
    """The document's bytes: core properties from ``properties``, zipped reproducibly; ``written``
    is shown the parts as written (member name → bytes) before they are zipped."""
    set_core_properties(document, properties)
    members = package_members(document)
    if written is not None:
        written(members)
    return reproducible_zip(members, properties.epoch)
