"""The docgen command line: a thin layer over :mod:`docgen.api` (click)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from docgen import __version__
from docgen.diagnostics import Diagnostics, Severity
from docgen.project import ProjectPaths


def _paths(root: Path | None) -> ProjectPaths:
    return ProjectPaths(root.resolve()) if root else ProjectPaths.find()


def _print_diagnostics(diagnostics: Diagnostics, fmt: str) -> None:
    if fmt == "json":
        click.echo(diagnostics.to_json())
        return
    for diagnostic in diagnostics:
        colour = "red" if diagnostic.severity is Severity.ERROR else "yellow"
        click.echo(click.style(diagnostic.format(), fg=colour), err=False)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    summary = f"{errors} error(s), {warnings} warning(s)"
    click.echo(click.style(summary, bold=True, fg="red" if errors else ("yellow" if warnings else "green")), err=True)


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project folder (holding content/ and templates/); default: the nearest one above the current folder.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def cli() -> None:
    """Build the documents of 广东省促进经济高质量发展专项资金（金融发展） from YAML content."""


@cli.command()
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(root: Path | None, fmt: str, strict: bool) -> None:
    """Validate all content and templates; print every problem as path:line:col."""
    from docgen.api import check as run_check

    checked = run_check(_paths(root))
    _print_diagnostics(checked.diagnostics, fmt)
    sys.exit(1 if checked.diagnostics.has_errors(strict=strict) else 0)


def main() -> None:
    cli(prog_name="docgen")
