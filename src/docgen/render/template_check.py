"""Check the templates against the variables documented for them (filled in as renderers land)."""

from __future__ import annotations

from docgen.diagnostics import Diagnostics
from docgen.project import ProjectPaths


def check_templates(paths: ProjectPaths, diagnostics: Diagnostics) -> None:
    """Report every template that uses a variable or filter its renderer does not provide."""
    del paths, diagnostics
