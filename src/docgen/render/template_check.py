"""Check the templates against the variables documented for them (``docgen check``).

:func:`check_templates` runs one checker per kind of template:

* :func:`check_docx_templates`: every Word template in ``templates/docx/`` against its contract
  in :mod:`docgen.render.docx_context` (the variables documented in docs/templates.md);
* :func:`check_html_templates`: the hook for the HTML templates (``templates/html/``), to be
  filled in with their contracts; :func:`check_jinja_source` does the work for any Jinja text.

A template may only use the variables its contract declares, the attributes their types
have, and the filters and tests of its environment. Every problem is a diagnostic at the
template's path; for a Word template the line is the paragraph (docxtpl's own numbering).
"""

from __future__ import annotations

import hashlib
import re
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes

from docgen.cache_home import cache_home, write_entry
from docgen.diagnostics import Diagnostics, display_path
from docgen.project import ProjectPaths


def check_templates(paths: ProjectPaths, diagnostics: Diagnostics) -> None:
    """Report every template that uses a variable, attribute, filter or tag its renderer does not provide."""
    check_docx_templates(paths, diagnostics)
    check_html_templates(paths, diagnostics)


def check_html_templates(paths: ProjectPaths, diagnostics: Diagnostics) -> None:
    """Hook for the HTML templates (templates/html/): check each against its contract here,
    with :func:`check_jinja_source` and the environment of :mod:`docgen.render.jinja_env`."""
    del paths, diagnostics


# ---------------------------------------------------------------------------- any Jinja text


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One problem in a template's Jinja text: its line there, what is wrong, a stable code."""

    line: int
    message: str
    code: str


class _Unknown:
    """The type of an expression the checker cannot follow (nothing is checked beyond it)."""


UNKNOWN: Any = _Unknown()
FILTER_RESULTS: dict[str, Any] = {"paragraphs": list[str]}
"""Result types of filters whose result a template iterates or inspects."""


def check_jinja_source(
    source: str, env: Environment, variables: dict[str, Any], code_prefix: str = "template"
) -> list[TemplateProblem]:
    """Check Jinja ``source`` against the declared top-level ``variables`` (name → type).

    Types are Python type hints: dataclasses (their fields are the attributes), ``list[X]``
    (a ``for`` loop binds X), ``X | None`` and plain scalars. Problems: syntax errors,
    undeclared variables, attributes a dataclass does not have, unknown filters and tests.
    """
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [TemplateProblem(exc.lineno or 1, f"template syntax: {exc.message}", f"{code_prefix}-syntax")]
    checker = _Checker(env, code_prefix)
    checker.statements(tree.body, dict(variables))
    return checker.problems


def _strip_optional(kind: Any) -> Any:
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        members = [m for m in typing.get_args(kind) if m is not type(None)]
        return members[0] if len(members) == 1 else UNKNOWN
    return kind


def _field_types(kind: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _type_name(kind: Any) -> str:
    return getattr(kind, "__name__", str(kind))


class _Checker:
    def __init__(self, env: Environment, code_prefix: str) -> None:
        self.env = env
        self.prefix = code_prefix
        self.problems: list[TemplateProblem] = []

    def problem(self, node: nodes.Node, message: str, code: str) -> None:
        self.problems.append(TemplateProblem(node.lineno or 1, message, f"{self.prefix}-{code}"))

    # statements ------------------------------------------------------------

    def statements(self, body: list[nodes.Node], scope: dict[str, Any]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            element = UNKNOWN
            iterated = _strip_optional(self.expression(node.iter, scope))
            if typing.get_origin(iterated) is list:
                element = typing.get_args(iterated)[0]
            inner = dict(scope)
            self.bind(node.target, element, inner)
            inner["loop"] = UNKNOWN
            if node.test is not None:
                self.expression(node.test, inner)
            self.statements(node.body, inner)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.statements(node.body, scope)
            for branch in node.elif_:
                self.statement(branch, scope)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.Assign):
            self.expression(node.node, scope)
            self.bind(node.target, UNKNOWN, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.expression(value, scope)
                self.bind(target, UNKNOWN, inner)
            self.statements(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for argument in node.args:
                self.bind(argument, UNKNOWN, inner)
            for default in node.defaults:
                self.expression(default, scope)
            inner.update(caller=UNKNOWN, varargs=UNKNOWN, kwargs=UNKNOWN)
            if isinstance(node, nodes.Macro):
                scope[node.name] = UNKNOWN
            else:
                self.expression(node.call, scope)
            self.statements(node.body, inner)
        elif isinstance(node, nodes.Expr):
            self.expression(node, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expression(child, scope)
                else:
                    self.statement(child, scope)

    def bind(self, target: nodes.Node, kind: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = kind
        else:
            for child in target.find_all(nodes.Name):
                scope[child.name] = UNKNOWN

    # expressions -----------------------------------------------------------

    def expression(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name not in self.env.globals:
                self.problem(node, f"undeclared variable '{node.name}'", "variable")
            return UNKNOWN
        if isinstance(node, nodes.Getattr):
            return self.attribute(node, self.expression(node.node, scope), node.attr)
        if isinstance(node, nodes.Getitem):
            base = _strip_optional(self.expression(node.node, scope))
            self.expression(node.arg, scope)
            if typing.get_origin(base) is list:
                return typing.get_args(base)[0]
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.attribute(node, base, node.arg.value)
            return UNKNOWN
        if isinstance(node, nodes.Filter):
            if node.node is not None:
                self.expression(node.node, scope)
            self.arguments(node, scope)
            if node.name not in self.env.filters:
                self.problem(node, f"unknown filter '{node.name}'", "filter")
            return FILTER_RESULTS.get(node.name, UNKNOWN)
        if isinstance(node, nodes.Test):
            self.expression(node.node, scope)
            self.arguments(node, scope)
            if node.name not in self.env.tests:
                self.problem(node, f"unknown test '{node.name}'", "test")
            return bool
        for child in node.iter_child_nodes():
            self.expression(child, scope)
        return UNKNOWN

    def arguments(self, node: nodes.Filter | nodes.Test, scope: dict[str, Any]) -> None:
        for argument in node.args:
            self.expression(argument, scope)
        for keyword in node.kwargs:
            self.expression(keyword.value, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expression(extra, scope)

    def attribute(self, node: nodes.Node, base: Any, name: str) -> Any:
        kind = _strip_optional(base)
        if isinstance(kind, type) and is_dataclass(kind):
            hints = _field_types(kind)
            if name not in hints or name not in {f.name for f in fields(kind)}:
                known = ", ".join(f.name for f in fields(kind))
                self.problem(node, f"'{_type_name(kind)}' has no attribute '{name}' (it has: {known})", "attribute")
                return UNKNOWN
            return hints[name]
        return UNKNOWN


# ---------------------------------------------------------------------------- Word templates

_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_XML_TAG = re.compile(r"<[^>]+>")


def docx_template_parts(path: Path) -> list[tuple[str, str]]:
    """The template's body, headers and footers as docxtpl compiles them (one line per paragraph)."""
    from docgen.render.docx_engine import DocgenTemplate

    template = DocgenTemplate(str(path))
    template.init_docx()
    parts = [("document", template.patch_xml(template.get_xml()))]
    for uri, label in ((template.HEADER_URI, "header"), (template.FOOTER_URI, "footer")):
        for _, part in template.get_headers_footers(uri):
            parts.append(
                (f"{label} {part.partname.rsplit('/', 1)[-1]}", template.patch_xml(template.get_part_xml(part)))
            )
    return [(label, _PARAGRAPH_START.sub(r"\n<w:p\1", xml)) for label, xml in parts]


def _paragraph_text(source: str, line: int) -> str:
    lines = source.split("\n")
    text = _XML_TAG.sub("", lines[line - 1]) if 0 < line <= len(lines) else ""
    return text if len(text) <= 60 else text[:57] + "…"


def check_docx_templates(paths: ProjectPaths, diagnostics: Diagnostics) -> None:
    """Check every Word template against its contract; report missing and unknown template files.

    Templates that were checked clean before, with the same docgen code and libraries, are not
    checked again (a marker in the user's cache folder, :func:`_clean_marker`): the check loads
    python-docx and docxtpl and reads every template, ~0.3 s of each ``docgen check``.
    """
    marker = _clean_marker(paths.docx_templates)
    if marker is not None and marker.exists():
        return
    found = len(diagnostics)
    _check_docx_templates(paths, diagnostics)
    if marker is not None and len(diagnostics) == found:
        write_entry(marker, b"")


def _clean_marker(folder: Path) -> Path | None:
    """Where a clean check of ``folder``'s templates as they are now is recorded; None: caching is off."""
    from docgen.build.inputs import code_digest

    home = cache_home()
    if home is None:
        return None
    digest = hashlib.sha256(code_digest().encode())
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                digest.update(b"\0" + path.name.encode("utf-8", "surrogatepass") + b"\0" + path.read_bytes())
    return home / "templates-checked" / digest.hexdigest()


def _check_docx_templates(paths: ProjectPaths, diagnostics: Diagnostics) -> None:
    from docgen.render.docx_context import DOCX_TEMPLATES
    from docgen.render.docx_engine import docx_environment, stray_docgen_tags

    folder = paths.docx_templates
    env = docx_environment(folder)
    for contract in DOCX_TEMPLATES:
        path = folder / contract.file
        rel = display_path(path, paths.root)
        if not path.is_file():
            diagnostics.error(rel, 1, 1, f"the Word template {contract.file} is missing", "docx-template-missing")
            continue
        try:
            parts = docx_template_parts(path)
        except Exception as exc:
            diagnostics.error(rel, 1, 1, f"not a Word document docgen can read: {exc}", "docx-template-invalid")
            continue
        variables = typing.get_type_hints(contract.context)
        for label, source in parts:
            for tag in stray_docgen_tags(source):
                line = source.count("\n", 0, source.find(tag)) + 1
                diagnostics.error(
                    rel, line, 1, f"{tag} must stand in a table cell ({label}, paragraph {line})", "docx-template-tag"
                )
            for found in check_jinja_source(source, env, variables, "docx-template"):
                where = f"{label}, paragraph {found.line}: “{_paragraph_text(source, found.line)}”"
                diagnostics.error(rel, found.line, 1, f"{found.message} ({where})", found.code)
    known = {contract.file for contract in DOCX_TEMPLATES}
    if folder.is_dir():
        for path in sorted(folder.glob("*.docx")):
            if path.name not in known and not path.name.startswith(("~$", ".~lock")):
                diagnostics.warning(
                    display_path(path, paths.root),
                    1,
                    1,
                    "docgen renders nothing from this template",
                    "docx-template-unused",
                )
