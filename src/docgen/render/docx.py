"""Word documents: each project's 绩效目标表 and the year's notice attachments (附件1–3).

``plan(ctx)`` lists the .docx files the build writes; each ``render_*`` function returns the
bytes of one of them, rendered from a template in ``templates/docx/``
(:mod:`docgen.render.docx_context` says what each template receives,
:mod:`docgen.render.docx_engine` how it is rendered safely and reproducibly):

* ``<year>/targets/<id>.docx``: one project's 绩效目标表 (target-tables.docx);
* ``<year>/attachments/attachment-1-catalog.docx``: 附件1 目录清单 (attachment-1-catalog.docx);
* ``<year>/attachments/attachment-2-allocation.docx``: 附件2 分配方案 (attachment-2-allocation.docx);
* ``<year>/attachments/attachment-3-targets.docx``: 附件3, every project's 绩效目标表 (target-tables.docx).

Planning imports nothing heavy; docxtpl is imported when a document is rendered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docgen.diagnostics import display_path
from docgen.render.context import Output, RenderContext
from docgen.render.docx_context import (
    ALLOCATION,
    CATALOG,
    TARGET_TABLES,
    DocxTemplateContract,
    allocation_context,
    as_variables,
    catalog_context,
    project_target_tables,
    year_target_tables,
)

RENDERER = "docgen.render.docx"
CATALOG_PATH = "{year}/attachments/attachment-1-catalog.docx"
ALLOCATION_PATH = "{year}/attachments/attachment-2-allocation.docx"
TARGETS_ATTACHMENT_PATH = "{year}/attachments/attachment-3-targets.docx"
TARGET_TABLE_PATH = "{year}/targets/{id}.docx"


def template_path(ctx: RenderContext, contract: DocxTemplateContract) -> Path:
    return ctx.paths.docx_templates / contract.file


def _template_rel(ctx: RenderContext, contract: DocxTemplateContract) -> str:
    return display_path(template_path(ctx, contract), ctx.root)


def _site_rel(ctx: RenderContext) -> tuple[str, ...]:
    site = ctx.paths.content / "site.yaml"
    return (display_path(site, ctx.root),) if site.is_file() else ()


def _files(ctx: RenderContext, *keys: str) -> tuple[str, ...]:
    return tuple(rel for key in keys if (rel := ctx.content_rel(key)))


def plan(ctx: RenderContext) -> list[Output]:
    """Every .docx the build writes, with exactly the files each depends on."""
    outputs: list[Output] = []
    content = ctx.content
    site = _site_rel(ctx)
    table_template = _template_rel(ctx, TARGET_TABLES)  # one template for every project's table
    for year in content.years:
        projects = content.projects_of(year)
        fund_file = _files(ctx, f"fund/{year}")
        project_files = _files(ctx, *(f"project/{year}/{p.id}" for p in projects))
        for project in projects:
            outputs.append(
                Output(
                    path=TARGET_TABLE_PATH.format(year=year, id=project.id),
                    kind="docx",
                    renderer=f"{RENDERER}:render_target_table",
                    args=(year, project.id),
                    content_files=(*_files(ctx, f"project/{year}/{project.id}"), *fund_file, *site),
                    templates=(table_template,),
                )
            )
        fund = content.funds.get(year)
        if fund is not None and fund.catalog is not None:
            outputs.append(
                Output(
                    path=CATALOG_PATH.format(year=year),
                    kind="docx",
                    renderer=f"{RENDERER}:render_catalog",
                    args=(year,),
                    content_files=(*fund_file, *project_files, *site),
                    templates=(_template_rel(ctx, CATALOG),),
                )
            )
        if any(p.requested is not None or p.allocated is not None for p in projects):
            outputs.append(
                Output(
                    path=ALLOCATION_PATH.format(year=year),
                    kind="docx",
                    renderer=f"{RENDERER}:render_allocation",
                    args=(year,),
                    content_files=(*project_files, *site),
                    templates=(_template_rel(ctx, ALLOCATION),),
                )
            )
        if projects:
            outputs.append(
                Output(
                    path=TARGETS_ATTACHMENT_PATH.format(year=year),
                    kind="docx",
                    renderer=f"{RENDERER}:render_targets_attachment",
                    args=(year,),
                    content_files=(*project_files, *fund_file, *site),
                    templates=(table_template,),
                )
            )
    return outputs


def _render(
    ctx: RenderContext, contract: DocxTemplateContract, context: Any, title: str, *, kept_tables: str = ""
) -> bytes:
    """Render one document; a broken template is reported on ``ctx.diagnostics`` (the output fails).

    ``kept_tables``: the output whose finished tables are kept between builds (a document of many
    tables, see :mod:`docgen.render.docx_table_memo`)."""
    from jinja2 import TemplateError

    from docgen.render.docx_engine import render_docx
    from docgen.render.docx_package import DocumentProperties
    from docgen.render.docx_table_memo import FinishedTables

    path = template_path(ctx, contract)
    rel = display_path(path, ctx.root)
    if not path.is_file():
        ctx.diagnostics.error(rel, 1, 1, f"the Word template {contract.file} is missing", "docx-template-missing")
        return b""
    author = ctx.content.site.publisher if ctx.content.site else ""
    properties = DocumentProperties(title=title, author=author, epoch=ctx.source_date_epoch)
    try:
        memo = FinishedTables(f"{ctx.root.resolve()}|{kept_tables}") if kept_tables else None
        return render_docx(path, as_variables(context), properties, memo)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or 1
        ctx.diagnostics.error(rel, line, 1, f"template error: {exc} (run docgen check)", "docx-template-render")
        return b""


def render_target_table(ctx: RenderContext, year: int, project_id: str) -> bytes:
    """``<year>/targets/<id>.docx``: one project's 绩效目标表."""
    project = ctx.content.projects[year][project_id]
    context = project_target_tables(ctx.content, project)
    return _render(ctx, TARGET_TABLES, context, f"{context.tables[0].title}绩效目标表（{year}年）")


def render_targets_attachment(ctx: RenderContext, year: int) -> bytes:
    """附件3: every project's 绩效目标表 of the year, numbered, each on a new page."""
    context = year_target_tables(ctx.content, year)
    title = f"{year}年{context.fund_name}项目绩效目标表"
    return _render(ctx, TARGET_TABLES, context, title, kept_tables=TARGETS_ATTACHMENT_PATH.format(year=year))


def render_catalog(ctx: RenderContext, year: int) -> bytes:
    """附件1: 省级财政专项资金目录清单（<year>年）."""
    context = catalog_context(ctx.content, ctx.facts[year], year)
    return _render(ctx, CATALOG, context, f"省级财政专项资金目录清单（{year}年）")


def render_allocation(ctx: RenderContext, year: int) -> bytes:
    """附件2: <year>年<fund>分配方案, with the computed 合计."""
    context = allocation_context(ctx.content, ctx.facts[year], year)
    return _render(ctx, ALLOCATION, context, f"{year}年{context.fund_name}分配方案")
