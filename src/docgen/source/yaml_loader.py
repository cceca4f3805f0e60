"""Load one YAML file into plain data plus the position of every value.

ruamel.yaml composes the file into nodes (with libyaml's C parser when ruamel.yaml.clib is
installed); this module turns the nodes into plain Python data itself, so that it can
report, with line and column, everything the content rules forbid: duplicate keys,
anchors and aliases (which also defeats alias bombs), custom tags, control and bidi
characters. Numbers with a fraction become ``Decimal`` straight from their text, so money
keeps its exact decimals and never passes through ``float``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import Resolver

from docgen.diagnostics import Diagnostics

MAX_FILE_BYTES = 2_000_000
MAX_SCALAR_CHARS = 200_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

# C0/C1 controls other than tab and newline, and the Unicode bidi embedding/override/isolate
# controls (the "Trojan Source" characters): never legitimate in the bureau's text.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff" + _BIDI + "]")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")


@dataclass(frozen=True, slots=True)
class Position:
    """Where a value stands in its file (1-based), and whether it is a block scalar."""

    line: int
    col: int
    style: str = ""  # "" plain, "'" or '"' quoted, "|" or ">" block

    @property
    def block(self) -> bool:
        return self.style in ("|", ">")


@dataclass(slots=True)
class YamlDocument:
    """A loaded file: its data and where each value (by key path) stands."""

    path: str
    data: Any
    positions: dict[Path_, Position] = field(default_factory=dict)
    key_positions: dict[Path_, Position] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    unlocated: str | None = None  # the text of a document whose data came from the parse cache

    @classmethod
    def cached(cls, path: str, data: Any, text: str) -> YamlDocument:
        """A document whose data is known (docgen.source.cache); its positions are found when first asked for."""
        return cls(path, data, unlocated=text)

    @property
    def text(self) -> str:
        """The text the document was loaded from (its line ends made "\\n")."""
        return self.unlocated if self.unlocated is not None else "\n".join(self.lines)

    def locate(self) -> YamlDocument:
        """Make sure the positions and lines are known (parse the text again for a cached document)."""
        if self.unlocated is not None:
            text, self.unlocated = self.unlocated, None
            parsed = parse_yaml(text, self.path, Diagnostics())
            if parsed is not None:
                self.positions, self.key_positions, self.lines = parsed.positions, parsed.key_positions, parsed.lines
        return self

    def forget_positions(self) -> None:
        """Keep the text instead of the positions, which :meth:`locate` finds again if they are asked for.

        The positions of 1,000 projects take ~200 MB; a build needs them only for a diagnostic.
        """
        if self.unlocated is None and self.lines:
            self.unlocated = "\n".join(self.lines)  # parse_yaml split the text at "\n"
            self.positions, self.key_positions, self.lines = {}, {}, []

    def position(self, loc: Path_) -> Position:
        """The position of the deepest existing value along ``loc``."""
        self.locate()
        for end in range(len(loc), -1, -1):
            pos = self.positions.get(tuple(loc[:end]))
            if pos is not None:
                return pos
        return Position(1, 1)

    def key_position(self, loc: Path_) -> Position:
        """The position of the key that holds ``loc`` (or of the value when it has no key)."""
        self.locate()
        return self.key_positions.get(tuple(loc)) or self.position(loc)

    def text_position(self, loc: Path_, line_index: int, col: int) -> tuple[int, int]:
        """File line and column of (``line_index`` 0-based, ``col`` 1-based) inside the string at ``loc``."""
        return text_position(self.position(loc), self.lines, line_index, col)


def text_position(pos: Position, lines: list[str], line_index: int, col: int) -> tuple[int, int]:
    """Map a place inside a scalar's text to its place in the file (exact for block and one-line scalars)."""
    if pos.block:
        line = pos.line + 1 + line_index
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        return line, len(source) - len(source.lstrip(" ")) + col
    if line_index == 0:
        return pos.line, pos.col + col - 1 + (1 if pos.style in ("'", '"') else 0)
    return pos.line + line_index, col


class _Converter:
    def __init__(self, path: str, diagnostics: Diagnostics, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.diagnostics = diagnostics
        self.positions: dict[Path_, Position] = {}
        self.key_positions: dict[Path_, Position] = {}
        self._seen: set[int] = set()

    def error(self, node: Node, message: str, code: str) -> None:
        self.diagnostics.error(self.path, node.start_mark.line + 1, node.start_mark.column + 1, message, code)

    def convert(self, node: Node, loc: Path_, key_node: Node | None = None) -> Any:
        if id(node) in self._seen:
            where = key_node if key_node is not None else node
            self.error(where, "anchors and aliases are not allowed in content; write the value out", "yaml-alias")
            return None
        self._seen.add(id(node))
        if len(loc) > MAX_DEPTH:
            self.error(node, f"nesting deeper than {MAX_DEPTH} levels", "yaml-depth")
            return None
        style = (node.style or "") if isinstance(node, ScalarNode) else ""
        self.positions[loc] = Position(node.start_mark.line + 1, node.start_mark.column + 1, style)
        tag = _tag(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, loc, tag)
        if isinstance(node, SequenceNode):
            if tag != "tag:yaml.org,2002:seq":
                self.error(node, f"tag {tag!r} is not allowed in content", "yaml-tag")
            return [self.convert(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, tag)

    def _mapping(self, node: MappingNode, loc: Path_, tag: str) -> dict[str, Any]:
        if tag not in ("tag:yaml.org,2002:map",):
            self.error(node, f"tag {tag!r} is not allowed in content", "yaml-tag")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, "a key must be a plain word, not a list or mapping", "yaml-key")
                continue
            if _tag(key_node) == "tag:yaml.org,2002:merge":
                self.error(key_node, "merge keys (<<) are not allowed in content", "yaml-alias")
                continue
            key = str(key_node.value)
            if key in result:
                first = self.key_positions[(*loc, key)]
                self.error(key_node, f"duplicate key {key!r} (first at line {first.line})", "duplicate-key")
                continue
            self.key_positions[(*loc, key)] = Position(key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.convert(value_node, (*loc, key), key_node)
        return result

    def _scalar(self, node: ScalarNode, tag: str) -> Any:
        text = str(node.value)
        if tag == "tag:yaml.org,2002:str":
            if len(text) > MAX_SCALAR_CHARS:
                self.error(node, f"text of {len(text):,} characters is longer than {MAX_SCALAR_CHARS:,}", "too-long")
                return text[:MAX_SCALAR_CHARS]
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in ("true", "yes", "on")
        if tag == "tag:yaml.org,2002:int":
            digits = text.replace("_", "")
            try:
                return int(digits) if _INT.match(digits) else int(digits, 0)
            except ValueError:
                self.error(node, f"{text!r} is not a number docgen accepts", "yaml-number")
                return None
        if tag == "tag:yaml.org,2002:float":
            if _DECIMAL.match(text):
                try:
                    return Decimal(text)
                except InvalidOperation:
                    pass
            self.error(node, f"{text!r} is not a number docgen accepts", "yaml-number")
            return None
        if tag == "tag:yaml.org,2002:timestamp":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                return text
        self.error(node, f"tag {tag!r} is not allowed in content", "yaml-tag")
        return None


def _report_forbidden_chars(text: str, path: str, diagnostics: Diagnostics, limit: int = 20) -> bool:
    """Report control and bidi characters at their exact line and column; True when there were any."""
    found = 0
    for match in _FORBIDDEN_CHARS.finditer(text):
        char = match.group()
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        kind = "bidi control" if char in _BIDI else "control character"
        diagnostics.error(path, line, col, f"{kind} U+{ord(char):04X} is not allowed in content", "forbidden-char")
        found += 1
        if found >= limit:
            break
    return found > 0


# ---- speed (docgen.build: `check` of 1,000 projects under 5 s): one composer for the process, and a
# YAML 1.2 resolver that does not look up the document's YAML version for every scalar (ruamel's
# VersionedResolver does: a third of the composing time). A `%YAML 1.1` directive is therefore read
# with the 1.2 rules, which is what the content model documents.


class _Yaml12Resolver(Resolver):
    """ruamel's YAML 1.2 implicit resolver, without the per-scalar version lookup."""

    def __init__(self, version: Any = None, loadumper: Any = None) -> None:
        super().__init__(loadumper)


def _tag(node: Node) -> str:
    """The node's resolved tag as text (``node.tag`` builds a new string on every access)."""
    ctag = node.ctag
    return str(ctag.trval or "") if ctag is not None else ""


def _new_yaml() -> YAML:
    yaml = YAML(typ="safe")
    yaml.allow_duplicate_keys = True  # duplicates are found, with their line, by the converter
    yaml.Resolver = _Yaml12Resolver
    return yaml


_YAML = _new_yaml()


def _yaml() -> YAML:
    """The process's composer (composing is not re-entrant; docgen loads files one at a time)."""
    _YAML.doc_infos.clear()  # ruamel appends one per document composed
    return _YAML


def parse_yaml(text: str, path: str, diagnostics: Diagnostics) -> YamlDocument | None:
    """Parse YAML text; on failure record diagnostics and return None."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        diagnostics.error(path, 1, 1, f"file is larger than {MAX_FILE_BYTES:,} bytes", "file-too-large")
        return None
    if _report_forbidden_chars(text, path, diagnostics):
        return None
    try:
        node = _yaml().compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = str(exc.problem or "invalid YAML")
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            start = exc.context_mark
            message += f" ({exc.context} that starts at line {start.line + 1}, column {start.column + 1})"
        diagnostics.error(path, line, col, f"YAML syntax: {message}", "yaml-syntax")
        return None
    except (YAMLError, ValueError) as exc:
        diagnostics.error(path, 1, 1, f"YAML syntax: {exc}", "yaml-syntax")
        return None
    except RecursionError:
        diagnostics.error(path, 1, 1, "nesting too deep", "yaml-depth")
        return None
    if node is None:
        return YamlDocument(path, None)
    lines = text.split("\n")
    converter = _Converter(path, diagnostics, lines)
    try:
        data = converter.convert(node, ())
    except RecursionError:
        diagnostics.error(path, 1, 1, "nesting too deep", "yaml-depth")
        return None
    return YamlDocument(path, data, converter.positions, converter.key_positions, lines)
