"""The diff as JSON: a documented, stable schema (docs/diff.md, schemas/diff.schema.json).

Numbers are strings with their exact decimals (money never passes through a float); keys
keep their order; the ``schema`` field names the version (``docgen-diff/1``), which changes
only when a field changes meaning or goes away (new fields may be added).
"""

from __future__ import annotations

import json
from typing import Any

from docgen.diff.model import JSON_SCHEMA_VERSION, ChangeKind, DiffResult, Verdict
from docgen.facts.target_values import Comparator


def render_json(result: DiffResult) -> str:
    """The diff as JSON text (UTF-8, indented, ending with a newline)."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_NUMBER = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "description": "A decimal number, exact, as text."}
_LOCATION = {
    "type": "object",
    "description": "Where a value stands: the content file (relative to the project) and its 1-based line and column.",
    "properties": {
        "path": {"type": "string"},
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
    },
    "required": ["path", "line", "column"],
    "additionalProperties": False,
}
_VERDICTS = [v.value for v in Verdict]
_NUMBER_CHANGE = {
    "type": "object",
    "description": "A number compared: as written on each side, the difference in the new side's unit, the ratio.",
    "properties": {
        "old": _NUMBER,
        "new": _NUMBER,
        "old_unit": {"type": "string"},
        "new_unit": {"type": "string"},
        "delta": _NUMBER,
        "unit": {"type": "string"},
        "ratio": _nullable({**_NUMBER, "description": "(new − old) ÷ old, six decimals; null when old is 0."}),
        "direction": {"enum": ["raised", "lowered", "unchanged"]},
    },
    "required": ["old", "new", "old_unit", "new_unit", "delta", "unit", "ratio", "direction"],
    "additionalProperties": False,
}
_BOUND = {
    "type": "object",
    "description": "One amount of a target or text, as parsed (docgen.facts.target_values.Bound).",
    "properties": {
        "comparator": {"enum": [c.value for c in Comparator]},
        "number": _NUMBER,
        "high": _nullable(_NUMBER),
        "unit": {"type": "string"},
        "base_unit": {"type": "string"},
        "label": {"type": "string"},
    },
    "required": ["comparator", "number", "high", "unit", "base_unit", "label"],
    "additionalProperties": False,
}
_QUANTITY = {
    "type": "object",
    "description": "One amount compared with its counterpart (absent on one side when added or removed).",
    "properties": {
        "old": _nullable({"$ref": "#/definitions/bound"}),
        "new": _nullable({"$ref": "#/definitions/bound"}),
        "verdict": {"enum": _VERDICTS},
        "number": _nullable({"$ref": "#/definitions/number_change"}),
        "high": _nullable({"$ref": "#/definitions/number_change"}),
        "comparator_changed": {"type": "boolean"},
        "unit_changed": {"type": "boolean"},
    },
    "required": ["old", "new", "verdict", "number", "high", "comparator_changed", "unit_changed"],
    "additionalProperties": False,
}
_CHANGE = {
    "type": "object",
    "description": "One difference of meaning.",
    "properties": {
        "kind": {"enum": [k.value for k in ChangeKind]},
        "scope": {
            "type": "object",
            "properties": {
                "kind": {"enum": ["project", "evaluation", "fund", "fund-evaluation", "notice", "config", "file"]},
                "key": {"type": "string"},
            },
            "required": ["kind", "key"],
            "additionalProperties": False,
        },
        "path": {"type": "string", "description": "A stable machine path of what changed (goals.annual.items[1])."},
        "label": {"type": "string", "description": "What changed, in the bureau's words, as the new side names it."},
        "old": _nullable({"type": "string"}),
        "new": _nullable({"type": "string"}),
        "location": {"$ref": "#/definitions/location"},
        "old_location": _nullable({"$ref": "#/definitions/location"}),
        "new_location": _nullable({"$ref": "#/definitions/location"}),
        "verdict": _nullable({"enum": _VERDICTS}),
        "amount": _nullable({"$ref": "#/definitions/number_change"}),
        "quantities": {"type": "array", "items": {"$ref": "#/definitions/quantity"}},
        "text": {
            "type": "array",
            "description": "A character-level diff: [op, text] runs, op equal | delete | insert.",
            "items": {
                "type": "array",
                "items": [{"enum": ["equal", "delete", "insert"]}, {"type": "string"}],
                "minItems": 2,
                "maxItems": 2,
            },
        },
        "similarity": _nullable(_NUMBER),
        "matched_by": _nullable({"enum": ["key", "name", "similarity"]}),
        "period": _nullable({"type": "array", "items": _nullable({"type": "string"}), "minItems": 2, "maxItems": 2}),
        "notes": {"type": "array", "items": {"type": "string"}},
    },
    "required": [
        "kind",
        "scope",
        "path",
        "label",
        "old",
        "new",
        "location",
        "old_location",
        "new_location",
        "verdict",
        "amount",
        "quantities",
        "text",
        "similarity",
        "matched_by",
        "period",
        "notes",
    ],
    "additionalProperties": False,
}
_PROJECT = {
    "type": "object",
    "description": "A project that starts or ends.",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "amount": _nullable(_NUMBER),
        "basis": _nullable({"enum": ["allocated", "requested"]}),
        "location": {"$ref": "#/definitions/location"},
    },
    "required": ["id", "name", "amount", "basis", "location"],
    "additionalProperties": False,
}
_SIDE = {
    "type": "object",
    "properties": {
        "label": {"type": "string"},
        "kind": {"enum": ["year", "revision", "working-tree"]},
        "commit": _nullable({"type": "string"}),
    },
    "required": ["label", "kind", "commit"],
    "additionalProperties": False,
}
_COMPARISON = {
    "type": "object",
    "description": "One fund-year compared with another, or with itself at two revisions.",
    "properties": {
        "old_year": _nullable({"type": "integer"}),
        "new_year": _nullable({"type": "integer"}),
        "totals": {
            "type": "object",
            "properties": {
                "old_projects": {"type": "integer"},
                "new_projects": {"type": "integer"},
                "amount": {"$ref": "#/definitions/number_change"},
            },
            "required": ["old_projects", "new_projects", "amount"],
            "additionalProperties": False,
        },
        "added": {"type": "array", "items": {"$ref": "#/definitions/project"}},
        "removed": {"type": "array", "items": {"$ref": "#/definitions/project"}},
        "continued": {"type": "array", "items": {"type": "string"}},
        "changed": {"type": "array", "items": {"type": "string"}},
        "names": {"type": "object", "additionalProperties": {"type": "string"}},
        "changes": {"type": "array", "items": {"$ref": "#/definitions/change"}},
    },
    "required": ["old_year", "new_year", "totals", "added", "removed", "continued", "changed", "names", "changes"],
    "additionalProperties": False,
}

DIFF_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "docgen diff (docgen-diff/1)",
    "description": "The output of `docgen diff --format json`; documented in docs/diff.md.",
    "type": "object",
    "properties": {
        "schema": {"const": JSON_SCHEMA_VERSION},
        "old": {"$ref": "#/definitions/side"},
        "new": {"$ref": "#/definitions/side"},
        "project": _nullable({"type": "string"}),
        "differences": {"type": "integer", "minimum": 0},
        "summary": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "comparisons": {"type": "array", "items": {"$ref": "#/definitions/comparison"}},
        "changes": {"type": "array", "items": {"$ref": "#/definitions/change"}},
    },
    "required": ["schema", "old", "new", "project", "differences", "summary", "comparisons", "changes"],
    "additionalProperties": False,
    "definitions": {
        "side": _SIDE,
        "comparison": _COMPARISON,
        "project": _PROJECT,
        "change": _CHANGE,
        "quantity": _QUANTITY,
        "bound": _BOUND,
        "number_change": _NUMBER_CHANGE,
        "location": _LOCATION,
    },
}
"""The JSON Schema of :func:`render_json`'s output (written by ``docgen schema`` as diff.schema.json)."""
