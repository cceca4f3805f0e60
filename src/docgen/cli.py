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
    if fmt in ("github", "gitlab"):  # CI annotations (docs/ci/)
        text = diagnostics.to_github() if fmt == "github" else diagnostics.to_gitlab()
        if text:
            click.echo(text)
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "gitlab"]),
    default="text",
    help="Output format (github: workflow-command annotations; gitlab: Code Quality JSON).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(root: Path | None, fmt: str, strict: bool) -> None:
    """Validate all content and templates; print every problem as path:line:col."""
    from docgen.api import check as run_check
    from docgen.source.cache import ParseCache

    checked = run_check(_paths(root), cache=ParseCache.from_environment())
    _print_diagnostics(checked.diagnostics, fmt)
    sys.exit(1 if checked.diagnostics.has_errors(strict=strict) else 0)


@cli.command()
@root_option
@click.option("--year", type=int, default=None, help="Only the outputs of this year (and what they read).")
@click.option("--only", multiple=True, help="Only these kinds: docx,pdf,site,bundle (comma-separated).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per core, started only when the work pays for them; -j N starts N).",
)
@click.option("--force", is_flag=True, help="Render every selected output again.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (build/).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format (json: one per build)."
)
@click.option(
    "--watch",
    is_flag=True,
    help="Build again whenever content or templates change, each build forked from a warm process (Ctrl-C stops).",
)
def build(
    root: Path | None,
    year: int | None,
    only: tuple[str, ...],
    jobs: int | None,
    force: bool,
    out: Path | None,
    quiet: bool,
    fmt: str,
    watch: bool,
) -> None:
    """Build the Word files, PDFs, website and annual bundles: only what changed, atomically."""
    from docgen.build import BuildError, BuildOptions, BuildReport, parse_kinds
    from docgen.build import build as run_build
    from docgen.build.progress import TerminalProgress

    def progress() -> TerminalProgress | None:
        return TerminalProgress() if fmt == "text" and not quiet and sys.stderr.isatty() else None

    def show(report: BuildReport) -> None:
        if fmt == "json":
            click.echo(report.to_json(indent=None if watch else 2))
        else:
            for line, colour in report.text_lines(quiet=quiet):
                click.echo(click.style(line, fg=colour) if colour else line)

    try:
        options = BuildOptions(out=out, year=year, only=parse_kinds(only), jobs=jobs, force=force)
        if watch:
            from docgen.build.watch import watch as run_watch

            echo = (lambda _: None) if fmt == "json" or quiet else (lambda line: click.echo(line, err=True))
            sys.exit(run_watch(_paths(root), options, show, echo, progress=progress))
        report = run_build(_paths(root), options, progress())
    except BuildError as exc:
        raise click.UsageError(str(exc)) from None
    show(report)
    sys.exit(report.exit_code)


@cli.command("templates-doc")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/templates.md"),
    help="Where to write the page.",
)
def templates_doc(out: Path) -> None:
    """Write the Word templates' reference page (variables, filters, tags), generated from the code."""
    from docgen.render.docx_reference import write_templates_reference

    click.echo(write_templates_reference(out))


@cli.command()
@root_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
def serve(root: Path | None, port: int) -> None:
    """Build the website, serve it on 127.0.0.1 and rebuild and reload it as content or templates change."""
    from docgen.serve import serve as run_serve

    sys.exit(run_serve(_paths(root), port, click.echo))


@cli.command()
def fonts() -> None:
    """Check the PDF fonts: the free font of each 公文 role (仿宋, 黑体 …) and HarfBuzz subsetting."""
    from docgen.render.fonts import describe_setup

    lines, problems = describe_setup()
    for line in lines:
        click.echo(line)
    for problem in problems:
        click.echo(click.style(f"error: {problem}", fg="red"))
    sys.exit(1 if problems else 0)


@cli.command()
@root_option
@click.argument("old")
@click.argument("new", required=False)
@click.option("--project", "project", default=None, help="Only this project (its id).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "html"]),
    default="text",
    help="text: terminal; markdown: pull-request comment; json: docs/diff.md; html: a page.",
)
@click.option("--exit-code", is_flag=True, help="Exit with 1 when there are differences.")
def diff(root: Path | None, old: str, new: str | None, project: str | None, fmt: str, exit_code: bool) -> None:
    """What changed in meaning: two years (docgen diff 2023 2024) or two git revisions
    (docgen diff origin/main HEAD; the working tree when NEW is left out)."""
    from docgen.diff import DiffError, preview_page, render_json, render_markdown, render_terminal
    from docgen.diff.run import run_diff

    try:
        result = run_diff(_paths(root), old, new, project=project)
    except DiffError as exc:
        click.echo(click.style(f"error: {exc}", fg="red"), err=True)
        sys.exit(2)
    if fmt == "text":
        from rich.console import Console

        render_terminal(result, Console(highlight=False))
    else:
        render = {"markdown": render_markdown, "json": render_json, "html": preview_page}[fmt]
        click.echo(render(result), nl=False)
    sys.exit(1 if exit_code and result.has_differences else 0)


@cli.command()
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder (schemas/).")
def schema(root: Path | None, out: Path | None) -> None:
    """Write the JSON Schema of every kind of content file (for editors: .vscode/settings.json)."""
    from docgen.schema_export import write_schemas

    for path in write_schemas(out or _paths(root).root / "schemas"):
        click.echo(path.as_posix())


def main() -> None:
    """The ``docgen`` command: its exit skips the interpreter's teardown (see :mod:`docgen.process_exit`)."""
    from docgen.process_exit import exit_now
    from docgen.process_gc import collect_for_batch_work

    collect_for_batch_work()
    try:
        cli(prog_name="docgen")
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)
