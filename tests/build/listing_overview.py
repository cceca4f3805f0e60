"""The ``overview`` kind of the test renderer: ``overview.txt`` reads every year index (``after``).

Like the website's download links, it states the size of outputs other renderers made, which
it receives through ``ctx.built``.
"""

from __future__ import annotations

from docgen.render.context import Output, RenderContext

MODULE = "tests.build.listing_overview"


def plan(ctx: RenderContext) -> list[Output]:
    indexes = tuple(f"{year}/listing/index.txt" for year in ctx.content.years if ctx.content.projects.get(year))
    return [Output(path="overview.txt", kind="overview", renderer=f"{MODULE}:render_overview", after=indexes)]


def render_overview(ctx: RenderContext) -> bytes:
    lines = [f"{path}\t{len(data)} bytes\t{data.decode('utf-8').splitlines()[0]}" for path, data in ctx.built.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")
