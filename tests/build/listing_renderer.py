"""A small, real renderer for the build's own tests: plain-text listings made from templates.

The build's rules (what is stale, what is removed, what is atomic) are tested against this
renderer, whose dependencies the tests control exactly, as well as against the Word, PDF and
website renderers (tests/build/test_real_renderers.py). It follows the renderer contract of
:mod:`docgen.build`: ``plan(ctx)`` lists outputs with their content files and templates,
render functions return bytes, the overview reads the year indexes through ``ctx.built``.

Outputs (kind ``listing``, documents of their year, so they go into the bundle):

* ``<year>/listing/<id>.txt``: one project, from ``templates/listing/project.txt``;
* ``<year>/listing/index.txt``: the year's projects and total, from ``templates/listing/index.txt``;

and (kind ``overview``) ``overview.txt``, which reads every index and states its size.

``LISTING_RENDER_DELAY`` (seconds, in the environment) slows each render down, so that a test
can kill a build while it renders.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from docgen.build.registry import RendererSpec
from docgen.facts import format as fmt
from docgen.render.context import Output, RenderContext

MODULE = "tests.build.listing_renderer"
PROJECT_TEMPLATE = "templates/listing/project.txt"
INDEX_TEMPLATE = "templates/listing/index.txt"

RENDERERS = (
    RendererSpec("listing", MODULE, documents=True),
    RendererSpec("overview", "tests.build.listing_overview", documents=False),
)

TEMPLATES = {
    PROJECT_TEMPLATE: "{year}年 {name}\n申报单位：{applicant}\n分配金额：{allocated}万元\n生成日期：{date}\n",
    INDEX_TEMPLATE: "{year}年项目清单（{count}个）\n{lines}\n合计：{total}万元\n",
}


def _delay() -> None:
    seconds = float(os.environ.get("LISTING_RENDER_DELAY", "0") or 0)
    if seconds:
        time.sleep(seconds)


def _template(ctx: RenderContext, rel: str) -> str:
    return (ctx.root / rel).read_text(encoding="utf-8")


def plan(ctx: RenderContext) -> list[Output]:
    outputs: list[Output] = []
    for year in ctx.content.years:
        projects = ctx.content.projects_of(year)
        if not projects:
            continue
        fund = (ctx.content_rel(f"fund/{year}"),) if ctx.content_rel(f"fund/{year}") else ()
        for project in projects:
            outputs.append(
                Output(
                    path=f"{year}/listing/{project.id}.txt",
                    kind="listing",
                    renderer=f"{MODULE}:render_project",
                    args=(year, project.id),
                    content_files=(ctx.content_rel(f"project/{year}/{project.id}"),),
                    templates=(PROJECT_TEMPLATE,),
                )
            )
        outputs.append(
            Output(
                path=f"{year}/listing/index.txt",
                kind="listing",
                renderer=f"{MODULE}:render_index",
                args=(year,),
                content_files=(*fund, *(ctx.content_rel(f"project/{year}/{p.id}") for p in projects)),
                templates=(INDEX_TEMPLATE,),
            )
        )
    return outputs


def render_project(ctx: RenderContext, year: int, project_id: str) -> bytes:
    _delay()
    project = ctx.content.projects[year][project_id]
    date = dt.datetime.fromtimestamp(ctx.source_date_epoch, dt.UTC).date()
    text = _template(ctx, PROJECT_TEMPLATE).format(
        year=year,
        name=project.display_name,
        applicant=project.applicant or "",
        allocated=fmt.money_table(project.allocated),
        date=fmt.date_cn(date),
    )
    return text.encode("utf-8")


def render_index(ctx: RenderContext, year: int) -> bytes:
    _delay()
    facts = ctx.facts[year]
    lines = "\n".join(f"{p.seq}. {p.name} {fmt.money_table(p.allocated)}" for p in facts.projects)
    text = _template(ctx, INDEX_TEMPLATE).format(
        year=year, count=facts.project_count, lines=lines, total=fmt.money_table(facts.allocated)
    )
    return text.encode("utf-8")
