"""The JSON Schemas of the content files: committed as generated, wired into VS Code, and
describing the content as docgen reads it (checked with the jsonschema package)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from docgen.api import Checked
from docgen.schema_export import EDITOR_GLOBS, schema_text, schemas, vscode_yaml_schemas
from tests.conftest import REPO

SCHEMAS = REPO / "schemas"


def editor_view(value: Any) -> Any:
    """The data as an editor's YAML 1.2 reader sees it: dates are text."""
    if isinstance(value, dict):
        return {k: editor_view(v) for k, v in value.items()}
    if isinstance(value, list):
        return [editor_view(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_for(rel: str) -> str:
    """The schema an editor applies to a content file, from .vscode/settings.json."""
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    matches = [s for s, globs in settings["yaml.schemas"].items() if any(fnmatch(rel, g) for g in globs)]
    assert len(matches) == 1, (rel, matches)  # never two schemas for one file
    return matches[0]


def test_committed_schemas_are_what_docgen_schema_writes() -> None:
    generated = schemas()
    committed = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    assert sorted(committed) == sorted(generated), "run: docgen schema"
    for name, schema in generated.items():
        assert committed[name] == schema_text(schema), f"schemas/{name} is stale: run docgen schema"


def test_vscode_is_wired_to_the_schemas() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == vscode_yaml_schemas()
    for schema in settings["yaml.schemas"]:
        assert (REPO / schema).is_file()
    assert set(EDITOR_GLOBS) <= {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.json")}


def test_every_shipped_content_file_validates_against_its_schema(shipped: Checked) -> None:
    checked = 0
    for rel, document in shipped.content.documents.items():
        # a notice's front matter has a schema for tools; editors do not apply schemas to .md files
        schema_file = "./schemas/notice.schema.json" if rel.endswith(".md") else schema_for(rel)
        schema = json.loads((REPO / schema_file).read_text(encoding="utf-8"))
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(editor_view(document.data)))
        assert not errors, f"{rel}: {errors[0].message} at {list(errors[0].absolute_path)}"
        checked += 1
    assert checked == len(shipped.content.documents) > 50


@pytest.mark.parametrize(
    ("rel", "edit", "message"),
    [
        ("content/projects/2024/reguarantee-fee-subsidy.yaml", {"aplicant": "x"}, "Additional properties"),
        ("content/projects/2024/reguarantee-fee-subsidy.yaml", {"allocated": "725.4"}, "is not valid under any"),
        ("content/projects/2024/reguarantee-fee-subsidy.yaml", {"allocated": -1}, "is not valid under any"),
        ("content/evaluations/2023/_fund.yaml", {"titel": "x"}, "Additional properties"),
        ("content/evaluations/2023/reguarantee-fee-subsidy.yaml", {"scores": {"input": "19"}}, "is not of type"),
        ("content/funds/2023.yaml", {"hierarchy": "newest"}, "is not one of"),
    ],
)
def test_a_wrong_file_does_not_validate(shipped: Checked, rel: str, edit: dict[str, Any], message: str) -> None:
    schema = json.loads((REPO / schema_for(rel)).read_text(encoding="utf-8"))
    data = {**editor_view(shipped.content.documents[rel].data), **edit}
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    messages = list(_messages(errors))
    assert any(message in m for m in messages), messages


def _messages(errors: list[jsonschema.ValidationError]) -> Iterator[str]:
    for error in errors:
        yield error.message
        yield from _messages(list(error.context or []))


def test_schemas_carry_the_bureaus_titles() -> None:
    project = json.loads((SCHEMAS / "project.schema.json").read_text(encoding="utf-8"))
    assert project["$schema"] == "http://json-schema.org/draft-07/schema#"  # what yaml-language-server reads
    assert project["properties"]["applicant"]["title"] == "申报单位"
    assert project["properties"]["allocated"]["anyOf"][0] == {"minimum": 0, "type": "number"}
    indicator = project["definitions"]["Indicator"]["properties"]
    assert indicator["annual"]["title"] == "年度目标值"
    assert "$defs" not in json.dumps(project)


def test_schema_files_are_stable(tmp_path: Path) -> None:
    from docgen.schema_export import write_schemas

    first = {p.name: p.read_bytes() for p in write_schemas(tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in write_schemas(tmp_path / "b")}
    assert first == second
