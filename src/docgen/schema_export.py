"""JSON Schemas of the content files, for editors (``docgen schema``).

One schema per kind of content file, generated from the pydantic models of
:mod:`docgen.model.schema`, whose Chinese titles an editor shows on hover (申报单位 on
``applicant``). The schemas are JSON Schema draft-07 (what the YAML extension of VS Code,
yaml-language-server, supports) and are committed in ``schemas/``;
``.vscode/settings.json`` maps content paths to them (:func:`vscode_yaml_schemas`), and a test
keeps both equal to what this module generates.

Money and points are YAML numbers (never strings); a bare number is how docgen reads them.
``evaluations.schema.json`` serves content/evaluations/: a file with a ``title`` is the fund
evaluation (_fund.yaml), any other a project evaluation — one schema for the folder, because
editors cannot reliably exclude _fund.yaml from a glob. Notices are Markdown: their front matter
has a schema (notice.schema.json) for tools, but editors do not apply it to .md files.
The diff's JSON output has its schema here too (diff.schema.json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from docgen.model.schema import (
    Fund,
    FundEvaluation,
    HierarchyConfig,
    NoticeMeta,
    Project,
    ProjectEvaluation,
    ScoringPolicy,
    Site,
    json_schema_title,
)

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

CONTENT_KINDS: dict[str, type[BaseModel]] = {
    "site": Site,
    "fund": Fund,
    "project": Project,
    "evaluation": ProjectEvaluation,
    "fund-evaluation": FundEvaluation,
    "notice": NoticeMeta,
    "hierarchy": HierarchyConfig,
    "scoring": ScoringPolicy,
}
"""Each kind of content file and its model (schema file: ``<kind>.schema.json``)."""

EDITOR_GLOBS: dict[str, list[str]] = {
    "site": ["content/site.yaml"],
    "fund": ["content/funds/*.yaml"],
    "project": ["content/projects/*/*.yaml"],
    "evaluations": ["content/evaluations/*/*.yaml"],
    "hierarchy": ["content/hierarchy.yaml"],
    "scoring": ["content/scoring.yaml"],
}
"""Which content files an editor validates with which schema (relative to the project folder)."""


class _ContentSchema(GenerateJsonSchema):
    """Pydantic's generator, with money and points as the plain numbers the content writes."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {"type": "number", "minimum": 0}


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The draft-07 JSON Schema of one model (``definitions`` for its parts)."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}", schema_generator=_ContentSchema)
    definitions = schema.pop("$defs", {})
    for definition in definitions.values():
        _title_from_description(definition)
    result: dict[str, Any] = {"$schema": DRAFT_07, **schema, "title": json_schema_title(model)}
    if definitions:
        result["definitions"] = definitions
    return result


def _title_from_description(schema: dict[str, Any]) -> None:
    """A part's title: the first line of its docstring (the class name means nothing to an editor's user)."""
    description = schema.get("description")
    if isinstance(description, str) and description.strip():
        schema["title"] = description.strip().splitlines()[0].rstrip(".")


def evaluations_schema() -> dict[str, Any]:
    """content/evaluations/<year>/*.yaml: the fund evaluation when the file has a ``title``, else a project's."""
    project, fund = model_schema(ProjectEvaluation), model_schema(FundEvaluation)
    definitions = {**project.pop("definitions", {}), **fund.pop("definitions", {})}
    for part in (project, fund):
        part.pop("$schema", None)
    definitions["ProjectEvaluation"] = project
    definitions["FundEvaluation"] = fund
    return {
        "$schema": DRAFT_07,
        "title": "评价文件（项目绩效评价 / 专项资金绩效评价）",
        "description": "_fund.yaml (with a title) is the fund evaluation; <id>.yaml is the evaluation of a project.",
        "if": {"type": "object", "required": ["title"]},
        "then": {"$ref": "#/definitions/FundEvaluation"},
        "else": {"$ref": "#/definitions/ProjectEvaluation"},
        "definitions": definitions,
    }


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema docgen writes, by file name."""
    from docgen.diff.output_json import DIFF_JSON_SCHEMA

    result = {f"{kind}.schema.json": model_schema(model) for kind, model in CONTENT_KINDS.items()}
    result["evaluations.schema.json"] = evaluations_schema()
    result["diff.schema.json"] = DIFF_JSON_SCHEMA
    return result


def schema_text(schema: dict[str, Any]) -> str:
    """A schema as the committed file holds it (stable: same input, same bytes)."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def vscode_yaml_schemas(folder: str = "schemas") -> dict[str, list[str]]:
    """The ``yaml.schemas`` setting of .vscode/settings.json: schema file → content globs."""
    return {f"./{folder}/{kind}.schema.json": globs for kind, globs in EDITOR_GLOBS.items()}


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = out / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written
